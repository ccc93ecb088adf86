"""Action plan rules (issue 8 groundwork): pure functions, no Flask, no database.

SEQF's practice is a plan of five or six goals at a time (DESIGN.md: at most 6 active goals); a
goal reached frees its place. A goal with no update for six weeks needs the leaders' attention; a
task is overdue the day after its due date, and its reminder goes three days before. The goal,
task and reminder services (issue 8) build on these; they are here first so the rules are tested
alone.
"""

from __future__ import annotations

import datetime as dt

GOAL_LIMIT = 6
STALE_AFTER = dt.timedelta(weeks=6)
TASK_REMINDER_LEAD = dt.timedelta(days=3)


def goal_slots_left(active_goals: int) -> int:
    """How many more goals may be made active now (never negative)."""
    return max(GOAL_LIMIT - active_goals, 0)


def may_add_goal(active_goals: int) -> bool:
    return active_goals < GOAL_LIMIT


def owner_and_deputy_valid(owner_id: int | None, deputy_id: int | None) -> bool:
    """A goal needs an owner; a deputy, when named, is someone else."""
    return owner_id is not None and deputy_id != owner_id


def goal_is_stale(last_update_on: dt.date | None, created_on: dt.date, today: dt.date) -> bool:
    """No update (or, for a new goal, no update since it was made) for six weeks or more."""
    since = last_update_on or created_on
    return today - since >= STALE_AFTER


def task_is_overdue(due_on: dt.date | None, done: bool, today: dt.date) -> bool:
    """Open and past its due date (a task due today is not overdue yet)."""
    return not done and due_on is not None and today > due_on


def task_reminder_on(due_on: dt.date) -> dt.date:
    """The day the assignee (or the deputy, while they are away) is reminded."""
    return due_on - TASK_REMINDER_LEAD


def is_away(day: dt.date, absences: list[tuple[dt.date, dt.date]]) -> bool:
    """Whether ``day`` falls in one of the (from, to) absences, both days included."""
    return any(start <= day <= end for start, end in absences)
