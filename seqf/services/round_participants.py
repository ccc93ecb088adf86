"""Who takes part in a round, as every participant sees it before submitting.

The anonymity threshold protects only if the people behind the answers are real colleagues. An
organisation admin could invite accounts of their own and make them participants; the defence is
that everyone sees the list: each name, whether that person reads the results (leaders and
organisation admins: their answers do not count towards the threshold), who joined the
organisation shortly before or during the round (not when it was set up), who was added after the round opened, and who
is no longer a member.

At national scale a round has a thousand participants, and a page listing every name costs 200 KB
and tens of milliseconds. The names that the defence rests on are the flagged ones (reads the
results, added, new member, no longer a member): those are always listed in full. The rest, people
who were members before the round and still are, are counted and paged (``UNFLAGGED_PER_PAGE`` a
page, ``?people=N``), so anyone can still read through every name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Membership, Round, RoundParticipant, User
from seqf.services.round_readers import readers_since_open

NEW_MEMBER_DAYS = 30  # joined this close to the round's opening (or later): marked as new ...
FOUNDING = dt.timedelta(days=1)  # ... unless they joined when the organisation was set up
LATE_ADDITION = dt.timedelta(minutes=5)  # invited this long after the round opened: marked as added
UNFLAGGED_PER_PAGE = 50


@dataclass
class Participant:
    name: str
    reads_results: bool
    added_at: dt.datetime | None  # set when added after the round opened
    new_member_since: dt.datetime | None  # set when the membership is recent
    left: bool  # no longer an active member of the organisation

    @property
    def flagged(self) -> bool:
        """Something a colleague should see before answering: listed on every page."""
        return bool(self.reads_results or self.added_at or self.new_member_since or self.left)


@dataclass
class Participants:
    rows: list[Participant]  # every participant, by name
    people_page: int = 1  # which page of the unflagged participants to show
    per_page: int = UNFLAGGED_PER_PAGE

    @property
    def changes(self) -> bool:
        return any(p.added_at or p.new_member_since or p.left for p in self.rows)

    @property
    def total(self) -> int:
        return len(self.rows)

    @cached_property
    def flagged(self) -> list[Participant]:
        return [p for p in self.rows if p.flagged]

    @cached_property
    def unflagged(self) -> list[Participant]:
        return [p for p in self.rows if not p.flagged]

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.unflagged) // self.per_page))

    @property
    def page(self) -> int:
        """The requested page, kept within the pages there are."""
        return min(max(1, self.people_page), self.pages)

    @property
    def unflagged_page(self) -> list[Participant]:
        start = (self.page - 1) * self.per_page
        return self.unflagged[start:start + self.per_page]


def round_participants(round_: Round, people_page: int | str | None = 1) -> Participants:
    """Every participant of ``round_`` with what changed about them (a few queries, as many for a
    thousand participants as for three); ``people_page`` picks the page of unflagged names shown
    (the raw ``?people=`` value is accepted: anything but a number means the first page)."""
    try:
        people_page = int(people_page or 1)
    except ValueError:
        people_page = 1
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
    ) for uid, name, active, invited_at, role, joined in rows], people_page=people_page,
        per_page=UNFLAGGED_PER_PAGE)
