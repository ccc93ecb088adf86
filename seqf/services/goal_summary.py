"""What the plan page, the goal API and "my tasks" show about goals in a list, in a fixed number of
queries: open and overdue task counts per goal, and who acts for each goal's owner today."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from seqf import clock, plan_rules
from seqf.extensions import db
from seqf.models import Goal, Task, TaskState
from seqf.services import absences


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0


def task_counts(goal_ids: Iterable[int]) -> dict[int, Counts]:
    """Open and overdue (open, due before today) tasks per goal: one query."""
    ids = list(goal_ids)
    counts = {i: Counts() for i in ids}
    if not ids:
        return counts
    rows = db.session.execute(_task_counts_query(), {"ids": ids, "today": clock.today()})
    for goal_id, n_open, n_overdue in rows:
        counts[goal_id] = Counts(int(n_open or 0), int(n_overdue or 0))
    return counts


@functools.cache
def _task_counts_query() -> sa.Select:
    """Built once with the goals (an expanding parameter) and today as parameters."""
    overdue = sa.func.sum(sa.case((Task.due_on < sa.bindparam("today", type_=sa.Date), 1), else_=0))
    return (sa.select(Task.goal_id, sa.func.count(), overdue)
            .where(Task.goal_id.in_(sa.bindparam("ids", expanding=True)), Task.state == TaskState.open)
            .group_by(Task.goal_id))


def acting_owner_ids(goals: Iterable[Goal]) -> dict[int, int]:
    """goal id → who acts as owner today (the deputy while the owner is away): one query."""
    goals = list(goals)
    away = absences.away_ids({g.owner_id for g in goals} | {g.deputy_id for g in goals if g.deputy_id})
    return {g.id: absences.acting_owner_id(g, away) for g in goals}


def quiet_weeks(goals: Iterable[Goal], today: dt.date) -> dict[int, int]:
    """Goal id → whole weeks without a progress update, for the goals past the six-week alert
    (``plan_rules.goal_is_stale``); the same rule ``seqf tick`` mails the leaders by."""
    found = {}
    for goal in goals:
        since = (goal.last_update_at or goal.created_at).astimezone(clock.OSLO).date()
        created = goal.created_at.astimezone(clock.OSLO).date()
        if plan_rules.goal_is_stale(since if goal.last_update_at else None, created, today):
            found[goal.id] = (today - since).days // 7
    return found
