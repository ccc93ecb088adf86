"""Who is away, and who acts for a goal's owner meanwhile (the deputy).

The plan keeps moving when one person is away: while a goal's owner is away (an ``Absence`` covers
the day) the deputy is shown as acting and gets the reminders. Recording and removing absences
(and their pages) build on these queries.
"""

from __future__ import annotations

import datetime as dt
import functools
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
    return set(db.session.scalars(_away_query(), {"ids": list(ids), "day": day or clock.today()}))


@functools.cache
def _away_query() -> sa.Select:
    """Built once: the people (an expanding parameter) and the day are parameters."""
    day = sa.bindparam("day", type_=sa.Date)
    return sa.select(Absence.user_id).where(Absence.user_id.in_(sa.bindparam("ids", expanding=True)),
                                            Absence.starts_on <= day, Absence.ends_on >= day)


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


# --- recording and removing ----------------------------------------------------------------------
#
# Decision: overlapping (or touching) absences of one person are MERGED into one record — the
# stored absence is widened to cover both — so a person never has two rows for the same day and
# "away from … to" reads as one period. Dates only: there is no reason field, by design.

MAX_DAYS = 366 * 2  # a single absence longer than two years is almost certainly a typo


def merge_into(periods: list[tuple[dt.date, dt.date]], start: dt.date,
               end: dt.date) -> tuple[tuple[dt.date, dt.date], list[int]]:
    """The period ``start``–``end`` joined with every period of ``periods`` it overlaps or touches
    (the day after or before); returns the joined period and the indexes of the periods absorbed."""
    absorbed = [i for i, (a, b) in enumerate(periods)
                if a <= end + dt.timedelta(days=1) and b >= start - dt.timedelta(days=1)]
    return ((min([start, *(periods[i][0] for i in absorbed)]), max([end, *(periods[i][1] for i in absorbed)])),
            absorbed)


def can_record_for(actor: User, user: User) -> bool:
    """A member records their own; an org admin or leader for a member of their organisation."""
    if actor.id == user.id:
        return True
    from seqf.models import MemberRole, Membership

    led = sa.select(Membership.organisation_id).where(
        Membership.user_id == actor.id, Membership.role.in_((MemberRole.leader, MemberRole.org_admin)))
    return db.session.scalar(sa.select(Membership.id).where(
        Membership.user_id == user.id, Membership.organisation_id.in_(led)).limit(1)) is not None


def _organisation_ids(user: User) -> list[int]:
    from seqf.models import Membership

    return list(db.session.scalars(sa.select(Membership.organisation_id).where(Membership.user_id == user.id)))


def check_dates(starts_on, ends_on) -> tuple[dt.date, dt.date]:
    """Parse and check ``starts_on`` / ``ends_on``; every problem at once (422)."""
    from flask_babel import gettext as _

    from seqf.services.errors import RuleViolation
    from seqf.services.goals import Problems, parse_date

    problems = Problems()
    start = end = None
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            day = parse_date(value, name)
        except RuleViolation as exc:
            problems.add(name, exc.fields.get(name, exc.message), "invalid_date")
            continue
        if day is None:
            problems.add(name, _("Give a date."))
        elif name == "starts_on":
            start = day
        else:
            end = day
    if start and end and end < start:
        problems.add("ends_on", _("The last day cannot be before the first day."), "invalid_period")
    if start and end and (end - start).days > MAX_DAYS:
        problems.add("ends_on", _("An absence can last at most two years."), "invalid_period")
    problems.raise_if_any()
    return start, end


def record_absence(actor: User, user: User, starts_on, ends_on) -> Absence:
    """Record ``user`` away from ``starts_on`` to ``ends_on`` (both included); merges with an
    overlapping or adjacent absence. Returns the stored (possibly widened) absence."""
    from flask_babel import gettext as _

    from seqf.services import audit
    from seqf.services.errors import Forbidden

    if not can_record_for(actor, user):
        raise Forbidden(_("You can only record absences for yourself or for members of an organisation you lead."))
    start, end = check_dates(starts_on, ends_on)
    near = list(db.session.scalars(sa.select(Absence).where(
        Absence.user_id == user.id, Absence.starts_on <= end + dt.timedelta(days=1),
        Absence.ends_on >= start - dt.timedelta(days=1)).order_by(Absence.starts_on, Absence.id)))
    (start, end), absorbed = merge_into([(a.starts_on, a.ends_on) for a in near], start, end)
    if absorbed:
        kept = near[absorbed[0]]
        kept.starts_on, kept.ends_on = start, end
        for i in absorbed[1:]:
            db.session.delete(near[i])
        absence = kept
    else:
        absence = Absence(user_id=user.id, starts_on=start, ends_on=end, created_by_id=actor.id)
        db.session.add(absence)
    db.session.flush()
    data = {"user_id": user.id, "name": user.name, "starts_on": absence.starts_on.isoformat(),
            "ends_on": absence.ends_on.isoformat()}
    orgs = _organisation_ids(user) or [None]
    for org_id in orgs:
        audit.record(actor, "absence.recorded", absence, f"Absence recorded for {user.name}",
                     organisation_id=org_id, data=data)
    return absence


def delete_absence(actor: User, absence: Absence) -> None:
    from flask_babel import gettext as _

    from seqf.services import audit
    from seqf.services.errors import Forbidden

    if not can_record_for(actor, absence.user):
        raise Forbidden(_("You can only remove absences for yourself or for members of an organisation you lead."))
    data = {"user_id": absence.user_id, "name": absence.user.name, "starts_on": absence.starts_on.isoformat(),
            "ends_on": absence.ends_on.isoformat()}
    for org_id in _organisation_ids(absence.user) or [None]:
        audit.record(actor, "absence.deleted", absence, f"Absence removed for {absence.user.name}",
                     organisation_id=org_id, data=data)
    db.session.delete(absence)
    db.session.flush()


def absence_or_404(absence_id: int, actor: User) -> Absence:
    """An absence the caller may manage (their own, or of a member they lead); 404 otherwise."""
    from flask_babel import gettext as _

    from seqf.services.errors import NotFound

    absence = db.session.get(Absence, absence_id)
    if absence is None or not can_record_for(actor, absence.user):
        raise NotFound(_("No such absence."))
    return absence


def absences_of(user: User, include_past: bool = False) -> list[Absence]:
    """The person's absences, current and coming first (past ones only with ``include_past``)."""
    query = sa.select(Absence).where(Absence.user_id == user.id)
    if not include_past:
        query = query.where(Absence.ends_on >= clock.today())
    return list(db.session.scalars(query.order_by(Absence.starts_on, Absence.id)))


def organisation_absences(organisation_id: int, days: int = 60) -> list[Absence]:
    """Who of the organisation's members is away now or within ``days`` days, by start."""
    from seqf.models import Membership

    today = clock.today()
    return list(db.session.scalars(
        sa.select(Absence).join(Membership, Membership.user_id == Absence.user_id)
        .where(Membership.organisation_id == organisation_id, Absence.ends_on >= today,
               Absence.starts_on <= today + dt.timedelta(days=days))
        .order_by(Absence.starts_on, Absence.id)))
