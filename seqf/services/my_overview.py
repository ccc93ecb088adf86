"""*My overview* (the dashboard): what the caller is asked to do and what they lead, read lean.

The page prints a handful of fields per card, so each list is one statement of the shown columns
(Row tuples, organisation names joined) instead of ORM objects with their relationships; counts
come with the rows as scalar subqueries. The rules stay with their services: which reviews the
caller may see is ``reviews.reviews_for``, the areas a round asks about are
``rounds.round_areas``' (cached by the instrument's content hash), open tasks are
``tasks.open_tasks_for``. Statements do not grow with the number of rounds, organisations or
members. The statements of a fixed shape are built once per process with the caller as a bound
parameter: building a statement and its cache key costs more than running it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import sqlalchemy as sa

from seqf import clock, permissions
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Instrument,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Review,
    ReviewState,
    Round,
    RoundParticipant,
    RoundState,
    User,
)
from seqf.services import reviews as review_service
from seqf.services import rounds as round_service

UNFINISHED_REVIEWS = (ReviewState.due, ReviewState.planned, ReviewState.drafting, ReviewState.comment_round)
REVIEWS_SHOWN = 6


USER = sa.bindparam("user_id", type_=sa.Integer)


@functools.cache
def _memberships_query() -> sa.Select:
    return (sa.select(Membership.organisation_id, Membership.role, Organisation.name.label("organisation_name"))
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == USER))


def memberships(user: User) -> list[sa.Row]:
    """(organisation_id, role, organisation_name) of each membership, by organisation name."""
    rows = db.session.execute(_memberships_query(), {"user_id": user.id}).all()
    return sorted(rows, key=lambda m: m.organisation_name.lower())


@dataclass(frozen=True, slots=True)
class OpenRound:
    """A round the caller is asked to answer, with their response's state and progress."""

    id: int
    title: str
    closes_on: dt.date
    organisation_name: str
    response_id: int | None
    submitted: bool
    answered: int
    total: int


@functools.cache
def _open_rounds_query() -> sa.Select:
    answered = (sa.select(sa.func.count()).select_from(AreaAssessment)
                .where(AreaAssessment.response_id == Response.id).scalar_subquery())
    return (sa.select(Round.id, Round.title, Round.closes_on, Round.instrument_id, Round.own_areas,
                      Organisation.name.label("organisation_name"), Response.id.label("response_id"),
                      Response.state.label("response_state"), answered.label("answered"),
                      Instrument)  # its definition is deferred: the row's id and content hash
            .join(RoundParticipant, RoundParticipant.round_id == Round.id)
            .join(Organisation, Organisation.id == Round.organisation_id)
            .join(Instrument, Instrument.id == Round.instrument_id)
            .outerjoin(Response, sa.and_(Response.round_id == Round.id, Response.user_id == USER))
            .where(RoundParticipant.user_id == USER, Round.state == RoundState.open)
            .order_by(Round.closes_on))


def open_rounds(user: User) -> list[OpenRound]:
    """Open rounds the caller takes part in, deadline first: one statement, the number of answered
    areas as a scalar subquery and each round's instrument row (without its definition) joined, so
    the count of areas (``rounds.round_areas``, cached by the instrument's content hash) finds the
    instrument in the session instead of reading it again."""
    rows = db.session.execute(_open_rounds_query(), {"user_id": user.id}).all()
    return [OpenRound(r.id, r.title, r.closes_on, r.organisation_name, r.response_id,
                      r.response_state == ResponseState.submitted, r.answered or 0,
                      len(round_service.round_areas(r)))
            for r in rows]


@dataclass(frozen=True, slots=True)
class LedRound:
    """An open round in an organisation the caller leads, with its participation."""

    id: int
    title: str
    closes_on: dt.date
    organisation_name: str
    invited: int
    submitted: int
    days_left: int


@functools.cache
def _led_open_rounds_query() -> sa.Select:
    invited = (sa.select(sa.func.count()).select_from(RoundParticipant)
               .where(RoundParticipant.round_id == Round.id).scalar_subquery())
    submitted = (sa.select(sa.func.count()).select_from(Response)
                 .where(Response.round_id == Round.id, Response.state == ResponseState.submitted).scalar_subquery())
    return (sa.select(Round.id, Round.title, Round.closes_on, Organisation.name.label("organisation_name"),
                      invited.label("invited"), submitted.label("submitted"))
            .join(Membership, Membership.organisation_id == Round.organisation_id)
            .join(Organisation, Organisation.id == Round.organisation_id)
            .where(Membership.user_id == USER, Membership.role.in_(permissions.LEAD),
                   Round.state == RoundState.open)
            .order_by(Round.closes_on, Round.id))


def led_open_rounds(user: User) -> list[LedRound]:
    """Open rounds in the organisations where the caller is a leader or organisation admin, the
    invited and submitted counts as scalar subqueries: one statement."""
    rows = db.session.execute(_led_open_rounds_query(), {"user_id": user.id}).all()
    today = clock.today()
    return [LedRound(r.id, r.title, r.closes_on, r.organisation_name, r.invited or 0, r.submitted or 0,
                     (r.closes_on - today).days) for r in rows]


def reviews_in_progress(user: User) -> list[sa.Row]:
    """The first few unfinished reviews on the caller's list (``reviews.reviews_for`` decides which):
    the card's columns and the organisation's name, one statement."""
    return db.session.execute(_reviews_in_progress_query(permissions.oversees_network(user)),
                              {"user_id": user.id}).all()


@functools.cache
def _reviews_in_progress_query(oversees_network: bool) -> sa.Select:
    """Built once per kind of caller from ``reviews.reviews_for_bound``: building it took 0.5 ms."""
    return (review_service.reviews_for_bound(oversees_network).where(Review.state.in_(UNFINISHED_REVIEWS))
            .with_only_columns(Review.id, Review.kind, Review.state, Review.visit_starts_on, Review.visit_ends_on,
                               Review.due_on, Organisation.name.label("organisation_name"))
            .join(Organisation, Organisation.id == Review.organisation_id)
            .limit(REVIEWS_SHOWN))
