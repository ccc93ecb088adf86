"""Demo rounds for «Jobbvei AS», made through the services.

Two closed rounds with their consensus and a released snapshot (the autumn two years back and last
spring, so the results show the change since the previous round) and one open round where two of
the four participants have submitted (so the leader sees progress only, no aggregates). Added only
when the organisation has no rounds yet, so ``seqf demo-data`` can run again.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from seqf import clock, demo
from seqf.evidence import demo as evidence_demo  # noqa: F401 - registers its loader first: evidence to link
from seqf.extensions import db
from seqf.models import MailState, Organisation, OutboxMessage, Round, RoundSnapshot, User
from seqf.services import evidence as evidence_service
from seqf.services import rounds
from seqf.services.assessments import AreaData, StepData

ORGANISATION = "Jobbvei AS"
LEADER = "leder@jobbvei.demo"
PEOPLE = ["anna@jobbvei.demo", "bjorn@jobbvei.demo", "cecilie@jobbvei.demo", "david@jobbvei.demo"]

# steps met in areas 1–9, per person, per round
AUTUMN = [[2, 1, 1, 2, 2, 1, 2, 0, 1], [1, 1, 1, 2, 2, 1, 1, 1, 1], [2, 2, 1, 1, 3, 1, 2, 0, 1],
          [2, 1, 0, 2, 2, 2, 1, 0, 2]]
AUTUMN_CONSENSUS = [2, 1, 1, 2, 2, 1, 1, 0, 1]
SPRING = [[3, 2, 2, 3, 3, 2, 2, 1, 2], [2, 2, 1, 3, 2, 2, 3, 1, 2], [3, 1, 2, 2, 4, 2, 2, 1, 1],
          [2, 2, 2, 3, 3, 1, 2, 0, 2]]
SPRING_CONSENSUS = [3, 2, 2, 3, 3, 2, 2, 1, 2]
NOW = [[3, 3, 2, 3, 4, 2, 3, 1, 2], [4, 2, 2, 3, 3, 3, 2, 2, 2]]
COMMENTS = {
    "1": ["Ledermøtene har fått fast punkt om SEQF, men det er ikke skrevet ned hvem som følger opp.",
          "Ledelsen er tydelig på at ordinært arbeid er målet."],
    "5": ["Jobbstøtteplanen brukes, men ulikt fra avdeling til avdeling.",
          "Vi mangler en felles sjekkliste for å beholde jobben (trinn 5 i prosessen)."],
    "8": ["Vet ikke hva vi gjør for samfunnet utover selve tjenesten."],
}
STRENGTHS = "Tydelig verdigrunnlag og engasjerte ansatte."
RECOMMENDATIONS = ["Skriv ned hvem som har ansvar for oppfølgingen.", "Dokumenter praksisen i alle avdelinger."]


def _evidence_by_area(organisation: Organisation) -> dict[str, int]:
    """area code → the id of one piece of evidence tagged to that area."""
    found: dict[str, int] = {}
    for evidence in db.session.scalars(evidence_service.evidence_for(organisation)):
        for tag in evidence.tags:
            found.setdefault(tag.area, evidence.id)
    return found


def _answer(area: dict, met: int, evidence: dict[str, int], comment: str = "", consensus: bool = False) -> AreaData:
    """Steps 1..met met; the steps below ``met`` documented when the area has evidence to link."""
    linked = evidence.get(area["code"])
    steps = []
    for step in area["steps"]:
        level = step["level"]
        ids = [linked] if linked and level < met else []
        if consensus:
            steps.append(StepData(level=level, met=level <= met, evidence_ids=ids))
        else:
            codes = [i["code"] for i in step["indicators"]] if level <= met else []
            steps.append(StepData(level=level, indicators=codes, evidence_ids=ids))
    data = AreaData(area=area["code"], steps=steps, comment=comment)
    if consensus:
        data.justification = "Enige etter gjennomgang i personalmøtet; se dokumentene som er lenket."
        data.strengths, data.recommendations = STRENGTHS, list(RECOMMENDATIONS)
    return data


def _comment(area_code: str, person: int | None) -> str:
    comments = COMMENTS.get(area_code, [])
    return comments[person] if person is not None and person < len(comments) else ""


def _respond(round_: Round, user: User, levels: list[int], evidence: dict[str, int], submit: bool,
             person: int | None) -> None:
    """Answer every area (steps 1..level met); ``person`` picks the demo comments, None for none."""
    response = rounds.response_of(round_, user, create=True)
    areas = rounds.round_areas(round_)
    answers = [_answer(area, met, evidence, _comment(area["code"], person))
               for area, met in zip(areas, levels, strict=True)]
    rounds.save_answers(user, response, answers)
    if submit:
        rounds.submit_response(user, response)


def _historic_round(leader: User, organisation: Organisation, title: str, closes_on: dt.date,
                    answers: list[list[int]], agreed: list[int], evidence: dict[str, int]) -> None:
    round_ = rounds.open_round(leader, organisation, title=title, closes_on=clock.today())
    people = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(PEOPLE)))}
    for index, email in enumerate(PEOPLE):
        _respond(round_, people[email], answers[index], evidence, submit=True, person=index)
    rounds.close_round(leader, round_)
    areas = rounds.round_areas(round_)
    rounds.record_consensus(leader, round_, [_answer(a, met, evidence, consensus=True)
                                             for a, met in zip(areas, agreed, strict=True)])
    when = dt.datetime.combine(closes_on, dt.time(12), tzinfo=dt.UTC)
    round_.closes_on, round_.created_at = closes_on, when - dt.timedelta(days=21)
    round_.closed_at = round_.consensus_recorded_at = when + dt.timedelta(days=1)
    for snapshot in db.session.scalars(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_.id)):
        snapshot.taken_at = round_.closed_at  # released back then, when the round was closed
        snapshot.areas = {code: {**entry, "released_at": round_.closed_at.isoformat()}
                          for code, entry in snapshot.areas.items()}
    for message in db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like(f"round-invite:{round_.id}:%"))):
        message.state, message.sent_at = MailState.sent, round_.created_at  # mailed back then


def load_demo_rounds(users: dict) -> None:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == ORGANISATION))
    leader = users.get(LEADER)
    if organisation is None or leader is None:
        return
    if db.session.scalar(sa.select(sa.func.count()).select_from(Round)
                         .where(Round.organisation_id == organisation.id)):
        return
    evidence = _evidence_by_area(organisation)
    year = clock.today().year
    _historic_round(leader, organisation, f"Egenvurdering høsten {year - 2}", dt.date(year - 2, 11, 15),
                    AUTUMN, AUTUMN_CONSENSUS, evidence)
    _historic_round(leader, organisation, f"Egenvurdering våren {year - 1}", dt.date(year - 1, 4, 30),
                    SPRING, SPRING_CONSENSUS, evidence)
    current = rounds.open_round(leader, organisation, title=f"Egenvurdering {year}",
                                closes_on=clock.today() + dt.timedelta(days=14))
    for person, (email, levels) in enumerate(zip(PEOPLE[1:3], NOW, strict=True)):
        _respond(current, users[email], levels, evidence, submit=True, person=person)
    rounds.save_answers(users[PEOPLE[3]], rounds.response_of(current, users[PEOPLE[3]], create=True),
                        [_answer(a, 2, evidence) for a in rounds.round_areas(current)[:3]])
    db.session.flush()


if load_demo_rounds not in demo.EXTRA_LOADERS:
    demo.EXTRA_LOADERS.append(load_demo_rounds)
