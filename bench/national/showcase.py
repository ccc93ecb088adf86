"""The organisations the load run measures, built through the services so their rows are exactly what
the product stores: the small organisation and the largest one each get a closed round (closed by
``close_round``, with a consensus) and an open round with drafts, an evidence library with small
files and tags, an action plan, a meeting series with an opened meeting and a calendar feed. The
small organisation also gets a published certification review (findings, report, certificate).
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from bench.national import rounds_data
from bench.national.people import Org
from bench.plan_data import populate_plan
from bench.report_pdf import PARAGRAPH
from seqf import clock
from seqf.extensions import db
from seqf.models import Organisation, Review, ReviewKind, ReviewRevisor, ReviewState, RevisorRole, RoundState, User
from seqf.services import assessments, calendar_feeds, certification, evidence, meetings, publication
from seqf.services import findings as finding_service
from seqf.services import rounds as round_service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 6_000


def _library(leader: User, org: Organisation, items: int) -> list[int]:
    """Evidence: two in three small PDF files, the rest links; each tagged to an area and a step."""
    ids = []
    for n in range(items):
        tags = [f"{1 + n % 9}.{1 + n % 5}"]
        if n % 3 == 2:
            item = evidence.add_link_evidence(leader, org, title=f"Lenke {n + 1}", url=f"https://nasjonal.test/{n}",
                                              tags=tags)
        else:
            item = evidence.add_file_evidence(leader, org, title=f"Rutine {n + 1}", description="Skriftlig rutine.",
                                              filename=f"rutine-{n + 1}.pdf", data=PDF, tags=tags)
        ids.append(item.id)
    return ids


def _round_pair(rng: random.Random, instrument, leader: User, org: Organisation, staff: list[int],
                library: list[int]) -> dict:
    """A closed round (everybody submitted; closed and agreed through the services) and an open one."""
    today, now = clock.today(), clock.now()
    closed = round_service.open_round(leader, org, title="Vårrunden", closes_on=today, participant_ids=[leader.id])
    counts = rounds_data.fill_round(rng, instrument, closed.id, RoundState.open, leader.id, [], staff, [], now,
                                      invite=False)
    db.session.execute(sa.insert(rounds_data.RoundParticipant.__table__),
                       [{"round_id": closed.id, "user_id": uid, "invited_at": now} for uid in staff])
    round_service.close_round(leader, closed)
    prefill = round_service.consensus_prefill(closed)
    round_service.record_consensus(leader, closed, [
        assessments.AreaData(area=code, justification="Drøftet i personalmøtet.", steps=[
            assessments.StepData(level=level, met=True, evidence_ids=library[:1])
            for level in range(1, found["steps_met"] + 1)])
        for code, found in prefill.items()])
    open_ = round_service.open_round(leader, org, title="Høstrunden", closes_on=today + dt.timedelta(days=21),
                                     participant_ids=[leader.id])
    shuffled = rng.sample(staff, len(staff))
    third = len(shuffled) // 3
    drafts = shuffled[third:]
    more = rounds_data.fill_round(rng, instrument, open_.id, RoundState.open, leader.id, [], shuffled[:third], drafts,
                                  now, invite=False)
    db.session.execute(sa.insert(rounds_data.RoundParticipant.__table__),
                       [{"round_id": open_.id, "user_id": uid, "invited_at": now} for uid in staff])
    counts.add(more)
    counts.rounds, counts.open_rounds = 2, 1
    return {"closed": closed.id, "open": open_.id, "counts": counts}


def _plan_and_meetings(leader: User, org: Organisation, staff: list[int]) -> dict:
    people = [leader, *db.session.scalars(sa.select(User).where(User.id.in_(staff[:5])))]
    populate_plan(org, people, tasks=60, years=2)
    goal_id = db.session.scalar(sa.text("SELECT min(id) FROM goals WHERE organisation_id = :o"), {"o": org.id})
    first = clock.today() - dt.timedelta(days=70)
    series = meetings.create_series(leader, org, {"title": "Ledermøte", "interval_days": 14,
                                                  "first_on": first.isoformat(), "starts_at": "09:00",
                                                  "participant_ids": [p.id for p in people]})
    meeting, _created = meetings.open_meeting(leader, series, (first + dt.timedelta(days=70)).isoformat())
    feed = calendar_feeds.regenerate(leader, org.id)
    return {"goal": goal_id, "series": series.id, "meeting": meeting.id, "calendar_token": feed}


def _review(org: Organisation, leader: User, coordinator: User, revisors: list[User], round_id: int,
            library: list[int]) -> dict:
    """A certification review with a finding per area, published, and approved (a certificate)."""
    starts = clock.today() - dt.timedelta(days=20)
    lead, co = revisors[:2]
    review = Review(organisation_id=org.id, instrument_id=db.session.get(rounds_data.Round, round_id).instrument_id,
                    kind=ReviewKind.certification, state=ReviewState.planned, visit_starts_on=starts,
                    visit_ends_on=starts + dt.timedelta(days=1), round_id=round_id, created_by_id=coordinator.id)
    review.revisors = [ReviewRevisor(user=lead, role=RevisorRole.lead, position=0),
                       ReviewRevisor(user=co, role=RevisorRole.co, position=1)]
    db.session.add(review)
    db.session.flush()
    for n in range(1, 10):
        finding_service.record_finding(lead, review, assessments.AreaData(
            area=str(n), justification=PARAGRAPH * 2, strengths=PARAGRAPH,
            recommendations=[f"Anbefaling {i}: {PARAGRAPH[:120]}" for i in range(1, 4)],
            steps=[assessments.StepData(level=s, met=True, evidence_ids=library[:1]) for s in range(1, 1 + n % 5)]),
            improvements=PARAGRAPH)
    finding_service.save_overall(lead, review, PARAGRAPH * 3)
    version = publication.publish(lead, review)
    certificate = certification.decide(coordinator, review, "approved", clock.today())
    return {"review": review.id, "report_version": version.number, "certificate": certificate.id,
            "lead_revisor": lead.email}


def build(rng: random.Random, instrument, small: Org, large: Org, coordinator_id: int,
          revisor_ids: list[int]) -> tuple[dict, rounds_data.Counts]:
    counts = rounds_data.Counts()
    found = {}
    for key, org_ref, items in (("small", small, 12), ("large", large, 60)):
        org = db.session.get(Organisation, org_ref.id)
        leader = db.session.get(User, org_ref.leader_id)
        library = _library(leader, org, items)
        pair = _round_pair(rng, instrument, leader, org, org_ref.staff_ids, library)
        counts.add(pair.pop("counts"))
        found[key] = {"organisation": org.id, "leader": leader.email, "evidence": library, **pair,
                      **_plan_and_meetings(leader, org, org_ref.staff_ids)}
        db.session.flush()
    coordinator = db.session.get(User, coordinator_id)
    revisors = list(db.session.scalars(sa.select(User).where(User.id.in_(revisor_ids[:2])).order_by(User.id)))
    small_org = db.session.get(Organisation, small.id)
    found["small"].update(_review(small_org, db.session.get(User, small.leader_id), coordinator, revisors,
                                  found["small"]["closed"], found["small"]["evidence"]))
    found["coordinator"] = coordinator.email
    return found, counts
