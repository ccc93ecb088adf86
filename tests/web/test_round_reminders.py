"""``seqf tick`` reminds participants who have not submitted, three days before the deadline, once."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import OutboxMessage
from seqf.services import rounds as round_service
from tests.web.helpers import link_in
from tests.web.round_helpers import answer, make_team

START = dt.date(2030, 3, 4)
DEADLINE = dt.date(2030, 3, 20)


def freeze(monkeypatch, day: dt.date) -> None:
    """Make ``clock.now()`` a fixed moment on ``day`` (10:00 UTC, the same date in Oslo)."""
    moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


def reminders() -> list[str]:
    """Recipients of queued or sent round reminders, sorted."""
    db.session.expire_all()
    return sorted(db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.dedupe_key.like("round-reminder:%"))))


def tick(runner) -> None:
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "round deadline reminders" in result.output


@pytest.fixture
def team(make_org, make_user):
    return make_team(make_org, make_user, staff=3)


def _open(monkeypatch, leader, org, closes_on: dt.date = DEADLINE, title: str = "Vårrunden"):
    freeze(monkeypatch, START)
    round_ = round_service.open_round(leader, org, title=title, closes_on=closes_on)
    db.session.commit()
    return round_


def test_reminder_three_days_before_to_those_who_have_not_submitted(runner, monkeypatch, team):
    org, leader, staff = team
    round_ = _open(monkeypatch, leader, org)
    answer(staff[0], round_, {"1": 2})
    answer(staff[1], round_, {"1": 1}, submit=False)  # a draft still gets a reminder

    for day in (START, DEADLINE - dt.timedelta(days=4)):
        freeze(monkeypatch, day)
        tick(runner)
        assert reminders() == []

    freeze(monkeypatch, DEADLINE - dt.timedelta(days=3))
    tick(runner)
    expected = sorted(u.email for u in (leader, staff[1], staff[2]))
    assert reminders() == expected

    tick(runner)  # the same day again
    freeze(monkeypatch, DEADLINE - dt.timedelta(days=2))
    tick(runner)
    freeze(monkeypatch, DEADLINE)
    answer(staff[2], round_, {"1": 1})
    tick(runner)
    assert reminders() == expected


def test_a_round_opened_close_to_its_deadline_reminds_at_the_next_tick(runner, monkeypatch, team):
    org, leader, staff = team
    _open(monkeypatch, leader, org, closes_on=START + dt.timedelta(days=1))
    tick(runner)
    assert len(reminders()) == 4
    tick(runner)
    assert len(reminders()) == 4


def test_no_reminders_for_closed_or_past_rounds_or_inactive_people(runner, monkeypatch, team, make_user):
    org, leader, staff = team
    closed = _open(monkeypatch, leader, org, title="Lukket")
    round_service.close_round(leader, closed)
    _open(monkeypatch, leader, org, closes_on=START + dt.timedelta(days=2), title="Forbi")
    running = _open(monkeypatch, leader, org, title="Aktiv")
    for user in (leader, staff[1], staff[2]):
        answer(user, running, {"1": 1})
    staff[0].active = False
    db.session.commit()

    freeze(monkeypatch, START + dt.timedelta(days=3))  # the deadline of "Forbi" was yesterday
    tick(runner)
    assert reminders() == []
    freeze(monkeypatch, DEADLINE - dt.timedelta(days=1))
    tick(runner)
    assert reminders() == []


def test_reminders_are_delivered_by_send_mail(runner, monkeypatch, team, mailbox):
    org, leader, staff = team
    round_ = _open(monkeypatch, leader, org)
    for user in staff:
        answer(user, round_, {"2": 2})
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Sent 4" in result.output  # the invitations
    mailbox.messages.clear()

    freeze(monkeypatch, DEADLINE - dt.timedelta(days=3))
    tick(runner)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Sent 1" in result.output, result.output
    assert [m["To"] for m in mailbox.messages] == [leader.email]
    message = mailbox.messages[0]
    assert round_.title in message["Subject"]
    assert link_in(message, "/rounds/") == f"/rounds/{round_.id}/fill"

    tick(runner)
    assert "Sent 0" in runner.invoke(args=["send-mail"]).output
    assert len(mailbox.messages) == 1
