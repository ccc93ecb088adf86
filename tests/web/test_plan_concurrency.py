"""The goal limit and versions under two concurrent clients, on SQLite and PostgreSQL: two leaders
adding goal six and seven at the same moment get exactly one 201 and one 422 (six active goals,
never seven); two saves naming the same version get one 200 and one 409 (stale_version). And a
property: any sequence of create/achieve/pause/resume/drop never leaves more than six active."""

# The lambdas below read loop variables, but ``together`` runs and joins them within the same
# iteration, so they always see that iteration's values.
# ruff: noqa: B023

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqf.extensions import db
from seqf.models import Goal, GoalState, Task
from seqf.services import goals as goal_service
from seqf.services.errors import ServiceError
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.test_round_races import together, token_for

REPEAT = 3
SERIAL = itertools.count(1)


@pytest.fixture
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def body(cast, title: str) -> dict:
    return {"title": title, "areas": ["2"], "owner_id": cast.leader.id, "deputy_id": cast.staff[0].id}


def test_two_leaders_adding_goal_six_and_seven_get_one_201_and_one_422(app, cast):
    for n in range(5):
        add_goal(cast, f"Mål {n}")
    org_id = cast.org.id
    callers = [token_for(app, cast.leader), token_for(app, cast.org_admin)]
    for attempt in range(REPEAT):
        bodies = [body(cast, f"Runde {attempt} A"), body(cast, f"Runde {attempt} B")]
        results = together(app, *(lambda i=i: callers[i].client.post(
            f"/api/v1/organisations/{org_id}/goals", json=bodies[i], headers=callers[i].headers) for i in range(2)))
        assert sorted(r.status_code for r in results) == [201, 422], [r.get_json() for r in results]
        refused = next(r for r in results if r.status_code == 422).get_json()["error"]
        assert refused["code"] == "goal_limit"
        assert goal_service.active_count(org_id) == 6
        # free a place again for the next round
        made = next(r for r in results if r.status_code == 201).get_json()
        goal = db.session.get(Goal, made["id"])
        goal_service.change_state(cast.leader, goal, "achieve", goal.version)
        db.session.commit()
        assert goal_service.active_count(org_id) == 5


def test_two_patches_with_the_same_version_get_one_200_and_one_409(app, cast):
    goal = add_goal(cast, "Samtidig")
    gid = goal.id
    callers = [token_for(app, cast.leader), token_for(app, cast.org_admin)]
    for attempt in range(REPEAT):
        db.session.expire_all()
        version = db.session.get(Goal, gid).version
        titles = [f"A {attempt}", f"B {attempt}"]
        results = together(app, *(lambda i=i: callers[i].client.patch(
            f"/api/v1/goals/{gid}", json={"version": version, "title": titles[i]}, headers=callers[i].headers)
            for i in range(2)))
        assert sorted(r.status_code for r in results) == [200, 409], [r.get_json() for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        loser = results[1 - winner].get_json()["error"]
        assert loser["code"] == "stale_version" and loser["fields"]["version"] == str(version + 1)
        db.session.expire_all()
        stored = db.session.get(Goal, gid)
        assert stored.title == titles[winner] and stored.version == version + 1


def test_two_taps_on_one_task_give_one_change_and_one_409(app, cast):
    goal = add_goal(cast)
    task = add_task(cast, goal, assignee=cast.staff[1])
    tid = task.id
    callers = [token_for(app, cast.staff[1]), token_for(app, cast.leader)]
    results = together(app, *(lambda i=i: callers[i].client.patch(
        f"/api/v1/tasks/{tid}", json={"version": 1, "state": "done"}, headers=callers[i].headers) for i in range(2)))
    assert sorted(r.status_code for r in results) == [200, 409]
    db.session.expire_all()
    stored = db.session.get(Task, tid)
    assert stored.state.value == "done" and stored.version == 2


OPERATIONS = st.lists(st.tuples(st.sampled_from(["create", "achieve", "pause", "resume", "drop", "reopen"]),
                                st.integers(min_value=0, max_value=9)), min_size=1, max_size=25)


@given(OPERATIONS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_sequence_of_changes_leaves_more_than_six_active(make_org, make_user, operations):
    org = make_org(name=f"Egenskap {next(SERIAL)} AS")
    cast = SimpleNamespace(org=org, leader=make_user(org=org, member_role="leader"))
    for operation, pick in operations:
        made = list(db.session.scalars(db.select(Goal).where(Goal.organisation_id == cast.org.id).order_by(Goal.id)))
        try:
            if operation == "create":
                goal_service.create_goal(cast.leader, cast.org, {"title": f"Mål {len(made)}",
                                                                 "owner_id": cast.leader.id})
            elif made:
                goal = made[pick % len(made)]
                goal_service.change_state(cast.leader, goal, operation, goal.version, reason="Fordi")
            db.session.commit()
        except ServiceError:
            db.session.rollback()
        active = goal_service.active_count(cast.org.id)
        assert active <= 6
        states = [g.state for g in db.session.scalars(db.select(Goal).where(Goal.organisation_id == cast.org.id))]
        assert states.count(GoalState.active) == active
