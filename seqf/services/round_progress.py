"""How far a round has come: counts of who has submitted, and one page of the names.

A leader sees who has submitted, never what. With a thousand participants the summary page shows
the counts (invited, submitted, not submitted) computed in the database with one GROUP BY,
and the names a page at a time (optionally only those who have not submitted, or a name search),
so the page costs the same for five participants or a thousand.
"""

from __future__ import annotations

import functools
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


@functools.cache
def _counts_statement(with_readers: bool, with_user: bool) -> sa.Select:
    """``summary_counts``' statement for each of its four shapes, built once per process with bound
    parameters (``round_id``, ``readers``, ``user_id``): building it cost more than running it."""
    submitted = sa.func.count(sa.case((Response.state == ResponseState.submitted, 1)))
    readers = sa.bindparam("readers", expanding=True, type_=sa.Integer)
    others = (sa.func.count(sa.case((RoundParticipant.user_id.not_in(readers), 1))) if with_readers
              else sa.func.count(RoundParticipant.user_id))
    me = (sa.func.count(sa.case((RoundParticipant.user_id == sa.bindparam("user_id", type_=sa.Integer), 1)))
          if with_user else sa.null())
    return (sa.select(sa.func.count(RoundParticipant.user_id), submitted, others, me).select_from(RoundParticipant)
            .outerjoin(Response, sa.and_(Response.round_id == RoundParticipant.round_id,
                                         Response.user_id == RoundParticipant.user_id))
            .where(RoundParticipant.round_id == sa.bindparam("round_id", type_=sa.Integer)))


def summary_counts(round_: Round, readers: set[int] | None = None, user_id: int | None = None) -> SummaryCounts:
    """Invited, submitted, participants outside ``readers`` and whether ``user_id`` takes part: one statement.

    Only counts of who takes part and who has submitted, which the leader sees anyway; never a draft."""
    params = {"round_id": round_.id, "readers": sorted(readers or ()), "user_id": user_id}
    invited, done, outside, mine = db.session.execute(
        _counts_statement(bool(readers), user_id is not None), params).one()
    return SummaryCounts(Progress(invited=invited, submitted=done), outside, None if mine is None else mine > 0)


def clean_filter(value: str | None) -> str:
    return value if value in FILTERS else "all"


def clean_search(value: str | None) -> str:
    return (value or "").strip()[:MAX_SEARCH]


def names_query(round_: Round, who: str = "all", search: str = "") -> sa.Select:
    """(name, submitted?) of the participants, by name; ``who`` and ``search`` narrow it.

    Only the name and whether the response is submitted: nothing about what anyone answered."""
    return _names_statement(who, bool(search)).params(_names_params(round_, search))


def _names_params(round_: Round, search: str) -> dict:
    return {"round_id": round_.id, **({"pattern": _pattern(search)} if search else {})}


def _pattern(search: str) -> str:
    """``search`` as an ILIKE pattern matching it anywhere, its wildcards taken literally."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@functools.cache
def _names_statement(who: str, with_search: bool) -> sa.Select:
    """``names_query`` for one filter, with or without a search, built once per process with bound
    parameters (``round_id``, ``pattern``)."""
    is_submitted = sa.func.coalesce(Response.state == ResponseState.submitted, False).label("submitted")
    query = (
        sa.select(User.name, is_submitted).select_from(RoundParticipant)
        .join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Response, sa.and_(Response.round_id == RoundParticipant.round_id,
                                     Response.user_id == RoundParticipant.user_id))
        .where(RoundParticipant.round_id == sa.bindparam("round_id", type_=sa.Integer))
    )
    if who == "submitted":
        query = query.where(Response.state == ResponseState.submitted)
    elif who == "not_submitted":
        query = query.where(sa.or_(Response.id.is_(None), Response.state != ResponseState.submitted))
    if with_search:
        query = query.where(User.name.ilike(sa.bindparam("pattern", type_=sa.String), escape="\\"))
    return query.order_by(User.name, User.id)


@functools.cache
def _names_count_statement(who: str, with_search: bool) -> sa.Select:
    """How many names ``_names_statement`` lists, built once per process."""
    return sa.select(sa.func.count()).select_from(_names_statement(who, with_search).order_by(None).subquery())


@functools.cache
def _names_page_statement(who: str, with_search: bool) -> sa.Select:
    """One page of ``_names_statement`` (bound ``limit`` and ``offset``), built once per process."""
    return (_names_statement(who, with_search)
            .limit(sa.bindparam("limit", type_=sa.Integer)).offset(sa.bindparam("offset", type_=sa.Integer)))


# one page of names: (name, has submitted)
NamesPage = Page


def names_page(round_: Round, page: int = 1, who: str = "all", search: str = "",
               per_page: int | None = None, invited: int | None = None) -> NamesPage:
    """One page of ``names_query``: a COUNT and a LIMIT/OFFSET, whatever the number of participants.

    ``invited`` (from ``progress_counts``) saves the COUNT when the list is not narrowed."""
    per_page = per_page or NAMES_PER_PAGE
    params = _names_params(round_, search)
    if invited is not None and who == "all" and not search:
        total = invited
    else:
        total = db.session.scalar(_names_count_statement(who, bool(search)), params)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = db.session.execute(_names_page_statement(who, bool(search)),
                              {**params, "limit": per_page, "offset": (page - 1) * per_page}).all()
    return NamesPage(items=[(name, bool(done)) for name, done in rows], page=page, per_page=per_page, total=total)
