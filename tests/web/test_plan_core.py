"""The action plan's core services (groundwork of issue 8): the goal limit, versions, members only,
owner ≠ deputy, tasks ticked off, and progress updates setting the goal's health."""

from __future__ import annotations

import pytest

from seqf.extensions import db
from seqf.models import AuditEvent, GoalHealth, GoalState, TaskState
from seqf.services import goal_updates, goals, tasks
from seqf.services.errors import Conflict, Forbidden, RuleViolation
from tests.web.plan_helpers import add_goal, add_task, plan_cast


@pytest.fixture
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def test_the_seventh_active_goal_is_refused_and_achieving_one_frees_a_place(cast):
    made = [add_goal(cast, f"Mål {n}") for n in range(6)]
    with pytest.raises(RuleViolation) as refused:
        add_goal(cast, "Mål 7")
    db.session.rollback()
    assert refused.value.code == "goal_limit"
    assert goals.active_count(cast.org.id) == 6
    goals.change_state(cast.leader, made[0], "achieve", made[0].version)
    db.session.commit()
    assert made[0].state == GoalState.achieved
    assert add_goal(cast, "Mål 7").state == GoalState.active


def test_a_paused_goal_resumes_only_when_there_is_a_place(cast):
    made = [add_goal(cast, f"Mål {n}") for n in range(6)]
    goals.change_state(cast.leader, made[0], "pause", made[0].version)
    db.session.commit()
    add_goal(cast, "Ny")
    with pytest.raises(RuleViolation) as refused:
        goals.change_state(cast.leader, made[0], "resume", made[0].version)
    db.session.rollback()
    assert refused.value.code == "goal_limit"


def test_owner_and_deputy_are_members_and_not_the_same(cast):
    with pytest.raises(RuleViolation) as same:
        add_goal(cast, owner=cast.staff[1], deputy=cast.staff[1])
    db.session.rollback()
    assert "deputy_id" in same.value.fields
    with pytest.raises(RuleViolation) as outsider:
        add_goal(cast, owner=cast.outsider)
    db.session.rollback()
    assert "owner_id" in outsider.value.fields
    assert goals.active_count(cast.org.id) == 0


def test_a_stale_version_is_refused_and_carries_the_stored_goal(cast):
    goal = add_goal(cast)
    goals.edit_goal(cast.leader, goal, 1, {"title": "Nytt navn"})
    db.session.commit()
    with pytest.raises(Conflict) as stale:
        goals.edit_goal(cast.org_admin, goal, 1, {"title": "Et annet navn"})
    db.session.rollback()
    assert stale.value.code == "stale_version"
    assert stale.value.current["title"] == "Nytt navn"
    assert goal.title == "Nytt navn" and goal.version == 2


def test_dropping_needs_a_reason_and_staff_cannot_create_goals(cast):
    goal = add_goal(cast)
    with pytest.raises(RuleViolation):
        goals.change_state(cast.leader, goal, "drop", goal.version, "")
    db.session.rollback()
    with pytest.raises(Forbidden):
        goals.create_goal(cast.staff[1], cast.org, {"title": "X", "owner_id": cast.leader.id})
    db.session.rollback()


def test_the_assignee_ticks_off_a_task_and_a_second_tap_changes_nothing(cast):
    goal = add_goal(cast)
    task = add_task(cast, goal, assignee=cast.staff[2])
    assert tasks.set_state(cast.staff[2], task, "done", task.version)
    db.session.commit()
    assert task.state == TaskState.done and task.version == 2
    assert not tasks.set_state(cast.staff[2], task, "done", None)
    with pytest.raises(Forbidden):
        tasks.set_state(cast.staff[1], task, "open", task.version)
    db.session.rollback()


def test_an_update_sets_the_goals_health_without_touching_its_version(cast):
    goal = add_goal(cast)
    goal_updates.add_update(cast.staff[0], goal, "at_risk", "NAV-kontoret har ny leder")
    db.session.commit()
    assert goal.health == GoalHealth.at_risk and goal.version == 1 and goal.last_update_at is not None
    assert db.session.query(AuditEvent).filter_by(action="goal.update_recorded").count() == 1
    with pytest.raises(Forbidden):
        goal_updates.add_update(cast.viewer, goal, "on_track", "")
    db.session.rollback()


def test_the_timeline_shows_updates_and_task_changes_newest_first(cast):
    from seqf.services.goal_timeline import timeline

    goal = add_goal(cast)
    task = add_task(cast, goal)
    goal_updates.add_update(cast.leader, goal, "off_track", "Venter på NAV")
    tasks.set_state(cast.staff[0], task, "done", task.version)
    db.session.commit()
    kinds = [e.kind for e in timeline(goal)]
    assert set(kinds) == {"goal.created", "task.created", "update", "task.done"}
    assert kinds.index("goal.created") > kinds.index("task.created")


def test_the_next_meeting_skips_a_cancelled_date_and_follows_a_moved_one(cast):
    import datetime as dt

    from seqf import clock
    from seqf.models import MeetingChange, MeetingSeries
    from seqf.services import meeting_calendar

    today = clock.today()
    series = MeetingSeries(organisation_id=cast.org.id, title="Ledermøte", interval_days=14, first_on=today)
    series.changes = [MeetingChange(planned_on=today, cancelled=True),
                      MeetingChange(planned_on=today + dt.timedelta(days=14), moved_to=today + dt.timedelta(days=15))]
    db.session.add(series)
    db.session.commit()
    nxt = meeting_calendar.next_meeting(cast.org.id, today)
    assert (nxt.planned_on, nxt.held_on) == (today + dt.timedelta(days=14), today + dt.timedelta(days=15))
