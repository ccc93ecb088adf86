"""The organisation's front page at a glance (issue 8): certificate state and days left, the next
meeting, the goals with their health, overdue tasks and the trend of the area scores.

For members (the page's plan part is shown to members only). A fixed number of statements whatever
the size of the plan: goals (one, owners' and deputies' names and the owner's absence joined),
overdue tasks (one: first rows and the total), certificate (one), meetings (``meeting_calendar``),
trend (``seqf.services.trend``). Goals and tasks are read as rows of the shown columns, not as ORM
objects with their people: the page only prints them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, Certificate, Goal, GoalState, Organisation, Task, TaskState, User
from seqf.services import certification, meeting_calendar
from seqf.services import trend as trend_service

OVERDUE_SHOWN = 8
TREND_POINTS = 4


@dataclass
class Dashboard:
    certificate: Certificate | None
    certificate_state: str | None
    days_left: int | None
    next_meeting: meeting_calendar.SeriesOccurrence | None
    goals: list[sa.Row]  # see active_goals
    overdue: list[sa.Row]  # see overdue_tasks
    overdue_count: int
    trend: list[dict] = field(default_factory=list)
    away: set[int] = field(default_factory=set)  # owners away today: their deputy acts

    @property
    def goals_at_risk(self) -> int:
        return sum(1 for g in self.goals if g.health.value != "on_track")


def active_goals(organisation_id: int, today: dt.date) -> list[sa.Row]:
    """The active goals as rows of the columns the page shows, the owner's and deputy's names joined
    and whether the owner is away today (then the deputy acts): one statement, no ORM objects."""
    owner, deputy = so.aliased(User), so.aliased(User)
    owner_away = sa.exists().where(Absence.user_id == Goal.owner_id, Absence.starts_on <= today,
                                   Absence.ends_on >= today)
    return list(db.session.execute(
        sa.select(Goal.id, Goal.title, Goal.health, Goal.owner_id, Goal.due_on, Goal.last_update_at,
                  owner.name.label("owner_name"), deputy.name.label("deputy_name"), owner_away.label("owner_away"))
        .outerjoin(owner, owner.id == Goal.owner_id).outerjoin(deputy, deputy.id == Goal.deputy_id)
        .where(Goal.organisation_id == organisation_id, Goal.state == GoalState.active)
        .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id)))


def overdue_tasks(organisation_id: int, today: dt.date) -> tuple[list[sa.Row], int]:
    """The first few overdue tasks (title, due date, assignee's name) and how many there are in all:
    one statement, the total counted by a window over the rows before the limit."""
    rows = list(db.session.execute(
        sa.select(Task.title, Task.due_on, User.name.label("assignee_name"), sa.func.count().over().label("total"))
        .outerjoin(User, User.id == Task.assignee_id)
        .where(Task.organisation_id == organisation_id, Task.state == TaskState.open, Task.due_on < today)
        .order_by(Task.due_on, Task.id).limit(OVERDUE_SHOWN)))
    return rows, (rows[0].total if rows else 0)


def trend_summary(user: User, organisation: Organisation) -> list[dict]:
    """Per area with any score: the last few points (date order), oldest first."""
    areas = trend_service.organisation_trend(user, organisation)
    return [{"area": a["area"], "title": a["title"], "points": a["points"][-TREND_POINTS:], "change": a["change"]}
            for a in areas if a["points"]]


def dashboard(user: User, organisation: Organisation, today: dt.date | None = None) -> Dashboard:
    today = today or clock.today()
    certificates = certification.certificates_of(organisation.id)  # newest first; one statement
    in_force = [c for c in certificates if certification.certificate_state(c, today) in ("active", "expiring")]
    cert = in_force[0] if in_force else (certificates[0] if certificates else None)
    state = certification.certificate_state(cert, today) if cert is not None else None
    days_left = (cert.valid_until - today).days if cert is not None and state in ("active", "expiring") else None
    overdue, overdue_count = overdue_tasks(organisation.id, today)
    goals = active_goals(organisation.id, today)
    return Dashboard(
        certificate=cert, certificate_state=state, days_left=days_left,
        next_meeting=meeting_calendar.next_meeting(organisation.id, today),
        goals=goals, overdue=overdue, overdue_count=overdue_count,
        trend=trend_summary(user, organisation), away={g.owner_id for g in goals if g.owner_away},
    )
