"""``seqf tick`` reminders for certificates and follow-ups: 90 and 30 days before a certificate ends,
a follow-up due within 60 days that nobody has planned, and 14 days before a planned follow-up's
visit. Each is queued once however often tick runs, and never for a withdrawn or replaced certificate."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf.extensions import db
from seqf.models import Review, ReviewKind, ReviewRevisor, ReviewState, RevisorRole
from seqf.services import certification
from tests.web.cert_helpers import freeze, mail_to, messages, published_review
from tests.web.review_helpers import review_cast

DECIDED = dt.date(2030, 5, 15)
UNTIL = dt.date(2033, 5, 15)
FIRST_FOLLOW_UP = dt.date(2031, 5, 15)


def tick(runner) -> str:
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "certificate expiry reminders" in result.output and "follow-up reminders" in result.output
    return result.output


@pytest.fixture
def certified(make_org, make_user, monkeypatch):
    freeze(monkeypatch, DECIDED)
    cast = review_cast(make_org, make_user)
    cast.second_coordinator = make_user(roles=("coordinator",), name="Kåre Koordinator")
    review = published_review(cast)
    cast.certificate = certification.decide(cast.coordinator, review, "approved", DECIDED)
    db.session.commit()
    return cast


def people(cast, *names) -> list[str]:
    return sorted(getattr(cast, n).email for n in names)


def test_expiry_reminders_90_and_30_days_before_once_each(runner, monkeypatch, certified):
    cert = certified.certificate
    expected = people(certified, "coordinator", "second_coordinator", "leader", "org_admin")
    for day in (DECIDED, UNTIL - dt.timedelta(days=91)):
        freeze(monkeypatch, day)
        tick(runner)
        assert mail_to("certificate-expiry") == []

    freeze(monkeypatch, UNTIL - dt.timedelta(days=90))
    tick(runner)
    tick(runner)  # the same day again
    assert mail_to(f"certificate-expiry:{cert.id}:90:") == expected
    freeze(monkeypatch, UNTIL - dt.timedelta(days=60))
    tick(runner)
    assert mail_to("certificate-expiry") == expected

    freeze(monkeypatch, UNTIL - dt.timedelta(days=30))
    tick(runner)
    freeze(monkeypatch, UNTIL - dt.timedelta(days=29))
    tick(runner)
    assert mail_to(f"certificate-expiry:{cert.id}:30:") == expected
    assert len(mail_to("certificate-expiry")) == 2 * len(expected)
    message = messages(f"certificate-expiry:{cert.id}:30:{certified.leader.id}")[0]
    assert "Jobbhuset AS" in message.subject and "30" in message.body
    assert f"/certificates/{cert.id}" in message.body

    freeze(monkeypatch, UNTIL + dt.timedelta(days=1))
    tick(runner)
    assert len(mail_to("certificate-expiry")) == 2 * len(expected)
    assert not any(s.email in mail_to("certificate-expiry") for s in certified.staff)


def test_a_late_first_tick_sends_only_the_nearer_reminder(runner, monkeypatch, certified):
    freeze(monkeypatch, UNTIL - dt.timedelta(days=10))
    tick(runner)
    assert mail_to("certificate-expiry") and all(
        m.dedupe_key.split(":")[2] == "30" for m in messages("certificate-expiry"))


def test_no_expiry_reminder_for_a_withdrawn_certificate(runner, monkeypatch, certified):
    certification.withdraw(certified.coordinator, certified.certificate, "Avvik")
    db.session.commit()
    for days in (90, 30):
        freeze(monkeypatch, UNTIL - dt.timedelta(days=days))
        tick(runner)
    assert mail_to("certificate-expiry") == []
    assert mail_to("follow-up") == []


def test_no_expiry_reminder_for_a_replaced_certificate(runner, monkeypatch, certified):
    renewal_day = UNTIL - dt.timedelta(days=120)
    freeze(monkeypatch, renewal_day)
    again = published_review(certified, kind=ReviewKind.recertification)
    new = certification.decide(certified.lead, again, "approved", renewal_day)
    db.session.commit()
    assert new.previous_certificate_id == certified.certificate.id
    for days in (90, 30):
        freeze(monkeypatch, UNTIL - dt.timedelta(days=days))
        tick(runner)
    assert mail_to("certificate-expiry") == []


def test_unplanned_follow_up_due_within_60_days(runner, monkeypatch, certified):
    follow_up = certification.follow_ups_of(certified.certificate)[0]
    expected = people(certified, "coordinator", "second_coordinator", "lead")
    freeze(monkeypatch, FIRST_FOLLOW_UP - dt.timedelta(days=61))
    tick(runner)
    assert mail_to("follow-up-due") == []
    freeze(monkeypatch, FIRST_FOLLOW_UP - dt.timedelta(days=60))
    tick(runner)
    tick(runner)
    assert mail_to(f"follow-up-due:{follow_up.id}:") == expected
    freeze(monkeypatch, FIRST_FOLLOW_UP - dt.timedelta(days=10))
    tick(runner)
    assert mail_to("follow-up-due") == expected  # once, and not for the second follow-up yet
    message = messages(f"follow-up-due:{follow_up.id}:{certified.lead.id}")[0]
    assert "Jobbhuset AS" in message.subject and "Rita Revisor" in message.body


def test_a_planned_follow_up_gets_no_due_reminder_but_a_visit_notice(runner, monkeypatch, certified):
    follow_up = certification.follow_ups_of(certified.certificate)[0]
    visit = FIRST_FOLLOW_UP - dt.timedelta(days=5)
    follow_up.state = ReviewState.planned
    follow_up.visit_starts_on = follow_up.visit_ends_on = visit
    follow_up.revisors = [ReviewRevisor(user=certified.lead, role=RevisorRole.lead, position=0)]
    db.session.commit()

    freeze(monkeypatch, visit - dt.timedelta(days=15))
    tick(runner)
    assert mail_to("follow-up") == []
    freeze(monkeypatch, visit - dt.timedelta(days=14))
    tick(runner)
    freeze(monkeypatch, visit - dt.timedelta(days=3))
    tick(runner)
    assert mail_to(f"follow-up-visit:{follow_up.id}:") == people(certified, "leader", "org_admin")
    assert mail_to("follow-up-due") == []

    # the visit is moved: the leaders hear about the new date
    moved = visit + dt.timedelta(days=7)
    db.session.get(Review, follow_up.id).visit_starts_on = moved
    db.session.get(Review, follow_up.id).visit_ends_on = moved
    db.session.commit()
    tick(runner)
    assert len(mail_to(f"follow-up-visit:{follow_up.id}:")) == 4


def test_reminder_jobs_report_counts(runner, monkeypatch, certified):
    freeze(monkeypatch, UNTIL - dt.timedelta(days=90))
    output = tick(runner)
    assert "certificate expiry reminders" in output
