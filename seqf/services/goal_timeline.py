"""A goal's timeline: progress updates, task changes, state changes and linked evidence, newest first.

Read from the rows themselves (updates, evidence links) and from the audit events of the goal and
its tasks — every change is audited already, so the timeline needs no table of its own. The goal
page shows the newest entries with "show more" (a goal followed for years has hundreds of updates);
the follow-up review shows the part since the previous review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, Evidence, Goal, GoalHealth, GoalUpdate, Task, User, goal_evidence

# audit actions shown on the timeline (the others — e.g. the workflow's own transition events —
# repeat what these say)
SHOWN = ("goal.created", "goal.edited", "goal.state_changed", "task.created", "task.edited", "task.done",
         "task.reopened")


class Person(NamedTuple):
    """Who wrote a progress update: the timeline names them, nothing more."""

    id: int
    name: str


class UpdateRow(NamedTuple):
    """A progress update as the timeline shows it (health and note), read as columns: a goal followed
    for years shows its newest 30 of hundreds, and ORM objects with their authors cost more than the
    rest of the timeline."""

    id: int
    health: GoalHealth
    note: str | None


@dataclass
class Entry:
    at: dt.datetime
    kind: str  # "update", "evidence", or an audit action from SHOWN
    actor: User | Person | None = None
    update: UpdateRow | None = None
    evidence: Evidence | None = None
    event: AuditEvent | None = None
    data: dict[str, Any] = field(default_factory=dict)


def timeline(goal: Goal, since: dt.datetime | None = None, limit: int = 500,
             linked_rows: list[tuple] | None = None) -> list[Entry]:
    """Entries after ``since`` (all when None), newest first, at most ``limit``. Three queries, or two
    when the caller already holds the goal's evidence links as ``(evidence, linked_at, who)`` rows
    (``goal_evidence.linked_with_who``: the goal page lists them anyway).

    Each source is cut at ``limit`` newest rows in SQL: the newest ``limit`` of the merged list
    are among them, so the work does not grow with the goal's history."""
    updates = (sa.select(GoalUpdate.id, GoalUpdate.health, GoalUpdate.note, GoalUpdate.created_at,
                         User.id.label("author_id"), User.name.label("author_name"))
               .outerjoin(User, User.id == GoalUpdate.author_id).where(GoalUpdate.goal_id == goal.id))
    task_ids = sa.select(Task.id).where(Task.goal_id == goal.id).scalar_subquery()
    events = sa.select(AuditEvent).where(
        AuditEvent.organisation_id == goal.organisation_id, AuditEvent.action.in_(SHOWN),
        sa.or_(sa.and_(AuditEvent.object_type == "goal", AuditEvent.object_id == goal.id),
               sa.and_(AuditEvent.object_type == "task", AuditEvent.object_id.in_(task_ids)))
    ).options(sa.orm.joinedload(AuditEvent.actor))
    linked = (sa.select(Evidence, goal_evidence.c.linked_at, User)
              .join(goal_evidence, goal_evidence.c.evidence_id == Evidence.id)
              .outerjoin(User, User.id == goal_evidence.c.linked_by_id)
              .where(goal_evidence.c.goal_id == goal.id))
    if since is not None:
        updates = updates.where(GoalUpdate.created_at > since)
        events = events.where(AuditEvent.at > since)
        linked = linked.where(goal_evidence.c.linked_at > since)
    updates = updates.order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc()).limit(limit)
    linked = linked.order_by(goal_evidence.c.linked_at.desc()).limit(limit)
    entries = [Entry(u.created_at, "update", Person(u.author_id, u.author_name) if u.author_id is not None else None,
                     update=UpdateRow(u.id, u.health, u.note)) for u in db.session.execute(updates)]
    entries += [Entry(e.at, e.action, e.actor, event=e, data=e.data or {})
                for e in db.session.scalars(events.order_by(AuditEvent.at.desc()).limit(limit))]
    if linked_rows is None:
        found = db.session.execute(linked)
    else:
        found = sorted((r for r in linked_rows if since is None or r[1] > since), key=lambda r: r[1],
                       reverse=True)[:limit]
    entries += [Entry(at, "evidence", who, evidence=ev) for ev, at, who in found]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
