"""The agenda and the meeting page cost the same number of SQL statements with 1 goal and 2 tasks as
with 6 goals, 200 tasks and three years of updates (eager loads, no N+1). Counted with a
``before_cursor_execute`` listener."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, GoalHealth, GoalUpdate, Meeting, Task, TaskState
from seqf.services import agenda
from tests.web.meeting_helpers import add_series, open_on
from tests.web.plan_helpers import add_goal, plan_cast

START = dt.date(2027, 3, 2)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: START)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC))
    return plan_cast(make_org, make_user)


@contextlib.contextmanager
def counting():
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _fill(cast, goals: int, tasks: int, updates_per_goal: int, first: int = 0) -> None:
    people = [cast.leader, *cast.staff]
    made = [add_goal(cast, f"Mål {n}", deputy=cast.staff[n % 3]) for n in range(first, first + goals)]
    for i in range(tasks):
        goal = made[i % goals]
        db.session.add(Task(goal=goal, organisation_id=cast.org.id, title=f"Oppgave {i}",
                            assignee_id=people[i % len(people)].id,
                            due_on=START + dt.timedelta(days=(i % 40) - 20), state=TaskState.open))
    for goal in made:
        for n in range(updates_per_goal):
            db.session.add(GoalUpdate(goal_id=goal.id, health=list(GoalHealth)[n % 3], note=f"Oppdatering {n}",
                                      author_id=cast.leader.id,
                                      created_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC) + dt.timedelta(days=14 * n)))
    db.session.commit()


def _measure(client, meeting) -> tuple[int, int]:
    db.session.expire_all()
    with counting() as built:
        agenda.build(meeting)
    db.session.expire_all()
    with counting() as page:
        response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    return len(built), len(page)


def test_statement_counts_do_not_grow_with_the_plan(client, auth, cast, make_user):
    _fill(cast, goals=1, tasks=2, updates_per_goal=1)
    db.session.add(Absence(user_id=cast.staff[1].id, starts_on=START, ends_on=START + dt.timedelta(days=9)))
    db.session.commit()
    meeting = open_on(cast, add_series(cast, START), START)
    auth.login(cast.leader)
    client.get(f"/meetings/{meeting.id}")  # warm up (translations, templates)
    small = _measure(client, meeting)
    # five more goals, 198 more tasks, three years of fortnightly updates on each goal, 40 more members
    _fill(cast, goals=5, tasks=198, updates_per_goal=78, first=1)
    crowd = [make_user(org=cast.org, member_role="staff", name=f"Mengde {i}") for i in range(40)]
    large = _measure(client, meeting)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert crowd[0].name not in page  # the pickers offer the meeting's people, not every member
    assert small[0] > 3 and small[1] > 3
    assert large == small, (small, large)
    meeting_id = meeting.id
    db.session.remove()  # nothing loaded before the request, as in a worker
    with counting() as fresh:
        assert client.get(f"/meetings/{meeting_id}").status_code == 200
    # the session; the meeting with its series, the caller's role and the previous meeting; the goals
    # with their first open tasks; the meeting's people
    assert len(fresh) <= 4, "\n".join(s[:100] for s in fresh)
    assert len(agenda.build(db.session.get(Meeting, meeting_id))["goals"]) == 6
