"""Helpers for the round tests: a team, a round, answers with given scores, evidence."""

from __future__ import annotations

import datetime as dt

from seqf import clock
from seqf.extensions import db
from seqf.services import assessments
from seqf.services import rounds as round_service

SEQF_AREAS = [str(n) for n in range(1, 10)]


def make_team(make_org, make_user, staff: int = 3, **org_fields):
    """An organisation with one leader and ``staff`` staff members; returns (org, leader, staff list)."""
    org = make_org(**org_fields)
    leader = make_user(org=org, member_role="leader", name="Lise Leder")
    members = [make_user(org=org, member_role="staff", name=f"Ansatt {i}") for i in range(staff)]
    return org, leader, members


def deadline(days: int = 14) -> dt.date:
    return clock.today() + dt.timedelta(days=days)


def open_round(leader, org, title: str = "Vårrunden", days: int = 14, **kwargs):
    round_ = round_service.open_round(leader, org, title=title, closes_on=deadline(days), **kwargs)
    db.session.commit()
    return round_


def steps(met_up_to: int, documented: tuple[int, ...] = (), evidence_id: int | None = None) -> list:
    """Steps 1..met_up_to met; evidence on the levels in ``documented``."""
    return [assessments.StepData(level=level, met=True,
                                 evidence_ids=[evidence_id] if level in documented and evidence_id else [])
            for level in range(1, met_up_to + 1)]


def area(code: str, met_up_to: int, comment: str = "", **kwargs) -> assessments.AreaData:
    return assessments.AreaData(area=code, steps=steps(met_up_to, **kwargs), comment=comment)


def answer(user, round_, scores: dict[str, int], comments: dict[str, str] | None = None,
           submit: bool = True, evidence_id: int | None = None):
    """Answer the areas in ``scores`` with that many steps met.

    With ``evidence_id`` every met step is documented, so the score is the number given; without
    it the score is at most 1 (step 2 needs evidence on step 1).
    """
    response = round_service.response_of(round_, user, create=True)
    round_service.save_answers(user, response, [
        area(code, n, (comments or {}).get(code, ""), documented=tuple(range(1, n + 1)), evidence_id=evidence_id)
        for code, n in scores.items()])
    if submit:
        round_service.submit_response(user, response)
    db.session.commit()
    return response


def fully_documented(code: str, level: int, evidence_id: int) -> assessments.AreaData:
    """Steps 1..level met, each documented, so the score equals ``level``."""
    return area(code, level, documented=tuple(range(1, level + 1)), evidence_id=evidence_id)


def api_area(code: str, met_up_to: int, evidence: dict[int, list[int]] | None = None, **extra) -> dict:
    """An answer or area assessment in the API's JSON shape."""
    return {"area": code, "steps": [{"step": level, "met": True, "evidence_ids": (evidence or {}).get(level, [])}
                                    for level in range(1, met_up_to + 1)], **extra}


def link_evidence(user, org, title: str = "Rutine for oppfølging"):
    from seqf.services import evidence

    item = evidence.add_link_evidence(user, org, title=title, url="https://example.no/rutine")
    db.session.commit()
    return item


def close(leader, round_):
    """Close the round (which takes the snapshot the leaders read) and commit."""
    round_service.close_round(leader, round_)
    db.session.commit()


def reopen(leader, round_):
    round_service.reopen_round(leader, round_)
    db.session.commit()


STAFF_NAMES = ("Anna Andersen", "Bjørn Berg", "Cecilie Dahl", "David Dale", "Eva Eng", "Frode Fu")


def privacy_team(make_org, make_user, staff: int):
    """The attacker's organisation: an org admin, a leader who takes part, ``staff`` staff members
    (all participants in the open "Spring round"), and one piece of evidence; English UI."""
    from types import SimpleNamespace

    organisation = make_org(name="Jobbvei AS")
    people = SimpleNamespace(
        org=organisation,
        admin=make_user(org=organisation, member_role="org_admin", name="Ola Orgadmin", language="en"),
        leader=make_user(org=organisation, member_role="leader", name="Lise Leder", language="en"),
        staff=[make_user(org=organisation, member_role="staff", name=name, language="en")
               for name in STAFF_NAMES[:staff]],
    )
    people.round = open_round(people.leader, organisation, title="Spring round",
                              participant_ids=[people.leader.id, *(u.id for u in people.staff)])
    people.evidence = link_evidence(people.leader, organisation)
    return people
