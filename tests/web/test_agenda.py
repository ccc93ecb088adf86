"""The generated agenda: goals with health and last update, overdue tasks, tasks due before the next
meeting, what changed since the last meeting, who is away (deputy acting), stale goals, and reviews,
follow-ups and certificate dates coming up."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, Certificate, ReviewKind, ReviewState
from seqf.services import goal_updates
from seqf.services import meetings as service
from seqf.services import tasks as task_service
from tests.web.meeting_helpers import add_series, open_on
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.review_helpers import make_review

START = dt.date(2027, 3, 2)


class Clock:
    def __init__(self, monkeypatch, day: dt.date):
        self.day = day
        monkeypatch.setattr(clock, "today", lambda: self.day)
        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(self.day, dt.time(9, 0), tzinfo=dt.UTC))


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    cast = plan_cast(make_org, make_user)
    cast.clock = Clock(monkeypatch, START - dt.timedelta(days=60))
    return cast


def test_goals_tasks_due_and_overdue(cast):
    goal = add_goal(cast, "Flere i jobb")
    goal_updates.add_update(cast.leader, goal, "at_risk", "Treg start")
    db.session.commit()
    cast.clock.day = START
    add_task(cast, goal, "Forfalt", due_in_days=-1)
    add_task(cast, goal, "Før neste møte", due_in_days=13)
    add_task(cast, goal, "Etter neste møte", due_in_days=14)
    done = add_task(cast, goal, "Ferdig", due_in_days=-5)
    task_service.set_state(cast.staff[0], done, "done", done.version)
    db.session.commit()
    series = add_series(cast, START)
    agenda = open_on(cast, series, START).agenda
    assert agenda["goals"][0]["title"] == "Flere i jobb"
    assert agenda["goals"][0]["health"] == "at_risk"
    assert agenda["goals"][0]["last_update"]["note"] == "Treg start"
    assert agenda["goals"][0]["owner"]["id"] == cast.leader.id
    assert [t["title"] for t in agenda["overdue_tasks"]] == ["Forfalt"]
    assert [t["title"] for t in agenda["due_before_next"]] == ["Før neste møte"]
    assert agenda["next_meeting_on"] == "2027-03-16"
    # the goal had its last update 60 days ago: stale
    assert [g["title"] for g in agenda["stale_goals"]] == ["Flere i jobb"]


def test_changed_since_the_last_meeting_of_the_series(cast):
    cast.clock.day = START
    goal = add_goal(cast, "Flere i jobb")
    series = add_series(cast, START)
    open_on(cast, series, START)
    cast.clock.day = START + dt.timedelta(days=3)
    add_task(cast, goal, "Ny etter møtet")
    goal_updates.add_update(cast.leader, goal, "off_track", "Stopp")
    db.session.commit()
    second = open_on(cast, series, START + dt.timedelta(days=14))
    kinds = {(c["kind"], c["title"]) for c in second.agenda["changed_since_last"]}
    assert ("task.created", "Ny etter møtet") in kinds
    assert ("goal.update_recorded", "Flere i jobb") in kinds
    assert ("goal.created", "Flere i jobb") not in kinds  # before the previous meeting
    assert second.agenda["previous_meeting_id"] is not None


def test_away_owner_shows_the_deputy_acting_and_flags_their_tasks(cast):
    cast.clock.day = START
    goal = add_goal(cast, "Flere i jobb", owner=cast.leader, deputy=cast.staff[0])
    add_task(cast, goal, "Lises oppgave", assignee=cast.leader)
    db.session.add(Absence(user_id=cast.leader.id, starts_on=START - dt.timedelta(days=2),
                           ends_on=START + dt.timedelta(days=30)))
    db.session.commit()
    series = add_series(cast, START)
    agenda = open_on(cast, series, START).agenda
    assert agenda["goals"][0]["acting_owner"]["id"] == cast.staff[0].id
    away = {(w["kind"], w["title"]) for w in agenda["away"]}
    assert away == {("goal", "Flere i jobb"), ("task", "Lises oppgave")}


def test_coming_up_reviews_follow_ups_and_certificate_dates(cast, make_user):
    cast.clock.day = START
    lead = make_user(roles=("revisor",), name="Rita Revisor")
    make_review(cast.org, lead, starts_in_days=40)
    make_review(cast.org, lead, starts_in_days=200)  # too far ahead
    follow_up = make_review(cast.org, lead, state=ReviewState.due, kind=ReviewKind.follow_up,
                            due_on=START + dt.timedelta(days=60))
    certified = make_review(cast.org, lead, state=ReviewState.decided, starts_in_days=-700)
    db.session.add(Certificate(organisation_id=cast.org.id, review_id=certified.id,
                               valid_from=START - dt.timedelta(days=600), valid_until=START + dt.timedelta(days=80)))
    db.session.commit()
    series = add_series(cast, START)
    coming = open_on(cast, series, START).agenda["coming_up"]
    assert [(c["kind"], c["on"]) for c in coming] == [
        ("review", "2027-04-11"), ("follow_up", "2027-05-01"), ("certificate_expiry", "2027-05-21")]
    assert follow_up.id in [c.get("review_id") for c in coming]


def test_the_agenda_is_regenerated_while_open_and_not_after_approval(cast):
    cast.clock.day = START
    series = add_series(cast, START)
    first = open_on(cast, series, START)
    assert first.agenda["goals"] == []
    add_goal(cast, "Senere mål")
    service.regenerate_agenda(cast.staff[0], first)
    db.session.commit()
    assert [g["title"] for g in first.agenda["goals"]] == ["Senere mål"]
    second = open_on(cast, series, START + dt.timedelta(days=14))
    service.approve(cast.leader, first, second)
    db.session.commit()
    with pytest.raises(service.Conflict) as refused:
        service.regenerate_agenda(cast.leader, first)
    assert refused.value.code == "locked"
