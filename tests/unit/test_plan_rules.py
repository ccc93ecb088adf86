"""The action plan's rules (issue 8 groundwork): goal limit, staleness, overdue tasks, reminders, absences,
and meeting series dates with moved and cancelled occurrences."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqf import meeting_dates, plan_rules

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


@given(st.integers(min_value=0, max_value=50))
def test_at_most_six_goals_are_active(active):
    assert plan_rules.may_add_goal(active) == (active < 6)
    assert plan_rules.goal_slots_left(active) == max(6 - active, 0)
    # adding while allowed never passes the limit
    assert not plan_rules.may_add_goal(active) or active + 1 <= plan_rules.GOAL_LIMIT


@pytest.mark.parametrize(("owner", "deputy", "valid"), [(1, None, True), (1, 2, True), (1, 1, False),
                                                         (None, 2, False)])
def test_owner_and_deputy(owner, deputy, valid):
    assert plan_rules.owner_and_deputy_valid(owner, deputy) is valid


@given(days, st.integers(min_value=0, max_value=400))
def test_a_goal_is_stale_from_six_weeks_without_update(updated, gap):
    today = updated + dt.timedelta(days=gap)
    assert plan_rules.goal_is_stale(updated, updated - dt.timedelta(days=100), today) == (gap >= 42)
    assert plan_rules.goal_is_stale(None, updated, today) == (gap >= 42)


@given(days, st.integers(min_value=-30, max_value=30), st.booleans())
def test_overdue_and_reminder(due, offset, done):
    today = due + dt.timedelta(days=offset)
    assert plan_rules.task_is_overdue(due, done, today) == (not done and offset > 0)
    assert plan_rules.task_reminder_on(due) == due - dt.timedelta(days=3)
    assert not plan_rules.task_is_overdue(None, False, today)


@given(days, st.integers(min_value=0, max_value=60), st.integers(min_value=-5, max_value=70))
def test_away_includes_both_ends(start, length, offset):
    end = start + dt.timedelta(days=length)
    day = start + dt.timedelta(days=offset)
    assert plan_rules.is_away(day, [(start, end)]) == (0 <= offset <= length)


# --- meeting series ------------------------------------------------------------------------------

@given(days, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=12))
def test_upcoming_meetings_follow_the_interval(first, interval, count):
    found = meeting_dates.upcoming(first, interval, first, count)
    assert [o.held_on for o in found] == [first + dt.timedelta(days=interval * n) for n in range(count)]
    assert all(meeting_dates.is_planned_date(first, interval, o.planned_on) for o in found)


@given(days, st.integers(min_value=7, max_value=28), st.integers(min_value=1, max_value=10),
       st.integers(min_value=-6, max_value=6))
def test_moving_one_meeting_keeps_the_rest_of_the_series(first, interval, which, shift):
    planned = first + dt.timedelta(days=interval * which)
    moved_to = planned + dt.timedelta(days=shift)
    end = first + dt.timedelta(days=interval * 12)
    plain = meeting_dates.occurrences(first, interval, start=first, end=end)
    moved = meeting_dates.occurrences(first, interval, start=first, end=end, moved={planned: moved_to})
    assert [o.planned_on for o in moved] == [o.planned_on for o in plain]  # nothing drifts, nothing lost
    changed = [o for o in moved if o.moved]
    assert (changed == [meeting_dates.Occurrence(planned, moved_to)]) == (shift != 0)
    assert [o.held_on for o in moved] == sorted(o.held_on for o in moved)


@given(days, st.integers(min_value=7, max_value=28), st.integers(min_value=0, max_value=5))
def test_a_cancelled_meeting_is_skipped_and_the_next_one_follows(first, interval, which):
    cancelled = first + dt.timedelta(days=interval * which)
    after = meeting_dates.next_after(first, interval, cancelled - dt.timedelta(days=1), cancelled={cancelled})
    assert after is not None and after.held_on == cancelled + dt.timedelta(days=interval)
    found = meeting_dates.upcoming(first, interval, first, 6, cancelled={cancelled})
    assert cancelled not in [o.planned_on for o in found] and len(found) == 6


def test_a_meeting_moved_into_the_window_counts_and_one_moved_out_does_not():
    first = dt.date(2027, 1, 5)
    outside = dt.date(2027, 1, 19)  # planned just after the window, moved into it
    inside = dt.date(2027, 1, 5)  # planned in the window, moved out of it
    found = meeting_dates.occurrences(first, 14, start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 15),
                                      moved={outside: dt.date(2027, 1, 14), inside: dt.date(2027, 1, 16)})
    assert found == [meeting_dates.Occurrence(outside, dt.date(2027, 1, 14))]


@pytest.mark.parametrize("interval", [0, -14, 367])
def test_an_impossible_interval_is_refused(interval):
    with pytest.raises(ValueError):
        next(meeting_dates.planned_dates(dt.date(2027, 1, 5), interval))
