"""The organisation's active goals with the first open tasks of each, and how many more there are
(issue 9: the meeting page listed every open task of every goal — 130 of 200 tasks in a long-lived
plan — so its cost grew with the plan).

One statement whatever the plan's size, built once per process with bound parameters (building it
with its window functions and cache key cost more than running it): the active goals with their
owners, each joined to its first ``limit`` open tasks (soonest due first, undated last) with their
assignees, ranked by ``row_number()`` in the database, each task row carrying its goal's open-task
count (``count() OVER``). Read as columns: no ORM objects for a list. The goal page lists them all.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.extensions import db
from seqf.models import Goal, GoalHealth, GoalState, Task, TaskState, User
from seqf.services.goal_timeline import Person

SHOWN = 8


class ActiveGoal(NamedTuple):
    """An active goal as the meeting page shows it (a card, a menu entry, a choice in the task form)."""

    id: int
    title: str
    health: GoalHealth
    due_on: dt.date | None
    owner_id: int
    deputy_id: int | None
    owner: Person


class OpenTask(NamedTuple):
    """An open task as the meeting page lists it."""

    id: int
    goal_id: int
    title: str
    due_on: dt.date | None
    assignee: Person


class GoalsWithOpenTasks(NamedTuple):
    goals: list[ActiveGoal]  # soonest due first, undated last
    open_tasks: dict[int, list[OpenTask]]  # goal id: its first open tasks
    more_tasks: dict[int, int]  # goal id: number of its open tasks not shown


@functools.cache
def _query() -> sa.Select:
    active = sa.and_(Goal.organisation_id == sa.bindparam("organisation_id"), Goal.state == GoalState.active)
    ranked = (sa.select(Task.id, Task.goal_id, Task.title, Task.due_on, Task.assignee_id,
                        sa.func.row_number().over(partition_by=Task.goal_id,
                                                  order_by=(Task.due_on.is_(None), Task.due_on, Task.id)).label("n"),
                        sa.func.count().over(partition_by=Task.goal_id).label("total"))
              .where(Task.state == TaskState.open, Task.goal_id.in_(sa.select(Goal.id).where(active)))
              .subquery("ranked"))
    owner, assignee = so.aliased(User, name="owner"), so.aliased(User, name="assignee")
    return (sa.select(Goal.id, Goal.title, Goal.health, Goal.due_on, Goal.owner_id, Goal.deputy_id,
                      owner.name.label("owner_name"), ranked.c.id.label("task_id"), ranked.c.title.label("task_title"),
                      ranked.c.due_on.label("task_due_on"), assignee.id.label("assignee_id"),
                      assignee.name.label("assignee_name"), ranked.c.total)
            .join(owner, owner.id == Goal.owner_id)
            .outerjoin(ranked, sa.and_(ranked.c.goal_id == Goal.id, ranked.c.n <= sa.bindparam("limit")))
            .outerjoin(assignee, assignee.id == ranked.c.assignee_id)
            .where(active)
            .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id, ranked.c.n))


def active_goals(organisation_id: int, limit: int = SHOWN) -> GoalsWithOpenTasks:
    """The organisation's active goals, each with its first ``limit`` open tasks and the count of the rest."""
    goals: list[ActiveGoal] = []
    shown: dict[int, list[OpenTask]] = {}
    more: dict[int, int] = {}
    for row in db.session.execute(_query(), {"organisation_id": organisation_id, "limit": limit}):
        if row.id not in shown:
            goals.append(ActiveGoal(row.id, row.title, row.health, row.due_on, row.owner_id, row.deputy_id,
                                    Person(row.owner_id, row.owner_name)))
            shown[row.id], more[row.id] = [], 0
        if row.task_id is not None:
            shown[row.id].append(OpenTask(row.task_id, row.id, row.task_title, row.task_due_on,
                                          Person(row.assignee_id, row.assignee_name)))
            more[row.id] = row.total - len(shown[row.id])
    return GoalsWithOpenTasks(goals, shown, more)
