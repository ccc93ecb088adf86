"""A year of the living plan, day by day on a frozen clock: five goals, the leader meeting every 14
days for 26 meetings — each opened from its generated agenda, an update per goal, minutes, the
previous minutes approved — an absence covered by the deputy, the reminders and monthly digests
from ``seqf tick`` through the outbox, and the follow-up review that starts from the plan.

Through the services, as the pages and the API call them; the rules are checked as the year goes.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import ticks
from seqf.extensions import db
from seqf.models import Absence, Meeting, MeetingState, OutboxMessage, ReviewKind, ReviewState
from seqf.services import goal_updates, meetings, plan_follow_up, tasks
from tests.web.cert_helpers import freeze
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.review_helpers import make_review

START = dt.date(2027, 1, 4)  # a Monday


@pytest.fixture
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def test_a_year_of_the_plan(monkeypatch, cast, make_user):
    freeze(monkeypatch, START)
    owner, deputy = cast.staff[0], cast.staff[1]
    goals = [add_goal(cast, f"Mål {n}", owner=owner if n == 0 else cast.leader, deputy=deputy) for n in range(5)]
    series = meetings.create_series(cast.leader, cast.org, {
        "title": "Ledermøte", "interval_days": 14, "first_on": START, "participant_ids": [cast.leader.id, owner.id]})
    db.session.commit()
    # the owner of goal 0 is away for five months in the spring: the deputy acts
    away_from, away_to = START + dt.timedelta(days=60), START + dt.timedelta(days=210)
    db.session.add(Absence(user_id=owner.id, starts_on=away_from, ends_on=away_to, created_by_id=owner.id))
    db.session.commit()

    previous, task = None, None
    held = []
    for n in range(26):
        day = START + dt.timedelta(days=14 * n)
        freeze(monkeypatch, day)
        if task is not None:  # last meeting's task, done by now
            tasks.set_state(owner, task, "done", task.version)
        task = add_task(cast, goals[n % 5], f"Oppgave {n}", assignee=owner, due_in_days=10)
        ticks.run_all()
        db.session.commit()
        meeting, created = meetings.open_meeting(cast.leader, series, day)
        assert created and meeting.held_on == day
        agenda = meeting.agenda
        assert {g["id"] for g in agenda["goals"]} == {g.id for g in goals}
        if away_from <= day <= away_to:  # the absent owner's open tasks are flagged on the agenda
            assert agenda["away"], day
        for goal in goals:
            goal_updates.add_update(cast.leader, goal, "on_track" if n % 3 else "at_risk", f"Møte {n + 1}",
                                    meeting_id=meeting.id)
        meetings.save_minutes(cast.leader, meeting, f"## Møte {n + 1}\n\n- Gikk gjennom planen.", None)
        meetings.set_attendees(cast.leader, meeting, [cast.leader.id])
        if previous is not None:
            meetings.approve(cast.leader, previous, meeting)
        db.session.commit()
        freeze(monkeypatch, day + dt.timedelta(days=7))  # tick runs daily in production; weekly is enough here
        ticks.run_all()
        db.session.commit()
        held.append(meeting.id)
        previous = meeting

    states = dict(db.session.execute(sa.select(Meeting.id, Meeting.state).where(Meeting.series_id == series.id)).all())
    assert len(states) == 26
    assert [states[i] for i in held] == [MeetingState.approved] * 25 + [MeetingState.open]

    outbox = list(db.session.scalars(sa.select(OutboxMessage.dedupe_key)))
    # a digest each month to each member with something to read, never twice
    digests = [k for k in outbox if k.startswith("plan-digest:") and k.split(":")[1] == str(cast.leader.id)]
    assert len(digests) == len(set(digests)) == 12
    # the task reminders of the absent owner went to the deputy while they were away
    reminders = [k for k in outbox if k.startswith("plan-task-reminder:")]
    assert any(k.endswith(f":{deputy.id}") for k in reminders)
    assert any(k.endswith(f":{owner.id}") for k in reminders)

    # the annual follow-up starts from the plan: each goal's history since the certification
    freeze(monkeypatch, START + dt.timedelta(days=370))
    review = make_review(cast.org, make_user(roles=("revisor",)), kind=ReviewKind.follow_up,
                         state=ReviewState.planned)
    rows = plan_follow_up.rows(review)
    assert {row.goal.id for row in rows} == {g.id for g in goals}
    assert all(len([e for e in row.entries if e.kind == "update"]) == 26 for row in rows)
