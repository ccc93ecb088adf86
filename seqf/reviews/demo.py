"""Demo reviews, made through the services so the demo follows every rule.

* «Jobbvei AS» was certified eleven months ago: a certification review by Rolf Revisor (lead) and
  Randi Medrevisor, built on last spring's consensus, published and approved. Its first follow-up
  is due next month and already planned as a video meeting, so the certificate page, the report,
  the trend and the register have something real to show.
* «NAV Fjordbyen» has a certification review planned for next week with a visit agenda, so the
  revisors can read the package, take notes and draft findings.

Dates are moved back after the services ran (as the round demo does), because the services
rightly refuse decisions dated in the past before the report was published. Mail queued on the way
is marked as sent back then. Added only when the organisation has no review yet.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from seqf import certificates, clock, demo
from seqf.extensions import db
from seqf.models import (
    MailState,
    Organisation,
    OutboxMessage,
    ReportVersion,
    Review,
    ReviewKind,
    ReviewMode,
    Round,
)
from seqf.rounds import demo as rounds_demo  # noqa: F401 - registers its loader first: the consensus to build on
from seqf.services import certification, findings, publication, visit_agenda
from seqf.services import reviews as review_service
from seqf.services.assessments import AreaData, StepData
from seqf.services.review_scope import review_areas

COORDINATOR = "koordinator@seno.demo"
LEAD = "revisor@seno.demo"
CO = "revisor2@seno.demo"

# the revisors' scores in areas 1–9 (steps met; the steps below are documented)
SCORES = [3, 2, 2, 3, 3, 2, 2, 1, 2]
JUSTIFICATION = {
    "1": "Ledelsen har et skriftlig mål om ordinært arbeid og følger det opp i ledermøtene; referatene viser det.",
    "5": "Alle fem fasene i prosessen er beskrevet. Jobbstøtteplanen brukes, men ikke likt i alle avdelinger.",
    "8": "Tjenesten har ennå ikke beskrevet sin samfunnsrolle ut over selve tjenesten.",
}
DEFAULT_JUSTIFICATION = "Vurdert ut fra dokumentasjonen og intervjuene med ledelse, medarbeidere og NAV."
RECOMMENDATION = {
    "1": ["Skriv ned hvem som følger opp hvert mål i handlingsplanen.", "Gjør SEQF til fast punkt i styremøtet."],
    "5": ["Innfør én felles sjekkliste for jobbstøtte i alle avdelinger."],
    "8": ["Beskriv hvordan tjenesten bidrar i lokalsamfunnet, og følg det opp årlig."],
}
OVERALL = ("Jobbvei AS driver en tydelig og verdibasert tjeneste med engasjerte medarbeidere. Det viktigste "
           "forbedringsområdet er å gjøre praksis lik i alle avdelinger og å dokumentere oppfølgingen av målene.")


def _users(users: dict, *emails: str):
    return [users[e] for e in emails if e in users]


def _finding(area: dict, met: int, evidence: dict[str, int]) -> AreaData:
    linked = evidence.get(area["code"])
    steps = [StepData(level=s["level"], met=s["level"] <= met,
                      evidence_ids=[linked] if linked and s["level"] < met else [])
             for s in area["steps"]]
    return AreaData(area=area["code"], steps=steps,
                    justification=JUSTIFICATION.get(area["code"], DEFAULT_JUSTIFICATION),
                    strengths="Engasjerte medarbeidere og god kontakt med NAV.",
                    recommendations=list(RECOMMENDATION.get(area["code"], [])))


def _mark_sent(since_id: int, when: dt.datetime) -> None:
    for message in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > since_id)):
        message.state, message.sent_at = MailState.sent, when


def _last_outbox_id() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(OutboxMessage.id), 0)))


def _certified(users: dict, organisation: Organisation) -> None:
    """Jobbvei AS: certification eleven months ago; the first follow-up planned for next month."""
    coordinator, lead, co = users[COORDINATOR], users[LEAD], users[CO]
    spring = db.session.scalar(sa.select(Round).where(
        Round.organisation_id == organisation.id, Round.consensus_recorded_at.is_not(None))
        .order_by(Round.closes_on.desc()))
    today = clock.today()
    first_outbox = _last_outbox_id()
    review = review_service.plan_review(
        coordinator, organisation, kind=ReviewKind.certification, revisor_ids=[lead.id, co.id],
        mode=ReviewMode.on_site, visit_starts_on=today, visit_ends_on=today + dt.timedelta(days=1),
        round_id=spring.id if spring else None)
    evidence = rounds_demo._evidence_by_area(organisation)
    for area, met in zip(review_areas(review), SCORES, strict=True):
        findings.record_finding(co if area["code"] in ("6", "7") else lead, review, _finding(area, met, evidence),
                                improvements="Dokumentere praksis likt i alle avdelinger.")
    findings.save_overall(lead, review, OVERALL)
    publication.publish(lead, review)
    certificate = certification.decide(coordinator, review, "approved", today)
    db.session.flush()

    # move everything back: visit 370 days ago, published 345, approved 330 days ago
    visit = today - dt.timedelta(days=370)
    published = dt.datetime.combine(today - dt.timedelta(days=345), dt.time(10), tzinfo=dt.UTC)
    decided = today - dt.timedelta(days=330)
    review.visit_starts_on, review.visit_ends_on = visit, visit + dt.timedelta(days=1)
    review.created_at = published - dt.timedelta(days=60)
    review.published_at, review.decided_on = published, decided
    for version in db.session.scalars(sa.select(ReportVersion).where(ReportVersion.review_id == review.id)):
        version.published_at = published
        version.content = {**version.content, "visit_starts_on": visit.isoformat(),
                           "visit_ends_on": (visit + dt.timedelta(days=1)).isoformat()}
    dates = certificates.certificate_dates(decided)
    certificate.valid_from, certificate.valid_until = dates.valid_from, dates.valid_until
    certificate.created_at = dt.datetime.combine(decided, dt.time(12), tzinfo=dt.UTC)
    follow_ups = list(db.session.scalars(sa.select(Review).where(Review.certificate_id == certificate.id)
                                         .order_by(Review.due_on)))
    for follow_up, due in zip(follow_ups, dates.follow_ups, strict=True):
        follow_up.due_on = due
    _mark_sent(first_outbox, published)
    db.session.flush()

    first = follow_ups[0]
    review_service.plan_follow_up(
        coordinator, first, revisor_ids=[lead.id], mode=ReviewMode.video,
        meeting_url="https://video.example.no/seqf-jobbvei", visit_starts_on=first.due_on,
        visit_ends_on=first.due_on, areas=["1", "5", "8"])


def _planned(users: dict, organisation: Organisation) -> None:
    """NAV Fjordbyen: a certification review next week, with the first day's agenda."""
    coordinator, lead, co = users[COORDINATOR], users[LEAD], users[CO]
    starts = clock.today() + dt.timedelta(days=7)
    review = review_service.plan_review(
        coordinator, organisation, kind=ReviewKind.certification, revisor_ids=[lead.id, co.id],
        mode=ReviewMode.on_site, visit_starts_on=starts, visit_ends_on=starts + dt.timedelta(days=1))
    agenda = [
        (dt.time(9), dt.time(10, 30), ["management"], "", "Ledelsens mål og oppfølging"),
        (dt.time(10, 45), dt.time(12), ["staff"], "", "Jobbspesialistenes arbeidshverdag"),
        (dt.time(12, 45), dt.time(13, 45), ["nav"], "", "Samarbeidet med NAV-veilederne"),
        (dt.time(14), dt.time(15), ["participants"], "IPS", "Erfaringer med oppfølgingen"),
    ]
    for starts_at, ends_at, groups, programme, topic in agenda:
        visit_agenda.add_slot(lead, review, visit_agenda.SlotData(day=starts, starts_at=starts_at, ends_at=ends_at,
                                                                 groups=groups, programme=programme, topic=topic))


def load_demo_reviews(users: dict) -> None:
    if not all(email in users for email in (COORDINATOR, LEAD, CO)):
        return
    plans = {"Jobbvei AS": _certified, "NAV Fjordbyen – jobbspesialistteam": _planned}
    for name, make in plans.items():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
        if organisation is None or db.session.scalar(
                sa.select(sa.func.count()).select_from(Review).where(Review.organisation_id == organisation.id)):
            continue
        make(users, organisation)
    db.session.flush()


if load_demo_reviews not in demo.EXTRA_LOADERS:
    demo.EXTRA_LOADERS.append(load_demo_reviews)
