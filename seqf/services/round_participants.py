"""Who takes part in a round, as every participant sees it before submitting.

The anonymity threshold protects only if the people behind the answers are real colleagues. An
organisation admin could invite accounts of their own and make them participants; the defence is
that everyone sees the list: each name, whether that person reads the results (leaders and
organisation admins: their answers do not count towards the threshold), who joined the
organisation shortly before or during the round (not when it was set up), who was added after the round opened, and who
is no longer a member.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Membership, Round, RoundParticipant, User
from seqf.services.round_readers import readers_since_open

NEW_MEMBER_DAYS = 30  # joined this close to the round's opening (or later): marked as new ...
FOUNDING = dt.timedelta(days=1)  # ... unless they joined when the organisation was set up
LATE_ADDITION = dt.timedelta(minutes=5)  # invited this long after the round opened: marked as added


@dataclass
class Participant:
    name: str
    reads_results: bool
    added_at: dt.datetime | None  # set when added after the round opened
    new_member_since: dt.datetime | None  # set when the membership is recent
    left: bool  # no longer an active member of the organisation


@dataclass
class Participants:
    rows: list[Participant]

    @property
    def changes(self) -> bool:
        return any(p.added_at or p.new_member_since or p.left for p in self.rows)


def round_participants(round_: Round) -> Participants:
    """Every participant of ``round_`` with what changed about them (a few queries)."""
    rows = db.session.execute(
        sa.select(User.id, User.name, User.active, RoundParticipant.invited_at, Membership.role, Membership.created_at)
        .select_from(RoundParticipant).join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Membership, sa.and_(Membership.user_id == User.id,
                                       Membership.organisation_id == round_.organisation_id))
        .where(RoundParticipant.round_id == round_.id).order_by(User.name, User.id)
    ).all()
    readers = readers_since_open(round_)  # a leader demoted for the close still reads the results
    opened = round_.created_at
    recent = max(opened - dt.timedelta(days=NEW_MEMBER_DAYS), round_.organisation.created_at + FOUNDING)
    return Participants([Participant(
        name=name, reads_results=uid in readers,
        added_at=invited_at if invited_at > opened + LATE_ADDITION else None,
        new_member_since=joined if joined is not None and joined > recent else None,
        left=role is None or not active,
    ) for uid, name, active, invited_at, role, joined in rows])
