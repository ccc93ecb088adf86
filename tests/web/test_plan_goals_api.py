"""The action plan's API (API.md "Action plan"): goals, tasks, updates and "my tasks", with the bad
input of the issue: a seventh goal, non-members, deputy = owner, impossible dates, stale versions,
another organisation's goal, staff creating, malformed bodies. A refused call changes nothing."""

from __future__ import annotations

import pytest

from seqf.extensions import db
from seqf.models import Goal, GoalState, Task
from seqf.services import goals as goal_service
from tests.web.plan_helpers import add_goal, add_task, plan_cast


@pytest.fixture
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def new_goal(cast, **extra):
    return {"title": "Flere ut i ordinært arbeid", "areas": ["3"], "owner_id": cast.leader.id,
            "deputy_id": cast.staff[0].id, "due_on": "2027-06-30", **extra}


def goal_count(cast) -> int:
    db.session.expire_all()
    return db.session.query(Goal).filter_by(organisation_id=cast.org.id).count()


def test_a_leader_creates_a_goal_and_every_member_reads_it(cast, api):
    made = api.post(f"/api/v1/organisations/{cast.org.id}/goals", cast.leader, json=new_goal(cast))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["state"] == "active" and body["version"] == 1 and body["health"] == "on_track"
    assert body["owner_id"] == cast.leader.id and body["acting_owner_id"] == cast.leader.id
    assert body["areas"] == ["3"] and body["due_on"] == "2027-06-30"
    assert body["open_tasks"] == 0 and body["overdue_tasks"] == 0
    for reader in (cast.viewer, cast.staff[1], cast.coordinator):
        listed = api.get(f"/api/v1/organisations/{cast.org.id}/goals", reader)
        assert listed.status_code == 200 and [g["id"] for g in listed.get_json()] == [body["id"]]
        assert api.get(f"/api/v1/goals/{body['id']}", reader).get_json()["title"] == body["title"]


def test_the_seventh_active_goal_is_422_goal_limit_and_changes_nothing(cast, api):
    for n in range(6):
        assert api.post(f"/api/v1/organisations/{cast.org.id}/goals", cast.leader,
                        json=new_goal(cast, title=f"Mål {n}")).status_code == 201
    refused = api.post(f"/api/v1/organisations/{cast.org.id}/goals", cast.org_admin, json=new_goal(cast))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "goal_limit"
    assert goal_count(cast) == 6
    first = api.get(f"/api/v1/organisations/{cast.org.id}/goals?state=active", cast.leader).get_json()[0]
    done = api.patch(f"/api/v1/goals/{first['id']}", cast.leader,
                     json={"version": first["version"], "state": "achieved", "reason": "Nådd i mars"})
    assert done.status_code == 200 and done.get_json()["state"] == "achieved"
    assert done.get_json()["version"] == first["version"] + 1
    assert api.post(f"/api/v1/organisations/{cast.org.id}/goals", cast.leader,
                    json=new_goal(cast)).status_code == 201
    assert len(api.get(f"/api/v1/organisations/{cast.org.id}/goals?state=achieved", cast.leader).get_json()) == 1


@pytest.mark.parametrize("change, field", [
    ({"owner_id": "outsider"}, "owner_id"),
    ({"deputy_id": "outsider"}, "deputy_id"),
    ({"deputy_id": "leader"}, "deputy_id"),
    ({"due_on": "2027-02-30"}, "due_on"),
    ({"due_on": "31.03.2027"}, "due_on"),
    ({"areas": ["99"]}, "areas"),
    ({"title": ""}, "title"),
])
def test_bad_goal_input_is_422_naming_the_field(cast, api, change, field):
    people = {"outsider": cast.outsider.id, "leader": cast.leader.id}
    change = {k: people.get(v, v) if isinstance(v, str) and k.endswith("_id") else v for k, v in change.items()}
    refused = api.post(f"/api/v1/organisations/{cast.org.id}/goals", cast.leader, json=new_goal(cast, **change))
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["error"]["fields"]
    assert goal_count(cast) == 0


def test_malformed_bodies_and_wrong_types(cast, api):
    path = f"/api/v1/organisations/{cast.org.id}/goals"
    broken = api.post(path, cast.leader, data="{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 400
    assert api.post(path, cast.leader, json=new_goal(cast, owner_id=str(cast.leader.id))).status_code == 422
    assert api.post(path, cast.leader, json=new_goal(cast, colour="blue")).status_code == 422
    assert goal_count(cast) == 0


def test_staff_may_not_create_and_outsiders_see_nothing(cast, api):
    path = f"/api/v1/organisations/{cast.org.id}/goals"
    assert api.post(path, cast.staff[0], json=new_goal(cast)).status_code == 403
    assert api.post(path, cast.viewer, json=new_goal(cast)).status_code == 403
    assert api.post(path, cast.outsider, json=new_goal(cast)).status_code == 404
    goal = add_goal(cast)
    task = add_task(cast, goal)
    assert api.get(path, cast.outsider).status_code == 404
    assert api.get(f"/api/v1/goals/{goal.id}", cast.outsider).status_code == 404
    assert api.patch(f"/api/v1/goals/{goal.id}", cast.outsider, json={"version": 1, "title": "x"}).status_code == 404
    assert api.get(f"/api/v1/goals/{goal.id}/tasks", cast.outsider).status_code == 404
    assert api.patch(f"/api/v1/tasks/{task.id}", cast.outsider, json={"version": 1, "state": "done"}).status_code == 404
    assert api.post(f"/api/v1/goals/{goal.id}/updates", cast.outsider,
                    json={"health": "at_risk"}).status_code == 404
    assert api.get("/api/v1/goals/999999", cast.leader).status_code == 404


def test_patch_needs_the_current_version(cast, api):
    goal = add_goal(cast)
    saved = api.patch(f"/api/v1/goals/{goal.id}", cast.leader, json={"version": 1, "title": "Nytt navn"})
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    stale = api.patch(f"/api/v1/goals/{goal.id}", cast.org_admin, json={"version": 1, "title": "Gammelt"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and error["fields"]["version"] == "2"
    assert api.patch(f"/api/v1/goals/{goal.id}", cast.leader, json={"title": "x"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).title == "Nytt navn"


def test_deputy_equal_to_owner_and_drop_without_reason_are_refused(cast, api):
    goal = add_goal(cast)
    refused = api.patch(f"/api/v1/goals/{goal.id}", cast.leader, json={"version": 1, "deputy_id": cast.leader.id})
    assert refused.status_code == 422 and "deputy_id" in refused.get_json()["error"]["fields"]
    dropped = api.patch(f"/api/v1/goals/{goal.id}", cast.leader, json={"version": 1, "state": "dropped"})
    assert dropped.status_code == 422 and dropped.get_json()["error"]["code"] == "reason_required"
    cleared = api.patch(f"/api/v1/goals/{goal.id}", cast.leader, json={"version": 1, "deputy_id": None})
    assert cleared.status_code == 200 and cleared.get_json()["deputy_id"] is None
    db.session.expire_all()
    assert db.session.get(Goal, goal.id).state == GoalState.active


def test_tasks_updates_and_my_tasks(cast, api):
    goal = add_goal(cast)
    made = api.post(f"/api/v1/goals/{goal.id}/tasks", cast.leader,
                    json={"title": "Ring NAV", "assignee_id": cast.staff[1].id, "due_on": "2020-01-01"})
    assert made.status_code == 201, made.get_json()
    task = made.get_json()
    assert task["state"] == "open" and task["overdue"] is True and task["version"] == 1
    assert api.get(f"/api/v1/goals/{goal.id}", cast.viewer).get_json()["overdue_tasks"] == 1
    mine = api.get("/api/v1/me/tasks", cast.staff[1]).get_json()
    assert [t["id"] for t in mine] == [task["id"]]
    assert api.post(f"/api/v1/goals/{goal.id}/tasks", cast.leader,
                    json={"title": "x", "assignee_id": cast.outsider.id}).status_code == 422
    assert api.post(f"/api/v1/goals/{goal.id}/tasks", cast.staff[2],
                    json={"title": "x", "assignee_id": cast.staff[2].id}).status_code == 403
    done = api.patch(f"/api/v1/tasks/{task['id']}", cast.staff[1], json={"version": 1, "state": "done"})
    assert done.status_code == 200 and done.get_json()["state"] == "done" and done.get_json()["version"] == 2
    again = api.patch(f"/api/v1/tasks/{task['id']}", cast.staff[1], json={"version": 1, "state": "done"})
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["version"] == "2"
    assert api.get("/api/v1/me/tasks", cast.staff[1]).get_json() == []
    assert [t["state"] for t in api.get(f"/api/v1/goals/{goal.id}/tasks", cast.viewer).get_json()] == ["done"]
    update = api.post(f"/api/v1/goals/{goal.id}/updates", cast.staff[0], json={"health": "at_risk", "note": "Treg"})
    assert update.status_code == 201 and update.get_json()["health"] == "at_risk"
    assert api.post(f"/api/v1/goals/{goal.id}/updates", cast.staff[0], json={"health": "great"}).status_code == 422
    assert api.post(f"/api/v1/goals/{goal.id}/updates", cast.staff[0],
                    json={"health": "at_risk", "meeting_id": 99999}).status_code == 404
    listed = api.get(f"/api/v1/goals/{goal.id}/updates", cast.viewer).get_json()
    assert [u["note"] for u in listed] == ["Treg"]
    assert api.get(f"/api/v1/goals/{goal.id}", cast.viewer).get_json()["health"] == "at_risk"
    db.session.expire_all()
    assert db.session.get(Task, task["id"]).state.value == "done"


def test_the_deputy_acts_while_the_owner_is_away(cast, api):
    import datetime as dt

    from seqf import clock
    from seqf.models import Absence

    goal = add_goal(cast)
    db.session.add(Absence(user_id=cast.leader.id, starts_on=clock.today() - dt.timedelta(days=1),
                           ends_on=clock.today() + dt.timedelta(days=30)))
    db.session.commit()
    body = api.get(f"/api/v1/goals/{goal.id}", cast.viewer).get_json()
    assert body["owner_id"] == cast.leader.id and body["acting_owner_id"] == cast.staff[0].id
    assert goal_service.active_count(cast.org.id) == 1
