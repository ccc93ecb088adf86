"""The first open tasks of each goal, and how many more there are (issue 9: the meeting page listed
every open task of every goal — 130 of 200 tasks in a long-lived plan — so its cost grew with the plan).

One statement whatever the plan's size: the first ``limit`` open tasks per goal (soonest due first,
undated last) with their assignees, ranked by ``row_number()`` in the database, each row carrying its
goal's open-task count (``count() OVER``). The goal page lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.extensions import db
from seqf.models import Task, TaskState, User

SHOWN = 8


def first_open(goal_ids: Iterable[int], limit: int = SHOWN) -> tuple[dict[int, list[Task]], dict[int, int]]:
    """``({goal id: its first open tasks}, {goal id: number of open tasks not shown})``."""
    ids = list(goal_ids)
    if not ids:
        return {}, {}
    open_here = sa.and_(Task.goal_id.in_(ids), Task.state == TaskState.open)
    ranked = (sa.select(Task.id, sa.func.row_number().over(
        partition_by=Task.goal_id, order_by=(Task.due_on.is_(None), Task.due_on, Task.id)).label("n"),
        sa.func.count().over(partition_by=Task.goal_id).label("total"))
        .where(open_here).subquery())
    shown: dict[int, list[Task]] = {i: [] for i in ids}
    counts: dict[int, int] = {}
    for task, total in db.session.execute(
            sa.select(Task, ranked.c.total).join(ranked, ranked.c.id == Task.id).where(ranked.c.n <= limit)
            .options(so.joinedload(Task.assignee).lazyload(User.role_grants))
            .order_by(Task.goal_id, Task.due_on.is_(None), Task.due_on, Task.id)):
        shown[task.goal_id].append(task)
        counts[task.goal_id] = total  # a goal with open tasks has at least one shown
    return shown, {i: counts.get(i, 0) - len(shown[i]) for i in ids}
