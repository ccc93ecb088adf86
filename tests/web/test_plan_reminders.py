"""``seqf tick`` mail of the action plan (issue 8, items 6 and 7), delivered through the real SMTP
test server by ``seqf send-mail``: a task reminder three days before it is due (to the acting owner
while the assignee is away), an alert when a goal has had no update for six weeks (to the deputy
too while the owner is away), and a monthly digest per member — once a month, not for those who
switched it off on their profile, nothing when there is nothing to say, in each recipient's language.
"""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import MeetingSeries
from seqf.services import absences, goal_updates
from seqf.services import tasks as task_service
from tests.web.cert_helpers import freeze, mail_to, messages
from tests.web.plan_helpers import add_goal, add_task, plan_cast

TODAY = dt.date(2030, 3, 4)


def tick(runner) -> str:
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "action plan task reminders" in result.output and "action plan monthly digest" in result.output
    return result.output


def deliver(runner, mailbox) -> list:
    before = len(mailbox.messages)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    return mailbox.messages[before:]


def on(monkeypatch, days: int) -> None:
    freeze(monkeypatch, TODAY + dt.timedelta(days=days))


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    cast = plan_cast(make_org, make_user)
    for user in [cast.leader, cast.org_admin, *cast.staff, cast.viewer, cast.outsider, cast.coordinator]:
        user.digest = False  # each test switches on whom it looks at
    db.session.commit()
    return cast


def new_goal(cast, *args, **kw):
    goal = add_goal(cast, *args, **kw)
    goal.created_at = clock.now()
    db.session.commit()
    return goal


def test_a_task_is_reminded_three_days_before_once_per_due_date(runner, monkeypatch, mailbox, cast):
    goal = new_goal(cast)
    task = add_task(cast, goal, "Ring NAV-veilederen", assignee=cast.staff[1], due_in_days=10)
    on(monkeypatch, 6)
    tick(runner)
    assert mail_to("plan-task-reminder") == []
    on(monkeypatch, 7)
    tick(runner)
    tick(runner)
    assert mail_to("plan-task-reminder") == [cast.staff[1].email]
    sent = deliver(runner, mailbox)
    reminder = next(m for m in sent if m["To"] == cast.staff[1].email)
    assert "Ring NAV-veilederen" in reminder["Subject"]
    assert "3" in reminder.get_content() and "http://" in reminder.get_content()

    task_service.edit_task(cast.leader, task, task.version, {"due_on": (TODAY + dt.timedelta(days=20)).isoformat()})
    db.session.commit()
    on(monkeypatch, 16)
    tick(runner)
    assert len(mail_to("plan-task-reminder")) == 1
    on(monkeypatch, 17)
    tick(runner)
    assert len(mail_to("plan-task-reminder")) == 2  # the new due date is reminded again
    task_service.set_state(cast.staff[1], task, "done", task.version)
    db.session.commit()
    on(monkeypatch, 18)
    tick(runner)
    assert len(mail_to("plan-task-reminder")) == 2


def test_while_the_assignee_is_away_the_reminder_goes_to_the_acting_owner(runner, monkeypatch, mailbox, cast):
    goal = new_goal(cast, owner=cast.staff[1], deputy=cast.staff[2])
    own = add_task(cast, goal, "Eierens oppgave", assignee=cast.staff[1], due_in_days=3)
    other = add_task(cast, goal, "Medarbeiderens oppgave", assignee=cast.staff[0], due_in_days=3)
    absences.record_absence(cast.staff[1], cast.staff[1], TODAY, TODAY + dt.timedelta(days=14))
    absences.record_absence(cast.staff[0], cast.staff[0], TODAY, TODAY + dt.timedelta(days=14))
    db.session.commit()
    tick(runner)
    assert mail_to(f"plan-task-reminder:{own.id}:") == [cast.staff[2].email]  # owner away: the deputy
    assert mail_to(f"plan-task-reminder:{other.id}:") == [cast.staff[2].email]  # assignee away: acting owner
    sent = deliver(runner, mailbox)
    body = next(m for m in sent if m["To"] == cast.staff[2].email).get_content()
    assert cast.staff[1].name in body or cast.staff[0].name in body


def test_a_goal_without_updates_for_six_weeks_alerts_the_leaders_and_the_deputy(runner, monkeypatch, mailbox, cast):
    goal = new_goal(cast, "Stillestående mål", owner=cast.staff[1], deputy=cast.staff[2])
    fresh = new_goal(cast, "Levende mål")
    on(monkeypatch, 41)
    tick(runner)
    assert mail_to("plan-goal-stale") == []
    goal_updates.add_update(cast.leader, fresh, "on_track", "Går fint")
    db.session.commit()
    absences.record_absence(cast.staff[1], cast.staff[1], TODAY + dt.timedelta(days=40), TODAY + dt.timedelta(days=60))
    db.session.commit()
    on(monkeypatch, 42)
    tick(runner)
    tick(runner)
    expected = sorted([cast.leader.email, cast.org_admin.email, cast.staff[2].email])
    assert mail_to(f"plan-goal-stale:{goal.id}:") == expected
    assert mail_to(f"plan-goal-stale:{fresh.id}:") == []
    sent = deliver(runner, mailbox)
    alert = next(m for m in sent if m["To"] == cast.leader.email)
    assert "Stillestående mål" in alert["Subject"] and "6" in alert["Subject"]
    on(monkeypatch, 60)
    tick(runner)
    assert len(mail_to(f"plan-goal-stale:{goal.id}:")) == 3  # the same six-week period
    on(monkeypatch, 84)
    tick(runner)
    assert len(mail_to(f"plan-goal-stale:{goal.id}:")) == 6  # another six weeks without an update
    assert cast.staff[1].email in mail_to(f"plan-goal-stale:{goal.id}:")  # back from the absence


def test_the_monthly_digest_is_sent_once_a_month_in_each_language(runner, monkeypatch, mailbox, cast):
    goal = new_goal(cast, "Bedre samarbeid med NAV")
    add_task(cast, goal, "Forfalt oppgave", assignee=cast.staff[0], due_in_days=20)
    add_task(cast, goal, "Kommende oppgave", assignee=cast.staff[0], due_in_days=60)
    cast.staff[0].digest = True
    cast.staff[1].digest = True
    cast.staff[1].language = "en"
    cast.outsider.digest = True  # an organisation with nothing in its plan: nothing to say
    db.session.add(MeetingSeries(organisation_id=cast.org.id, title="Ledermøte", interval_days=14,
                                 first_on=dt.date(2030, 3, 28), created_by_id=cast.leader.id))
    db.session.commit()

    freeze(monkeypatch, dt.date(2030, 4, 1))
    tick(runner)
    tick(runner)
    assert mail_to("plan-digest") == sorted([cast.staff[0].email, cast.staff[1].email])
    sent = deliver(runner, mailbox)
    norwegian = next(m for m in sent if m["To"] == cast.staff[0].email)
    english = next(m for m in sent if m["To"] == cast.staff[1].email)
    assert "Your action plan" in english["Subject"] and "Your action plan" not in norwegian["Subject"]
    assert "handlingsplan" in norwegian["Subject"].lower()
    body = norwegian.get_content()
    assert body.index("Forfalt oppgave") < body.index("Kommende oppgave")  # overdue first
    assert "Bedre samarbeid med NAV" in body and "/profile" in body
    assert "Neste møte: Ledermøte, 11. april 2030" in body  # every 14 days from 28 March
    assert "Next meeting: Ledermøte, April 11, 2030" in english.get_content()
    assert "/profile" in english.get_content() and "on track" in english.get_content()

    freeze(monkeypatch, dt.date(2030, 4, 20))
    tick(runner)
    assert len(mail_to("plan-digest")) == 2
    freeze(monkeypatch, dt.date(2030, 5, 2))  # the first tick on or after the 1st
    tick(runner)
    assert len(mail_to("plan-digest")) == 4
    assert [m.dedupe_key for m in messages(f"plan-digest:{cast.staff[0].id}:")] == [
        f"plan-digest:{cast.staff[0].id}:2030-04", f"plan-digest:{cast.staff[0].id}:2030-05"]


def test_the_digest_can_be_switched_off_on_the_profile(client, auth, runner, monkeypatch, mailbox, cast):
    new_goal(cast)
    cast.staff[0].digest = True
    db.session.commit()
    auth.login(cast.staff[0])
    page = client.get("/profile")
    assert 'name="digest"' in page.text and "checked" in page.text
    response = client.post("/profile", data={"name": cast.staff[0].name, "language": "nb"})
    assert response.status_code == 302
    db.session.expire_all()
    assert cast.staff[0].digest is False
    freeze(monkeypatch, dt.date(2030, 4, 1))
    tick(runner)
    assert mail_to("plan-digest") == []
    client.post("/profile", data={"name": cast.staff[0].name, "language": "nb", "digest": "y"})
    db.session.expire_all()
    assert cast.staff[0].digest is True
    tick(runner)
    assert mail_to("plan-digest") == [cast.staff[0].email]


def test_inactive_members_get_no_mail(runner, monkeypatch, mailbox, cast):
    goal = new_goal(cast)
    add_task(cast, goal, assignee=cast.staff[1], due_in_days=2)
    cast.staff[1].active = False
    cast.staff[1].digest = True
    db.session.commit()
    tick(runner)
    freeze(monkeypatch, dt.date(2030, 4, 1))
    tick(runner)
    assert cast.staff[1].email not in mail_to("plan-")
