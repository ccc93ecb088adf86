"""The organisation's front page at a glance (issue 8): certificate state and days left, the next
meeting, the goals with their health, overdue tasks and the trend of the area scores.

For members (the page's plan part is shown to members only). A fixed number of statements whatever
the size of the plan: goals (one, owners joined), overdue tasks (two: count + first rows), certificate
(one), meetings (series + their changes), trend (three, ``seqf.services.trend``). The people shown
(owners, deputies, assignees) are loaded for their names only: not with their platform roles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import Certificate, Goal, GoalState, Organisation, Task, TaskState, User
from seqf.services import absences, certification, meeting_calendar
from seqf.services import trend as trend_service

OVERDUE_SHOWN = 8
TREND_POINTS = 4


@dataclass
class Dashboard:
    certificate: Certificate | None
    certificate_state: str | None
    days_left: int | None
    next_meeting: meeting_calendar.SeriesOccurrence | None
    goals: list[Goal]
    overdue: list[Task]
    overdue_count: int
    trend: list[dict] = field(default_factory=list)
    away: set[int] = field(default_factory=set)  # owners away today: their deputy acts

    @property
    def goals_at_risk(self) -> int:
        return sum(1 for g in self.goals if g.health.value != "on_track")


def active_goals(organisation_id: int) -> list[Goal]:
    return list(db.session.scalars(
        sa.select(Goal).where(Goal.organisation_id == organisation_id, Goal.state == GoalState.active)
        .options(so.joinedload(Goal.owner).lazyload(User.role_grants),
                 so.joinedload(Goal.deputy).lazyload(User.role_grants), so.lazyload(Goal.recommendations))
        .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id)).unique())


def overdue_tasks(organisation_id: int, today: dt.date) -> tuple[list[Task], int]:
    where = (Task.organisation_id == organisation_id, Task.state == TaskState.open, Task.due_on < today)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(*where)) or 0
    rows = list(db.session.scalars(
        sa.select(Task).where(*where)
        .options(so.joinedload(Task.assignee).lazyload(User.role_grants),
                 so.joinedload(Task.goal).lazyload(Goal.recommendations))
        .order_by(Task.due_on, Task.id).limit(OVERDUE_SHOWN)))
    return rows, count


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
    goals = active_goals(organisation.id)
    return Dashboard(
        certificate=cert, certificate_state=state, days_left=days_left,
        next_meeting=meeting_calendar.next_meeting(organisation.id, today),
        goals=goals, overdue=overdue, overdue_count=overdue_count,
        trend=trend_summary(user, organisation), away=absences.away_ids((g.owner_id for g in goals), today),
    )
