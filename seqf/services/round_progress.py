"""How far a round has come: counts of who has submitted, and one page of the names.

A leader sees who has submitted, never what. With a thousand participants the summary page shows
the counts (invited, submitted, not submitted) computed in the database with one GROUP BY,
and the names a page at a time (optionally only those who have not submitted, or a name search),
so the page costs the same for five participants or a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Response, ResponseState, Round, RoundParticipant, User
from seqf.paging import Page

NAMES_PER_PAGE = 50
FILTERS = ("all", "not_submitted", "submitted")
MAX_SEARCH = 100


@dataclass(frozen=True)
class Progress:
    invited: int
    submitted: int

    @property
    def not_submitted(self) -> int:
        return self.invited - self.submitted


def progress_counts(round_: Round) -> Progress:
    """Invited and submitted in one statement (not submitted is the rest).

    Never how many have a draft: a leader must not learn who has started an answer (a draft
    changes nothing a leader reads; tests/web/test_privacy_side_channels.py)."""
    return summary_counts(round_).progress


@dataclass(frozen=True)
class SummaryCounts:
    """What the summary page counts about the participants, in one statement."""

    progress: Progress
    others: int  # participants who never read the aggregates (``round_readers.can_ever_release``)
    participant: bool | None  # whether the given user was asked to answer (None: not asked about anyone)


def summary_counts(round_: Round, readers: set[int] | None = None, user_id: int | None = None) -> SummaryCounts:
    """Invited, submitted, participants outside ``readers`` and whether ``user_id`` takes part: one statement.

    Only counts of who takes part and who has submitted, which the leader sees anyway; never a draft."""
    submitted = sa.func.count(sa.case((Response.state == ResponseState.submitted, 1)))
    others = (sa.func.count(sa.case((RoundParticipant.user_id.not_in(readers), 1))) if readers
              else sa.func.count(RoundParticipant.user_id))
    me = sa.func.count(sa.case((RoundParticipant.user_id == user_id, 1))) if user_id is not None else sa.null()
    invited, done, outside, mine = db.session.execute(
        sa.select(sa.func.count(RoundParticipant.user_id), submitted, others, me).select_from(RoundParticipant)
        .outerjoin(Response, sa.and_(Response.round_id == RoundParticipant.round_id,
                                     Response.user_id == RoundParticipant.user_id))
        .where(RoundParticipant.round_id == round_.id)
    ).one()
    return SummaryCounts(Progress(invited=invited, submitted=done), outside, None if mine is None else mine > 0)


def clean_filter(value: str | None) -> str:
    return value if value in FILTERS else "all"


def clean_search(value: str | None) -> str:
    return (value or "").strip()[:MAX_SEARCH]


def names_query(round_: Round, who: str = "all", search: str = "") -> sa.Select:
    """(name, submitted?) of the participants, by name; ``who`` and ``search`` narrow it.

    Only the name and whether the response is submitted: nothing about what anyone answered."""
    is_submitted = sa.func.coalesce(Response.state == ResponseState.submitted, False).label("submitted")
    query = (
        sa.select(User.name, is_submitted).select_from(RoundParticipant)
        .join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Response, sa.and_(Response.round_id == RoundParticipant.round_id,
                                     Response.user_id == RoundParticipant.user_id))
        .where(RoundParticipant.round_id == round_.id)
    )
    if who == "submitted":
        query = query.where(Response.state == ResponseState.submitted)
    elif who == "not_submitted":
        query = query.where(sa.or_(Response.id.is_(None), Response.state != ResponseState.submitted))
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(User.name.ilike(f"%{escaped}%", escape="\\"))
    return query.order_by(User.name, User.id)


# one page of names: (name, has submitted)
NamesPage = Page


def names_page(round_: Round, page: int = 1, who: str = "all", search: str = "",
               per_page: int | None = None, invited: int | None = None) -> NamesPage:
    """One page of ``names_query``: a COUNT and a LIMIT/OFFSET, whatever the number of participants.

    ``invited`` (from ``progress_counts``) saves the COUNT when the list is not narrowed."""
    per_page = per_page or NAMES_PER_PAGE
    query = names_query(round_, who, search)
    if invited is not None and who == "all" and not search:
        total = invited
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return NamesPage(items=[(name, bool(done)) for name, done in rows], page=page, per_page=per_page, total=total)
