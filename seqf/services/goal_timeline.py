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
    """Someone a plan page only names (an update's author, a goal's owner, a task's assignee)."""

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


def _updates(goal: Goal, since: dt.datetime | None, limit: int) -> list[Entry]:
    """The newest ``limit`` progress updates (after ``since``), as entries."""
    query = (sa.select(GoalUpdate.id, GoalUpdate.health, GoalUpdate.note, GoalUpdate.created_at,
                       User.id.label("author_id"), User.name.label("author_name"))
             .outerjoin(User, User.id == GoalUpdate.author_id).where(GoalUpdate.goal_id == goal.id))
    if since is not None:
        query = query.where(GoalUpdate.created_at > since)
    query = query.order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc()).limit(limit)
    return [Entry(u.created_at, "update", Person(u.author_id, u.author_name) if u.author_id is not None else None,
                  update=UpdateRow(u.id, u.health, u.note)) for u in db.session.execute(query)]


def _of_goal_and_tasks(goal: Goal):
    """The audit events the timeline shows: the goal's and its tasks' (a condition for a WHERE)."""
    task_ids = sa.select(Task.id).where(Task.goal_id == goal.id).scalar_subquery()
    return sa.and_(
        AuditEvent.organisation_id == goal.organisation_id, AuditEvent.action.in_(SHOWN),
        sa.or_(sa.and_(AuditEvent.object_type == "goal", AuditEvent.object_id == goal.id),
               sa.and_(AuditEvent.object_type == "task", AuditEvent.object_id.in_(task_ids))))


def timeline(goal: Goal, since: dt.datetime | None = None, limit: int = 500,
             linked_rows: list[tuple] | None = None) -> list[Entry]:
    """Entries after ``since`` (all when None), newest first, at most ``limit``. Three queries, or two
    when the caller already holds the goal's evidence links as ``(evidence, linked_at, who)`` rows.
    The entries carry the audit events themselves (the follow-up review words them with ``audit_text``).

    Each source is cut at ``limit`` newest rows in SQL: the newest ``limit`` of the merged list
    are among them, so the work does not grow with the goal's history."""
    events = sa.select(AuditEvent).where(_of_goal_and_tasks(goal)).options(sa.orm.joinedload(AuditEvent.actor))
    linked = (sa.select(Evidence, goal_evidence.c.linked_at, User)
              .join(goal_evidence, goal_evidence.c.evidence_id == Evidence.id)
              .outerjoin(User, User.id == goal_evidence.c.linked_by_id)
              .where(goal_evidence.c.goal_id == goal.id))
    if since is not None:
        events = events.where(AuditEvent.at > since)
        linked = linked.where(goal_evidence.c.linked_at > since)
    linked = linked.order_by(goal_evidence.c.linked_at.desc()).limit(limit)
    entries = _updates(goal, since, limit)
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


# The goal page's timeline in one statement, built once (a constant with bound parameters): building
# the selects with their subqueries cost more worker CPU than running them. Progress updates and audit
# events, each cut at the newest ``limit`` in SQL, are merged and cut again in the database; the
# columns are the ones the page shows.
_UPDATE_ROWS = (
    sa.select(GoalUpdate.created_at.label("at"), sa.literal_column("'update'", sa.String).label("kind"),
              GoalUpdate.health.label("health"), GoalUpdate.note.label("note"),
              sa.cast(sa.null(), AuditEvent.data.type).label("data"), GoalUpdate.id.label("row_id"),
              User.id.label("actor_id"), User.name.label("actor_name"))
    .outerjoin(User, User.id == GoalUpdate.author_id).where(GoalUpdate.goal_id == sa.bindparam("goal_id"))
    .order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc()).limit(sa.bindparam("limit"))).subquery("u")
_EVENT_ROWS = (
    sa.select(AuditEvent.at.label("at"), AuditEvent.action.label("kind"),
              sa.cast(sa.null(), GoalUpdate.health.type).label("health"),
              sa.cast(sa.null(), GoalUpdate.note.type).label("note"), AuditEvent.data.label("data"),
              AuditEvent.id.label("row_id"), User.id.label("actor_id"), User.name.label("actor_name"))
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .where(AuditEvent.organisation_id == sa.bindparam("org_id"), AuditEvent.action.in_(SHOWN),
           sa.or_(sa.and_(AuditEvent.object_type == "goal", AuditEvent.object_id == sa.bindparam("goal_id")),
                  sa.and_(AuditEvent.object_type == "task", AuditEvent.object_id.in_(
                      sa.select(Task.id).where(Task.goal_id == sa.bindparam("goal_id")).scalar_subquery()))))
    .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(sa.bindparam("limit"))).subquery("e")
_MERGED = sa.union_all(sa.select(_UPDATE_ROWS), sa.select(_EVENT_ROWS)).subquery("entries")
_NEWEST = (sa.select(_MERGED)  # on the same instant an update comes before an event, as in ``timeline``
           .order_by(_MERGED.c.at.desc(), sa.case((_MERGED.c.kind == "update", 0), else_=1), _MERGED.c.row_id.desc())
           .limit(sa.bindparam("limit")))


def newest(goal: Goal, limit: int, linked_rows: list[tuple]) -> list[Entry]:
    """The goal page's timeline: the newest ``limit`` entries in one statement, the page holding the
    evidence links as ``(evidence, linked_at, who)`` rows already. Updates and audit events are read
    as the columns the page shows — ORM events with their actors' whole user rows cost more CPU than
    the rest of the timeline."""
    entries = [
        Entry(at, kind, Person(actor_id, name) if actor_id is not None else None, data=data or {},
              update=UpdateRow(row_id, health, note) if kind == "update" else None)
        for at, kind, health, note, data, row_id, actor_id, name in db.session.execute(
            _NEWEST, {"goal_id": goal.id, "org_id": goal.organisation_id, "limit": limit})]
    entries += [Entry(at, "evidence", who, evidence=ev) for ev, at, who in linked_rows if at is not None]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
