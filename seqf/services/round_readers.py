"""Who counts as a reader of a round's aggregates: anyone who could read them at any moment since it opened.

A reader knows her own answer, so it must never help reach the threshold. Judging the role only at
close time is not enough: an organisation admin could demote a leader who took part for the close
and promote her again to read the release, or promote a staff member after the release, who then
subtracts her own answer from it. So the reader set of a round is the leaders and organisation
admins now, plus everyone the organisation's audit log shows holding one of those roles since the
round opened (added with it, changed from or to it, removed while holding it). It only grows, and
``round_summary`` checks it again each time a release is read.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, MemberRole, Membership, Response, Round, RoundParticipant, User

READER_ROLES = (MemberRole.leader, MemberRole.org_admin)
READER_ROLE_NAMES = {role.value for role in READER_ROLES}
MEMBERSHIP_ACTIONS = ("membership.added", "membership.changed", "membership.removed")


class Readers(set):
    """The reader user ids of one round. ``response_ids``: the ids of the round's responses they
    wrote, read in the same statement, when all of them hold a reader role now (else None)."""

    def __init__(self, ids, round_id: int, response_ids: set[int] | None):
        super().__init__(ids)
        self.round_id = round_id
        self.response_ids = response_ids


@functools.cache
def _readers_statement() -> sa.CompoundSelect:
    """``readers_since_open``'s union, built once per process with bound parameters: building it
    (three selects, their coercions and cache key) cost more than running it."""
    organisation_id = sa.bindparam("organisation_id", type_=sa.Integer)
    current = sa.select(Membership.user_id).where(
        Membership.organisation_id == organisation_id, Membership.role.in_(READER_ROLES))
    no_data = sa.type_coerce(sa.null(), AuditEvent.data.type)
    # (kind, id, data): "m" a current reader's user id, "e" an event's data, "r" a current reader's response id
    return sa.union_all(
        sa.select(sa.literal("m").label("kind"), Membership.user_id.label("id"), no_data.label("data"))
        .where(Membership.organisation_id == organisation_id, Membership.role.in_(READER_ROLES)),
        sa.select(sa.literal("e"), sa.null(), AuditEvent.data).where(
            AuditEvent.organisation_id == organisation_id, AuditEvent.action.in_(MEMBERSHIP_ACTIONS),
            AuditEvent.at >= sa.bindparam("opened_at", type_=AuditEvent.at.type)),
        sa.select(sa.literal("r"), Response.id, no_data).where(
            Response.round_id == sa.bindparam("round_id", type_=sa.Integer),
            Response.user_id.in_(current.scalar_subquery())),
    )


def readers_since_open(round_: Round) -> set[int]:
    """Users who have been a leader or organisation admin of the organisation since ``round_`` opened.

    One statement brings the current readers, the role-change events since the round opened and
    the round's responses of the current readers (which ``reader_response_ids`` then need not read)."""
    rows = db.session.execute(_readers_statement(), {
        "organisation_id": round_.organisation_id, "round_id": round_.id, "opened_at": round_.created_at}).all()
    readers = {found for kind, found, _data in rows if kind == "m"}
    holders = set(readers)
    responses = {found for kind, found, _data in rows if kind == "r"}
    emails: set[str] = set()
    for kind, _found, data in rows:
        if kind != "e":
            continue
        data = data or {}
        if not {data.get("role"), data.get("old_role")} & READER_ROLE_NAMES:
            continue
        if isinstance(data.get("user_id"), int):
            readers.add(data["user_id"])
        elif data.get("email"):
            emails.add(str(data["email"]))  # events written before they carried the user id
    if emails:
        readers |= set(db.session.scalars(sa.select(User.id).where(User.email.in_(emails))))
    # a former reader's responses are not among ``responses``: ``reader_response_ids`` reads them then
    return Readers(readers, round_.id, responses if readers <= holders else None)


def can_ever_release(round_: Round, readers: set[int] | None = None) -> tuple[bool, int]:
    """(whether enough participants who never read the results take part, how many do).

    A round with fewer such participants than its threshold can never release figures; the leader
    is told when opening it rather than finding out at the close. Counted in the database (the
    readers are a handful of leaders and admins; the participants may be a thousand)."""
    readers = readers_since_open(round_) if readers is None else readers
    query = sa.select(sa.func.count()).select_from(RoundParticipant).where(RoundParticipant.round_id == round_.id)
    if readers:
        query = query.where(RoundParticipant.user_id.not_in(readers))
    others = db.session.scalar(query)
    return others >= round_.anonymity_threshold, others


def reader_response_ids(round_: Round, readers: set[int] | None = None) -> set[int]:
    """Ids of the round's responses written by readers (see ``readers_since_open``)."""
    readers = readers_since_open(round_) if readers is None else readers
    if not readers:
        return set()
    if isinstance(readers, Readers) and readers.round_id == round_.id and readers.response_ids is not None:
        return set(readers.response_ids)
    return set(db.session.scalars(sa.select(Response.id).where(
        Response.round_id == round_.id, Response.user_id.in_(readers))))
