"""The generated agenda of a meeting (stored in ``Meeting.agenda``, regenerated on request while open).

Shape (API.md): ``{"goals", "overdue_tasks", "due_before_next", "changed_since_last", "coming_up",
"away", "stale_goals", "generated_for", "next_meeting_on", "since"}``. Every list is built from a
fixed number of queries whatever the number of goals, tasks and updates (eager loads, one query per
kind of row, no per-goal queries), so the agenda of a plan with 6 goals and 200 tasks costs as many
statements as one with 1 goal and 2 tasks.

"Since the last meeting" is the previous opened meeting of the same series (from the moment it was
opened), or — for the first meeting — the previous planned date of the series.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock, meeting_dates, plan_rules
from seqf.extensions import db
from seqf.models import (
    AuditEvent,
    Certificate,
    Goal,
    GoalState,
    GoalUpdate,
    Meeting,
    Review,
    ReviewState,
    Task,
    TaskState,
    User,
)
from seqf.services import absences
from seqf.services.goal_timeline import SHOWN

COMING_UP_DAYS = 90
CHANGES_MAX = 100


def _person(user: User | None) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _task(task: Task, away: set[int], today: dt.date) -> dict[str, Any]:
    return {"id": task.id, "title": task.title, "goal_id": task.goal_id, "goal_title": task.goal.title,
            "assignee": _person(task.assignee), "assignee_away": task.assignee_id in away,
            "due_on": _iso(task.due_on), "overdue": plan_rules.task_is_overdue(task.due_on, False, today),
            "version": task.version}


def _since(meeting: Meeting, previous: Meeting | None) -> dt.datetime:
    if previous is not None:
        return previous.created_at
    series = meeting.series
    earlier = meeting_dates.occurrences(series.first_on, series.interval_days,
                                        start=meeting.planned_on - dt.timedelta(days=series.interval_days),
                                        end=meeting.planned_on - dt.timedelta(days=1))
    day = earlier[-1].held_on if earlier else meeting.held_on - dt.timedelta(days=series.interval_days)
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def build(meeting: Meeting, today: dt.date | None = None) -> dict[str, Any]:
    """The agenda of ``meeting`` as of ``today`` (its day by default when it lies ahead)."""
    from seqf.services.meeting_calendar import next_after
    from seqf.services.meetings import previous_meeting

    series = meeting.series
    org_id = meeting.organisation_id
    today = today or clock.today()
    day = max(today, meeting.held_on)
    following = next_after(series, meeting.held_on)
    next_on = following.held_on if following else None
    previous = previous_meeting(meeting)
    since = _since(meeting, previous)

    goals = list(db.session.scalars(
        sa.select(Goal).where(Goal.organisation_id == org_id, Goal.state == GoalState.active)
        .options(so.joinedload(Goal.owner), so.joinedload(Goal.deputy), so.lazyload(Goal.recommendations))
        .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id)))
    goal_ids = [g.id for g in goals]
    # the latest update of each goal: one query
    latest = {}
    if goal_ids:
        newest = (sa.select(GoalUpdate.goal_id, sa.func.max(GoalUpdate.created_at).label("at"))
                  .where(GoalUpdate.goal_id.in_(goal_ids)).group_by(GoalUpdate.goal_id).subquery())
        for update in db.session.scalars(sa.select(GoalUpdate).join(
                newest, sa.and_(newest.c.goal_id == GoalUpdate.goal_id, newest.c.at == GoalUpdate.created_at))
                .options(so.lazyload(GoalUpdate.goal), so.lazyload(GoalUpdate.author))):
            if update.goal_id not in latest or update.id > latest[update.goal_id].id:
                latest[update.goal_id] = update
    tasks = list(db.session.scalars(
        sa.select(Task).join(Goal, Goal.id == Task.goal_id)
        .where(Task.organisation_id == org_id, Task.state == TaskState.open, Goal.state == GoalState.active)
        .options(so.joinedload(Task.assignee), so.contains_eager(Task.goal))
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id))) if goal_ids else []
    people = {g.owner_id for g in goals} | {g.deputy_id for g in goals if g.deputy_id} | {t.assignee_id for t in tasks}
    away = absences.away_ids(people, day)

    goal_rows = []
    stale = []
    away_rows = []
    for goal in goals:
        acting_id = absences.acting_owner_id(goal, away)
        acting = goal.deputy if acting_id != goal.owner_id else goal.owner
        update = latest.get(goal.id)
        goal_rows.append({
            "id": goal.id, "title": goal.title, "health": goal.health.value, "owner": _person(goal.owner),
            "acting_owner": _person(acting), "due_on": _iso(goal.due_on),
            "last_update": ({"at": _iso(update.created_at), "health": update.health.value, "note": update.note}
                            if update else None),
            "open_tasks": [t.id for t in tasks if t.goal_id == goal.id],
        })
        last_on = goal.last_update_at.date() if goal.last_update_at else None
        if plan_rules.goal_is_stale(last_on, goal.created_at.date(), day):
            stale.append({"id": goal.id, "title": goal.title, "last_update_on": _iso(last_on),
                          "owner": _person(goal.owner)})
        if goal.owner_id in away:
            away_rows.append({"kind": "goal", "id": goal.id, "title": goal.title, "person": _person(goal.owner),
                              "acting_owner": _person(acting)})
    overdue = [_task(t, away, day) for t in tasks if plan_rules.task_is_overdue(t.due_on, False, day)]
    due_next = [_task(t, away, day) for t in tasks
                if t.due_on is not None and t.due_on >= day and (next_on is None or t.due_on < next_on)]
    away_rows += [{"kind": "task", "id": t.id, "title": t.title, "goal_id": t.goal_id,
                   "person": _person(t.assignee), "due_on": _iso(t.due_on)} for t in tasks if t.assignee_id in away]

    changes: list[dict[str, Any]] = []
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.organisation_id == org_id, AuditEvent.action.in_(SHOWN),
                                    AuditEvent.at > since)
        .options(so.joinedload(AuditEvent.actor)).order_by(AuditEvent.at.desc()).limit(CHANGES_MAX))
    for event in events:
        data = event.data or {}
        changes.append({"at": _iso(event.at), "kind": event.action, "goal_id": data.get("goal_id"),
                        "task_id": data.get("task_id"), "title": data.get("title", ""),
                        "by": _person(event.actor)})
    updates = db.session.execute(
        sa.select(GoalUpdate, Goal.title).join(Goal, Goal.id == GoalUpdate.goal_id)
        .where(Goal.organisation_id == org_id, GoalUpdate.created_at > since)
        .options(so.joinedload(GoalUpdate.author), so.lazyload(GoalUpdate.goal))
        .order_by(GoalUpdate.created_at.desc()).limit(CHANGES_MAX))
    for update, title in updates:
        changes.append({"at": _iso(update.created_at), "kind": "goal.update_recorded", "goal_id": update.goal_id,
                        "task_id": None, "title": title, "health": update.health.value, "note": update.note,
                        "by": _person(update.author)})
    changes.sort(key=lambda c: c["at"], reverse=True)

    horizon = day + dt.timedelta(days=COMING_UP_DAYS)
    coming: list[dict[str, Any]] = []
    for review in db.session.scalars(sa.select(Review).where(
            Review.organisation_id == org_id,
            sa.or_(Review.visit_starts_on.between(day, horizon),
                   sa.and_(Review.state == ReviewState.due, Review.due_on.between(day, horizon))))
            .options(so.lazyload("*"))):
        on = review.visit_starts_on or review.due_on
        coming.append({"kind": "follow_up" if review.kind.value == "follow_up" else "review", "on": _iso(on),
                       "review_id": review.id, "review_kind": review.kind.value, "state": review.state.value})
    for cert in db.session.scalars(sa.select(Certificate).where(
            Certificate.organisation_id == org_id, Certificate.withdrawn_at.is_(None),
            Certificate.valid_until.between(day, horizon)).options(so.lazyload("*"))):
        coming.append({"kind": "certificate_expiry", "on": _iso(cert.valid_until), "certificate_id": cert.id})
    coming.sort(key=lambda c: c["on"])

    return {
        "generated_for": _iso(day), "next_meeting_on": _iso(next_on), "since": _iso(since),
        "previous_meeting_id": previous.id if previous else None,
        "goals": goal_rows, "overdue_tasks": overdue, "due_before_next": due_next,
        "changed_since_last": changes[:CHANGES_MAX], "coming_up": coming, "away": away_rows,
        "stale_goals": stale,
    }


def generate(meeting: Meeting) -> dict[str, Any]:
    meeting.agenda = build(meeting)
    meeting.agenda_generated_at = clock.now()
    return meeting.agenda
