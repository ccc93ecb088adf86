"""The action plan "for the board" as PDF (``templates/pdf/plan.html``), and the plan data both
exports share (``plan_export``: a constant number of statements whatever the size of the plan).

The PDF shows the goals that are in play (active and paused) with description, owner and deputy,
due date, health, last update and their tasks; the XLSX (``plan_xlsx``) holds every goal, task and
update. Both are rendered on request (the plan changes all the time) in the organisation's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import Goal, GoalState, GoalUpdate, Organisation, Task
from seqf.reports.pdf import render_pdf
from seqf.services import certification

IN_PLAY = (GoalState.active, GoalState.paused)
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


def plan_export(organisation: Organisation, *, with_updates: bool = True, all_goals: bool = True) -> PlanExport:
    """Goals (with owner and deputy), tasks (with assignee) and updates: three statements."""
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
    for task in db.session.scalars(
            sa.select(Task).where(Task.goal_id.in_(ids)).options(so.joinedload(Task.assignee))
            .order_by(Task.state, Task.due_on.is_(None), Task.due_on, Task.id)):
        export.tasks.setdefault(task.goal_id, []).append(task)
    if with_updates:
        for update in db.session.scalars(
                sa.select(GoalUpdate).where(GoalUpdate.goal_id.in_(ids)).options(so.joinedload(GoalUpdate.author))
                .order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc())):
            export.updates.setdefault(update.goal_id, []).append(update)
    return export


def plan_filename(organisation: Organisation, ext: str) -> str:
    return f"action-plan-{organisation.id}-{clock.today().isoformat()}.{ext}"


def plan_pdf(organisation: Organisation, language: str | None = None) -> bytes:
    language = language or certification.document_language(organisation.id)
    export = plan_export(organisation, all_goals=False)
    return render_pdf("pdf/plan.html", language, export=export, organisation=organisation, today=clock.today())
