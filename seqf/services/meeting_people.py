"""Who the meeting pages offer to pick (issue 9: a 1,000-member organisation is not a pick list).

The meeting page used to offer every member of the organisation in the attendee checkboxes and
in one assignee list per goal (1,000 members × 7 lists ≈ 7,000 options). It now offers the people
who matter for this meeting — the series' participants, the recorded attendees, the goals'
owners and deputies and the person at the screen — and lets anyone else be named by e-mail or
full name in a text field (works without JavaScript). The rules stay the services': attendees and
assignees must be active members (``meetings.set_attendees``, ``tasks.create_task`` check that).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from seqf.extensions import db
from seqf.models import Goal, GoalState, Meeting, Membership, User
from seqf.models.plans import meeting_attendees, series_participants
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


class MeetingPerson(NamedTuple):
    """Someone who matters for the meeting: a series participant, a recorded attendee, an active goal's
    owner or deputy, or the person at the screen. ``pickable``: an active member of the organisation,
    so offered in the pickers (the services accept only those)."""

    user: User
    pickable: bool
    participant: bool
    attendee: bool


class MeetingPeople(NamedTuple):
    participants: list[User]  # the series' participants, by name
    attendees: list[User]  # the recorded attendees, by name
    assignees: list[User]  # the task form's choices
    attendee_choices: list[User]  # the attendance checkboxes: participants, attendees and the actor


@functools.cache
def _people_query() -> sa.Select:
    """Everyone who matters for one meeting, with what they are to it, by name: one statement built
    once, whatever the size of the organisation."""
    participants = sa.select(series_participants.c.user_id).where(
        series_participants.c.series_id == sa.bindparam("series_id"))
    attendees = sa.select(meeting_attendees.c.user_id).where(
        meeting_attendees.c.meeting_id == sa.bindparam("meeting_id"))
    active_goal = sa.and_(Goal.organisation_id == sa.bindparam("organisation_id"), Goal.state == GoalState.active)
    candidates = sa.union(participants, attendees, sa.select(Goal.owner_id).where(active_goal),
                          sa.select(Goal.deputy_id).where(active_goal, Goal.deputy_id.is_not(None)),
                          sa.select(sa.bindparam("actor_id", type_=sa.Integer)))
    member = sa.exists().where(Membership.user_id == User.id,
                               Membership.organisation_id == sa.bindparam("organisation_id"))
    return (sa.select(User, sa.and_(User.active.is_(True), member).label("pickable"),
                      User.id.in_(participants).label("participant"), User.id.in_(attendees).label("attendee"))
            .where(User.id.in_(candidates)).order_by(User.name, User.id))


def people_of(meeting: Meeting, actor: User) -> MeetingPeople:
    """The meeting's people (see ``MeetingPerson``): the pickers offer them, and anyone else is named
    by e-mail or full name. Also the series' participants and the attendees, which the meeting's
    relationships are given (``set_committed_value``, as a loader would) so that the workflow's role
    check and the page read them without a statement of their own."""
    rows = [MeetingPerson(*r) for r in db.session.execute(_people_query(), {
        "series_id": meeting.series_id, "meeting_id": meeting.id, "organisation_id": meeting.organisation_id,
        "actor_id": actor.id})]
    participants = [p.user for p in rows if p.participant]
    attendees = [p.user for p in rows if p.attendee]
    set_committed_value(meeting.series, "participants", participants)
    set_committed_value(meeting, "attendees", attendees)
    assignees = [p.user for p in rows if p.pickable]
    attendee_choices = [p.user for p in rows if p.pickable and (p.participant or p.attendee or p.user.id == actor.id)]
    return MeetingPeople(participants, attendees, assignees, attendee_choices)


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
