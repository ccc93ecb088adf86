"""The goal page lists every open task and the five most recently done ones; "show all" lists the
rest (issue 9: a goal that has lived for years should not grow its page with every done task)."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import Task, TaskState
from tests.web.plan_helpers import add_goal, plan_cast

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    return plan_cast(make_org, make_user)


def test_done_tasks_beyond_five_are_behind_show_all(client, auth, cast):
    goal = add_goal(cast)
    for n in range(8):
        db.session.add(Task(goal=goal, organisation_id=cast.org.id, title=f"Gjort {n}", assignee_id=cast.leader.id,
                            state=TaskState.done, done_at=dt.datetime(2027, 1, 1 + n, tzinfo=dt.UTC)))
    db.session.add(Task(goal=goal, organisation_id=cast.org.id, title="Åpen oppgave", assignee_id=cast.leader.id))
    db.session.commit()
    auth.login(cast.viewer)
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "Åpen oppgave" in page and "Gjort 7" in page and "Gjort 3" in page
    assert "Gjort 2" not in page and "Gjort 0" not in page
    assert "tasks=all" in page
    everything = client.get(f"/goals/{goal.id}?tasks=all").get_data(as_text=True)
    assert all(f"Gjort {n}" in everything for n in range(8))


def test_the_task_form_offers_the_goals_people_and_takes_anyone_else_by_e_mail(client, auth, cast, make_user):
    goal = add_goal(cast)
    crowd = make_user(org=cast.org, member_role="staff", name="Mengde Medlem", email="mengde@example.no")
    auth.login(cast.leader)
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "Mengde Medlem" not in page and 'name="assignee_other"' in page
    made = client.post(f"/goals/{goal.id}/tasks", data={"title": "Ring", "assignee_id": "",
                                                        "assignee_other": "mengde@example.no"})
    assert made.status_code == 302
    assert db.session.scalar(db.select(Task).where(Task.title == "Ring")).assignee_id == crowd.id
    bad = client.post(f"/goals/{goal.id}/tasks", data={"title": "Ring", "assignee_other": cast.outsider.email})
    assert bad.status_code == 422
    assert 'id="assignee_other-error"' in bad.get_data(as_text=True)
