"""Pure rules of certification: the state over time, and which expiry reminder is due (no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from seqf.certificates import certificate_dates, certificate_state
from seqf.services.review_reminders import expiry_lead

ORDER = ["active", "expiring", "expired"]
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(valid_from=days, a=st.integers(-2000, 2000), b=st.integers(-2000, 2000))
def test_state_only_moves_forward_in_time(valid_from, a, b):
    until = certificate_dates(valid_from).valid_until
    first, second = sorted((a, b))
    earlier = certificate_state(until, False, valid_from + dt.timedelta(days=first))
    later = certificate_state(until, False, valid_from + dt.timedelta(days=second))
    assert ORDER.index(earlier) <= ORDER.index(later)


@given(valid_from=days, offset=st.integers(-2000, 2000))
def test_withdrawn_wins_over_the_dates(valid_from, offset):
    until = certificate_dates(valid_from).valid_until
    assert certificate_state(until, True, valid_from + dt.timedelta(days=offset)) == "withdrawn"


@given(valid_from=days)
def test_the_day_a_certificate_is_issued_it_is_active_and_on_its_last_day_expiring(valid_from):
    until = certificate_dates(valid_from).valid_until
    assert certificate_state(until, False, valid_from) == "active"
    assert certificate_state(until, False, until) == "expiring"
    assert certificate_state(until, False, until + dt.timedelta(days=1)) == "expired"


@given(until=days, offset=st.integers(-200, 200))
def test_expiry_reminder_is_the_nearer_one_within_the_last_90_days(until, offset):
    today = until - dt.timedelta(days=offset)
    lead = expiry_lead(until, today)
    if offset < 0 or offset > 90:
        assert lead is None
    else:
        assert lead == (30 if offset <= 30 else 90)


def test_leap_day_examples():
    dates = certificate_dates(dt.date(2028, 2, 29))
    assert dates.valid_until == dt.date(2031, 2, 28)
    assert dates.follow_ups == (dt.date(2029, 2, 28), dt.date(2030, 2, 28))
    assert dates.recertification_planned == dt.date(2030, 11, 30)
    assert expiry_lead(dates.valid_until, dt.date(2030, 11, 30)) == 90
    assert expiry_lead(dates.valid_until, dt.date(2031, 1, 29)) == 30
