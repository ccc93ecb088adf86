"""The organisation's front page at a glance (issue 8): certificate state and days left, the next
meeting, the goals with their health, overdue tasks and the trend of the area scores.

For members (the page's plan part is shown to members only). A fixed number of statements whatever
the size of the plan: goals (one, owners' and deputies' names and the owner's absence joined),
overdue tasks (one: first rows and the total), the meeting series with their moved and cancelled
dates (one: ``meeting_calendar.next_meeting``), trend (``seqf.services.trend``); the certificate
comes with the page's one-row figures (``seqf.services.overview``). Everything is read as rows of
the shown columns, not as ORM objects with their people: the page only prints them. The statements
have a fixed shape and are built once per process with bound parameters: building a statement and
its cache key costs more than running it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import (
    Absence,
    Goal,
    GoalState,
    Organisation,
    Task,
    TaskState,
    User,
)
from seqf.services import certification, meeting_calendar, plan_guards
from seqf.services import instruments as instrument_service
from seqf.services import trend as trend_service
from seqf.services.overview import CertificateGlance, OrganisationStatus, organisation_status

OVERDUE_SHOWN = 8
TREND_POINTS = 4


@dataclass
class Dashboard:
    certificate: CertificateGlance | None
    certificate_state: str | None
    days_left: int | None
    next_meeting: meeting_calendar.NextMeeting | None
    goals: list[sa.Row]  # see active_goals
    overdue: list[sa.Row]  # see overdue_tasks
    overdue_count: int
    trend: list[dict] = field(default_factory=list)
    away: set[int] = field(default_factory=set)  # owners away today: their deputy acts

    @property
    def goals_at_risk(self) -> int:
        return sum(1 for g in self.goals if g.health.value != "on_track")


ORGANISATION = sa.bindparam("organisation_id", type_=sa.Integer)
TODAY = sa.bindparam("today", type_=sa.Date)


@functools.cache
def _active_goals_query() -> sa.Select:
    owner, deputy = so.aliased(User), so.aliased(User)
    owner_away = sa.exists().where(Absence.user_id == Goal.owner_id, Absence.starts_on <= TODAY,
                                   Absence.ends_on >= TODAY)
    return (sa.select(Goal.id, Goal.title, Goal.health, Goal.owner_id, Goal.due_on, Goal.last_update_at,
                      owner.name.label("owner_name"), deputy.name.label("deputy_name"),
                      owner_away.label("owner_away"))
            .outerjoin(owner, owner.id == Goal.owner_id).outerjoin(deputy, deputy.id == Goal.deputy_id)
            .where(Goal.organisation_id == ORGANISATION, Goal.state == GoalState.active)
            .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id))


def active_goals(organisation_id: int, today: dt.date) -> list[sa.Row]:
    """The active goals as rows of the columns the page shows, the owner's and deputy's names joined
    and whether the owner is away today (then the deputy acts): one statement, no ORM objects."""
    return list(db.session.execute(_active_goals_query(), {"organisation_id": organisation_id, "today": today}))


@functools.cache
def _overdue_tasks_query() -> sa.Select:
    return (sa.select(Task.title, Task.due_on, User.name.label("assignee_name"), sa.func.count().over().label("total"))
            .outerjoin(User, User.id == Task.assignee_id)
            .where(Task.organisation_id == ORGANISATION, Task.state == TaskState.open, Task.due_on < TODAY)
            .order_by(Task.due_on, Task.id).limit(OVERDUE_SHOWN))


def overdue_tasks(organisation_id: int, today: dt.date) -> tuple[list[sa.Row], int]:
    """The first few overdue tasks (title, due date, assignee's name) and how many there are in all:
    one statement, the total counted by a window over the rows before the limit."""
    rows = list(db.session.execute(_overdue_tasks_query(), {"organisation_id": organisation_id, "today": today}))
    return rows, (rows[0].total if rows else 0)


def trend_summary(areas: list[dict]) -> list[dict]:
    """Per area with any score: the last few points (date order), oldest first."""
    return [{"area": a["area"], "title": a["title"], "points": a["points"][-TREND_POINTS:], "change": a["change"]}
            for a in areas if a["points"]]


def dashboard(organisation: Organisation, certificate: CertificateGlance | None, trend: list[dict],
              today: dt.date | None = None) -> Dashboard:
    """The plan part of the front page; ``certificate`` as ``organisation_status`` chose it and
    ``trend`` as ``trend_service.organisation_trend`` returned it."""
    today = today or clock.today()
    state = certification.certificate_state(certificate, today) if certificate is not None else None
    days_left = (certificate.valid_until - today).days if state in ("active", "expiring") else None
    overdue, overdue_count = overdue_tasks(organisation.id, today)
    goals = active_goals(organisation.id, today)
    return Dashboard(
        certificate=certificate, certificate_state=state, days_left=days_left,
        next_meeting=meeting_calendar.next_meeting(organisation.id, today),
        goals=goals, overdue=overdue, overdue_count=overdue_count,
        trend=trend_summary(trend), away={g.owner_id for g in goals if g.owner_away},
    )


def front_page(user: User, organisation: Organisation,
               today: dt.date | None = None) -> tuple[OrganisationStatus, Dashboard | None]:
    """The status figures and, for those who read the plan, the plan part of the front page.

    The trend is read first: its agreed scores give the latest result's total (no statement of its
    own), and the current instrument it reads stays in the session while the status asks for the
    latest round's areas, so that round's instrument, usually the same version, is not read again.
    """
    today = today or clock.today()
    if not plan_guards.can_read_plan(user, organisation.id):
        return organisation_status(organisation, today), None
    instrument = instrument_service.current_instrument(instrument_service.SEQF_SLUG)
    trend = trend_service.organisation_trend(user, organisation, instrument)
    status = organisation_status(organisation, today, trend)
    return status, dashboard(organisation, status.certificate, trend, today)
