"""Who the meeting pages offer to pick (issue 9: a 1,000-member organisation is not a pick list).

The meeting page used to offer every member of the organisation in the attendee checkboxes and
in one assignee list per goal (1,000 members × 7 lists ≈ 7,000 options). It now offers the people
who matter for this meeting — the series' participants, the recorded attendees, the goals'
owners and deputies and the person at the screen — and lets anyone else be named by e-mail or
full name in a text field (works without JavaScript). The rules stay the services': attendees and
assignees must be active members (``meetings.set_attendees``, ``tasks.create_task`` check that).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf.extensions import db
from seqf.models import Goal, Meeting, Membership, User
from seqf.services.errors import RuleViolation


def _active_members(organisation_id: int, user_ids: Iterable[int]) -> list[User]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True), User.id.in_(ids))
        .options(so.lazyload(User.role_grants)).order_by(User.name, User.id)))


def members_among(organisation_id: int, user_ids: Iterable[int]) -> list[User]:
    """The active members among ``user_ids``, by name (one statement, bounded by the ids given)."""
    return _active_members(organisation_id, user_ids)


def attendee_choices(meeting: Meeting, actor: User) -> list[User]:
    """Series participants, recorded attendees and the actor (if members): at most a meeting's worth."""
    ids = {u.id for u in meeting.series.participants} | {u.id for u in meeting.attendees} | {actor.id}
    return _active_members(meeting.organisation_id, ids)


def attendees_among(meeting: Meeting, people: list[User], actor: User) -> list[User]:
    """``attendee_choices`` taken from ``people`` (the assignee choices, a superset): no statement."""
    ids = {u.id for u in meeting.series.participants} | {u.id for u in meeting.attendees} | {actor.id}
    return [u for u in people if u.id in ids]


def assignee_choices(meeting: Meeting, goals: Iterable[Goal], actor: User) -> list[User]:
    """Who a task is usually given to in a meeting: the series' participants and attendees, the goals'
    owners and deputies, and the actor. Anyone else is named in the "someone else" field."""
    ids = {u.id for u in meeting.series.participants} | {u.id for u in meeting.attendees} | {actor.id}
    for goal in goals:
        ids |= {goal.owner_id, goal.deputy_id}
    return _active_members(meeting.organisation_id, ids)


def find_member(organisation_id: int, text: str, field: str) -> User:
    """The active member named by e-mail (exact) or full name (exact, any case).

    Raises a ``RuleViolation`` on ``field`` when nobody or more than one member matches: the text
    field never reveals who is a member of another organisation (only this organisation's members
    are searched)."""
    wanted = (text or "").strip()
    if not wanted:
        raise RuleViolation(_("Give an e-mail address or a full name."), fields={field: _("Required.")},
                            code="required")
    match = sa.func.lower(User.email) == wanted.lower() if "@" in wanted else \
        sa.func.lower(User.name) == wanted.lower()
    found = list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True), match).limit(2)))
    if not found:
        raise RuleViolation(_("No member of the organisation has the e-mail address or name “%(t)s”.", t=wanted),
                            fields={field: _("Not a member.")}, code="not_a_member")
    if len(found) > 1:
        raise RuleViolation(_("Several members are called “%(t)s”. Use the e-mail address.", t=wanted),
                            fields={field: _("Ambiguous name.")}, code="ambiguous")
    return found[0]


def find_members(organisation_id: int, text: str, field: str) -> list[User]:
    """Members named in a comma- or line-separated list (see ``find_member``); empty text gives none."""
    parts = [p.strip() for p in (text or "").replace("\n", ",").replace(";", ",").split(",")]
    return [find_member(organisation_id, p, field) for p in parts if p]
