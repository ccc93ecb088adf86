"""The certificate date rules of DESIGN.md, example by example and as properties (Hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from seqf.certificates import add_years, certificate_dates

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


def test_three_years_to_the_same_calendar_day():
    dates = certificate_dates(dt.date(2026, 6, 15))
    assert dates.valid_until == dt.date(2029, 6, 15)
    assert dates.follow_ups == (dt.date(2027, 6, 15), dt.date(2028, 6, 15))
    assert dates.recertification_planned == dt.date(2029, 3, 17)


def test_29_february_runs_to_28_february():
    dates = certificate_dates(dt.date(2028, 2, 29))
    assert dates.valid_until == dt.date(2031, 2, 28)
    assert dates.follow_ups == (dt.date(2029, 2, 28), dt.date(2030, 2, 28))
    assert add_years(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 29)  # a leap year keeps it


def test_reminders_90_and_30_days_before_each_due_date():
    dates = certificate_dates(dt.date(2026, 6, 15))
    reminders = dates.reminders()
    assert ("follow_up", dt.date(2027, 6, 15), dt.date(2027, 3, 17)) in reminders
    assert ("follow_up", dt.date(2027, 6, 15), dt.date(2027, 5, 16)) in reminders
    assert ("recertification", dt.date(2029, 3, 17), dt.date(2029, 2, 15)) in reminders
    assert len(reminders) == 6


@given(days)
def test_valid_until_is_the_anniversary_or_the_day_before_it(valid_from):
    until = certificate_dates(valid_from).valid_until
    assert until.year == valid_from.year + 3
    if (valid_from.month, valid_from.day) == (2, 29):
        assert (until.month, until.day) == (2, 28)
    else:
        assert (until.month, until.day) == (valid_from.month, valid_from.day)


@given(days)
def test_dates_come_in_order_and_every_reminder_precedes_its_date(valid_from):
    dates = certificate_dates(valid_from)
    first, second = dates.follow_ups
    assert valid_from < first < second < dates.recertification_planned < dates.valid_until
    assert (dates.valid_until - dates.recertification_planned).days == 90
    for _what, due, remind_on in dates.reminders():
        assert (due - remind_on).days in (30, 90)
