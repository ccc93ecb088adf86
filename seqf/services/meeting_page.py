"""What the shared-screen meeting page reads (issue 9: the slowest page in the bench, 17 ms of worker
CPU, most of it spent building statements and ORM objects for a handful of rows).

The page reads, whatever the size of the organisation and its plan:

- the meeting with its series, its organisation, the caller's role in the organisation and the
  previous meeting of the series, in one statement (``meeting_or_404``);
- the organisation's active goals with their owners and first open tasks, as columns, in one
  statement (``seqf.services.goal_open_tasks``);
- the meeting's people in one statement (``seqf.services.meeting_people.people_of``).

The statements have a fixed shape and are built once per process with bound parameters: building a
statement and its cache key cost more than running it. The rule of who may read a meeting stays
``plan_guards.can_read_plan``'s.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import permissions
from seqf.extensions import db
from seqf.models import Meeting, MeetingSeries, MeetingState, Membership, User
from seqf.services import plan_guards
from seqf.services.errors import NotFound


class PreviousMeeting(NamedTuple):
    """The series' meeting before this one, as the page names it (a link, its day, whether approved)."""

    id: int
    held_on: dt.date
    state: MeetingState


class MeetingPage(NamedTuple):
    meeting: Meeting
    previous: PreviousMeeting | None


@functools.cache
def _meeting_query() -> sa.Select:
    """The meeting, its series and organisation (joined into the meeting's relationships), the caller's
    role and the series' latest meeting before this one. The people of the series and the meeting are
    not loaded here: ``meeting_people.people_of`` reads them with the page's other people."""
    earlier = so.aliased(Meeting, name="earlier")
    previous = so.aliased(Meeting, name="previous")
    latest_earlier = (sa.select(earlier.id)
                      .where(earlier.series_id == Meeting.series_id, earlier.planned_on < Meeting.planned_on)
                      .order_by(earlier.planned_on.desc()).limit(1).scalar_subquery())
    return (sa.select(Meeting, Membership.role, previous.id, previous.held_on, previous.state)
            .join(Meeting.series).join(MeetingSeries.organisation)
            .outerjoin(Membership, sa.and_(Membership.organisation_id == Meeting.organisation_id,
                                           Membership.user_id == sa.bindparam("user_id")))
            .outerjoin(previous, previous.id == latest_earlier)
            .where(Meeting.id == sa.bindparam("meeting_id"))
            .options(so.contains_eager(Meeting.series).contains_eager(MeetingSeries.organisation),
                     so.contains_eager(Meeting.series).lazyload(MeetingSeries.participants),
                     so.contains_eager(Meeting.series).lazyload(MeetingSeries.changes),
                     so.lazyload(Meeting.attendees)))


def meeting_or_404(meeting_id: int, user: User) -> MeetingPage:
    """The meeting and the previous one of its series if ``user`` may read the organisation's plan;
    otherwise ``NotFound`` (whether the meeting exists is not revealed)."""
    row = db.session.execute(_meeting_query(), {"meeting_id": meeting_id, "user_id": user.id}).one_or_none()
    if row is None:
        raise NotFound(_("No such meeting."))
    meeting, role, previous_id, previous_held_on, previous_state = row
    permissions.remember_member_role(user, meeting.organisation_id, role)  # read with the meeting
    if not plan_guards.can_read_plan(user, meeting.organisation_id):
        raise NotFound(_("No such meeting."))
    previous = PreviousMeeting(previous_id, previous_held_on, previous_state) if previous_id is not None else None
    return MeetingPage(meeting, previous)
