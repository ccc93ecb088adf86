"""The first open tasks of each goal, and how many more there are (issue 9: the meeting page listed
every open task of every goal — 130 of 200 tasks in a long-lived plan — so its cost grew with the plan).

One statement whatever the plan's size: the first ``limit`` open tasks per goal (soonest due first,
undated last) with their assignees, ranked by ``row_number()`` in the database, each row carrying its
goal's open-task count (``count() OVER``). The goal page lists them all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Task, TaskState, User

SHOWN = 8


class Assignee(NamedTuple):
    id: int
    name: str


class OpenTask(NamedTuple):
    """An open task as the meeting page lists it, read as columns (no ORM objects for a list)."""

    id: int
    goal_id: int
    title: str
    due_on: dt.date | None
    assignee: Assignee


@functools.cache
def _first_open_query() -> sa.Select:
    """Built once per process with bound parameters (the goal ids expand at execution): building this
    statement with its window functions and cache key cost more than running it."""
    open_here = sa.and_(Task.goal_id.in_(sa.bindparam("goal_ids", expanding=True)), Task.state == TaskState.open)
    ranked = (sa.select(Task.id, sa.func.row_number().over(
        partition_by=Task.goal_id, order_by=(Task.due_on.is_(None), Task.due_on, Task.id)).label("n"),
        sa.func.count().over(partition_by=Task.goal_id).label("total"))
        .where(open_here).subquery())
    return (sa.select(Task.id, Task.goal_id, Task.title, Task.due_on, User.id.label("user_id"),
                      User.name.label("user_name"), ranked.c.total)
            .join(ranked, ranked.c.id == Task.id).join(User, User.id == Task.assignee_id)
            .where(ranked.c.n <= sa.bindparam("limit"))
            .order_by(Task.goal_id, Task.due_on.is_(None), Task.due_on, Task.id))


def first_open(goal_ids: Iterable[int], limit: int = SHOWN) -> tuple[dict[int, list[OpenTask]], dict[int, int]]:
    """``({goal id: its first open tasks}, {goal id: number of open tasks not shown})``."""
    ids = list(goal_ids)
    if not ids:
        return {}, {}
    shown: dict[int, list[OpenTask]] = {i: [] for i in ids}
    counts: dict[int, int] = {}
    for row in db.session.execute(_first_open_query(), {"goal_ids": ids, "limit": limit}):
        shown[row.goal_id].append(OpenTask(row.id, row.goal_id, row.title, row.due_on,
                                           Assignee(row.user_id, row.user_name)))
        counts[row.goal_id] = row.total  # a goal with open tasks has at least one shown
    return shown, {i: counts.get(i, 0) - len(shown[i]) for i in ids}
