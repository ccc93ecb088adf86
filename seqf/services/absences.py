"""Who is away, and who acts for a goal's owner meanwhile (the deputy).

The plan keeps moving when one person is away: while a goal's owner is away (an ``Absence`` covers
the day) the deputy is shown as acting and gets the reminders. Recording and removing absences
(and their pages) build on these queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, Goal, User


def away_ids(user_ids: Iterable[int], day: dt.date | None = None) -> set[int]:
    """Which of ``user_ids`` are away on ``day`` (today by default): one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return set()
    day = day or clock.today()
    return set(db.session.scalars(sa.select(Absence.user_id).where(
        Absence.user_id.in_(ids), Absence.starts_on <= day, Absence.ends_on >= day)))


def is_away(user_id: int, day: dt.date | None = None) -> bool:
    return user_id in away_ids([user_id], day)


def acting_owner_id(goal: Goal, away: set[int]) -> int:
    """The deputy while the owner is away (and the deputy is not); otherwise the owner."""
    if goal.owner_id in away and goal.deputy_id is not None and goal.deputy_id not in away:
        return goal.deputy_id
    return goal.owner_id


def acting_owner(goal: Goal, day: dt.date | None = None) -> User:
    """For one goal's page; lists use ``away_ids`` once and ``acting_owner_id`` per goal."""
    away = away_ids([goal.owner_id, goal.deputy_id], day)
    return goal.deputy if acting_owner_id(goal, away) != goal.owner_id else goal.owner
