"""The action plan "for the board" as PDF (``templates/pdf/plan.html``), and the plan data both
exports share (``plan_export``: a constant number of statements whatever the size of the plan).

The PDF shows the goals that are in play (active and paused) with description, owner and deputy,
due date, health, last update and their tasks; the XLSX (``plan_xlsx``) holds every goal, task and
update. Both are rendered on request (the plan changes all the time) in the organisation's language;
the PDF's typesetting is skipped when the same HTML was typeset before (``seqf.reports.typeset_cache``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import Goal, GoalState, GoalUpdate, Organisation, Task, TaskState
from seqf.reports.pdf import render_pdf
from seqf.services import certification

IN_PLAY = (GoalState.active, GoalState.paused)
RECENTLY_DONE = dt.timedelta(days=90)  # the board's PDF lists open tasks and those done in the last 90 days
STATE_ORDER = {GoalState.active: 0, GoalState.paused: 1, GoalState.achieved: 2, GoalState.dropped: 3}


@dataclass
class PlanExport:
    organisation: Organisation
    goals: list[Goal]
    tasks: dict[int, list[Task]] = field(default_factory=dict)
    updates: dict[int, list[GoalUpdate]] = field(default_factory=dict)  # newest first

    def last_update(self, goal: Goal) -> GoalUpdate | None:
        rows = self.updates.get(goal.id)
        return rows[0] if rows else None

    @property
    def in_play(self) -> list[Goal]:
        return [g for g in self.goals if g.state in IN_PLAY]


def plan_export(organisation: Organisation, *, with_updates: bool = True, all_goals: bool = True,
                done_since: dt.datetime | None = None) -> PlanExport:
    """Goals (with owner and deputy), tasks (with assignee) and updates: three statements.

    ``done_since``: leave out tasks done before then, and keep only the newest update per goal."""
    query = (sa.select(Goal).where(Goal.organisation_id == organisation.id)
             .options(so.joinedload(Goal.owner), so.joinedload(Goal.deputy)))
    if not all_goals:
        query = query.where(Goal.state.in_(IN_PLAY))
    goals = sorted(db.session.scalars(query).unique(),
                   key=lambda g: (STATE_ORDER.get(g.state, 9), g.due_on is None, g.due_on, g.id))
    export = PlanExport(organisation, goals)
    ids = [g.id for g in goals]
    if not ids:
        return export
    tasks = sa.select(Task).where(Task.goal_id.in_(ids))
    if done_since is not None:
        tasks = tasks.where(sa.or_(Task.state == TaskState.open, Task.done_at.is_(None), Task.done_at >= done_since))
    for task in db.session.scalars(
            tasks.options(so.joinedload(Task.assignee))
            .order_by(Task.state, Task.due_on.is_(None), Task.due_on, Task.id)):
        export.tasks.setdefault(task.goal_id, []).append(task)
    if with_updates:
        updates = sa.select(GoalUpdate).where(GoalUpdate.goal_id.in_(ids))
        if done_since is not None:  # the PDF shows the last update only
            newest = (sa.select(sa.func.max(GoalUpdate.id)).where(GoalUpdate.goal_id.in_(ids))
                      .group_by(GoalUpdate.goal_id))
            updates = updates.where(GoalUpdate.id.in_(newest))
        for update in db.session.scalars(
                updates.options(so.joinedload(GoalUpdate.author))
                .order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc())):
            export.updates.setdefault(update.goal_id, []).append(update)
    return export


def plan_filename(organisation: Organisation, ext: str) -> str:
    return f"action-plan-{organisation.id}-{clock.today().isoformat()}.{ext}"


def plan_pdf(organisation: Organisation, language: str | None = None) -> bytes:
    language = language or certification.document_language(organisation.id)
    export = plan_export(organisation, all_goals=False, done_since=clock.now() - RECENTLY_DONE)
    return render_pdf("pdf/plan.html", language, export=export, organisation=organisation, today=clock.today(),
                      recent_days=RECENTLY_DONE.days)
