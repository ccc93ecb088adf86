"""What the goal page reads in one statement each (seqf/services/goal_page.py): the people it names
with membership and absence, and the evidence links with what could still be linked."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, Evidence, Membership, goal_evidence
from seqf.services import goal_evidence as goal_evidence_service
from seqf.services import goal_page
from tests.web.plan_helpers import add_goal, add_task, plan_cast


@pytest.fixture()
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def _evidence(org, title, archived=False) -> Evidence:
    evidence = Evidence(organisation_id=org.id, title=title, url="https://example.org/" + title, archived=archived)
    db.session.add(evidence)
    db.session.commit()
    return evidence


def test_people_are_named_with_membership_and_absence(cast):
    today = clock.today()
    db.session.add(Absence(user_id=cast.staff[0].id, starts_on=today - dt.timedelta(days=1), ends_on=today))
    db.session.add(Absence(user_id=cast.staff[1].id, starts_on=today + dt.timedelta(days=1),
                           ends_on=today + dt.timedelta(days=3)))
    db.session.commit()
    ids = {cast.leader.id, cast.staff[0].id, cast.staff[1].id, cast.outsider.id, None}
    people = goal_page.people(cast.org.id, ids, today)
    assert [p.name for p in people.members] == sorted(["Lise Leder", "Medarbeider 0", "Medarbeider 1"])
    assert people.names[cast.outsider.id] == "Ulf Utenfor"  # named (an old task), but not a choice
    assert people.away == {cast.staff[0].id}
    assert goal_page.people(cast.org.id, {None}, today) == goal_page.People([], {}, set())


def test_a_former_member_is_named_but_not_offered(cast):
    db.session.query(Membership).filter_by(user_id=cast.staff[2].id, organisation_id=cast.org.id).delete()
    db.session.commit()
    people = goal_page.people(cast.org.id, {cast.staff[2].id}, clock.today())
    assert people.members == [] and people.names == {cast.staff[2].id: "Medarbeider 2"}


def test_links_come_with_who_and_the_rest_of_the_library_is_linkable(cast):
    goal = add_goal(cast)
    add_task(cast, goal)
    linked = _evidence(cast.org, "B rutine")
    free = _evidence(cast.org, "A rutine")
    _evidence(cast.org, "C arkivert", archived=True)
    _evidence(cast.other, "D annen virksomhet")
    goal_evidence_service.link_evidence(cast.leader, goal, linked.id)
    db.session.commit()
    links, linkable = goal_page.evidence(goal, with_linkable=True)
    assert [(link.evidence.id, link.evidence.title, link.who.name) for link in links] == \
        [(linked.id, "B rutine", "Lise Leder")]
    assert links[0].linked_at is not None
    assert [e.title for e in linkable] == ["A rutine"] and linkable[0].id == free.id
    assert goal_page.evidence(goal, with_linkable=False) == (links, [])


def test_an_archived_link_stays_listed(cast):
    goal = add_goal(cast)
    linked = _evidence(cast.org, "Z rutine")
    goal_evidence_service.link_evidence(cast.leader, goal, linked.id)
    linked.archived = True
    for i in range(3):
        _evidence(cast.org, f"Rutine {i}")
    db.session.commit()
    links, linkable = goal_page.evidence(goal, with_linkable=True)
    assert [link.evidence.title for link in links] == ["Z rutine"]
    assert [e.title for e in linkable] == ["Rutine 0", "Rutine 1", "Rutine 2"]
    assert db.session.query(goal_evidence).count() == 1


def test_the_page_timeline_is_the_timeline_as_columns(cast):
    from seqf.services import goal_timeline, goal_updates, tasks

    goal = add_goal(cast)
    task = add_task(cast, goal)
    goal_updates.add_update(cast.leader, goal, "off_track", "Venter på NAV")
    tasks.set_state(cast.staff[0], task, "done", task.version)
    evidence = _evidence(cast.org, "Rutine")
    goal_evidence_service.link_evidence(cast.leader, goal, evidence.id)
    goal_updates.add_update(cast.leader, goal, "on_track", "")
    db.session.commit()
    links, _linkable = goal_page.evidence(goal, with_linkable=False)
    full = goal_timeline.timeline(goal)
    page = goal_timeline.newest(goal, 500, links)
    assert [(e.kind, e.at) for e in page] == [(e.kind, e.at) for e in full]
    assert [e.actor.name if e.actor else None for e in page] == [e.actor.name if e.actor else None for e in full]
    assert [(e.update.health.value, e.update.note) for e in page if e.update] == \
        [("on_track", ""), ("off_track", "Venter på NAV")]
    assert [e.data.get("title") for e in page if e.kind == "task.done"] == [task.title]
    assert [e.evidence.title for e in page if e.kind == "evidence"] == ["Rutine"]
    assert [(e.kind, e.at) for e in goal_timeline.newest(goal, 2, links)] == [(e.kind, e.at) for e in full[:2]]
