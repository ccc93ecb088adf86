"""Who may do what: every permission predicate lives here.

Views and the API ask these; an organisation the caller has no part in answers 404 (it is not
revealed that it exists), a known organisation where the role is too weak answers 403.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort, g

from seqf.extensions import db
from seqf.models import MemberRole, Membership, Organisation, User

MANAGE_MEMBERS = {MemberRole.org_admin}
LEAD = {MemberRole.org_admin, MemberRole.leader}
READ_AUDIT = {MemberRole.org_admin, MemberRole.leader}
PARTICIPATE = {MemberRole.leader, MemberRole.staff}
EVIDENCE_WRITE = {MemberRole.org_admin, MemberRole.leader, MemberRole.staff}


@functools.cache
def _member_role_query() -> sa.Select:
    """Asked on every organisation page: built once (building costs more than running it)."""
    return sa.select(Membership.role).where(Membership.user_id == sa.bindparam("user_id"),
                                            Membership.organisation_id == sa.bindparam("organisation_id"))


def member_role(user: User, organisation_id: int) -> MemberRole | None:
    """The caller's role in the organisation, cached for the request."""
    cache = g.setdefault(MEMBER_ROLES_CACHE, {})
    key = (user.id, organisation_id)
    if key not in cache:
        cache[key] = db.session.scalar(_member_role_query(),
                                       {"user_id": user.id, "organisation_id": organisation_id})
    return cache[key]


MEMBER_ROLES_CACHE = "member_roles"


def remember_member_role(user: User, organisation_id: int, role: MemberRole | None) -> None:
    """Keep a role read together with a page's own row (``None``: not a member) as ``member_role``'s
    answer for the rest of the request, so the access rules ask no statement of their own."""
    g.setdefault(MEMBER_ROLES_CACHE, {})[(user.id, organisation_id)] = role


def oversees_network(user: User) -> bool:
    """Admins and network coordinators see every organisation's administrative pages."""
    return user.is_admin or user.is_coordinator


def can_see_organisation(user: User, organisation_id: int) -> bool:
    return oversees_network(user) or member_role(user, organisation_id) is not None


def has_org_role(user: User, organisation_id: int, roles: set[MemberRole]) -> bool:
    return member_role(user, organisation_id) in roles


def can_manage_members(user: User, organisation_id: int) -> bool:
    return oversees_network(user) or has_org_role(user, organisation_id, MANAGE_MEMBERS)


def can_read_audit(user: User, organisation_id: int) -> bool:
    return user.is_admin or has_org_role(user, organisation_id, READ_AUDIT)


def is_member(user: User, organisation_id: int) -> bool:
    """Any role in the organisation, viewers included (self-assessment rounds are for members only)."""
    return member_role(user, organisation_id) is not None


def can_lead(user: User, organisation_id: int) -> bool:
    return has_org_role(user, organisation_id, LEAD)


def can_write_evidence(user: User, organisation_id: int) -> bool:
    return has_org_role(user, organisation_id, EVIDENCE_WRITE)


def can_create_organisations(user: User) -> bool:
    return oversees_network(user)


def can_create_users(user: User) -> bool:
    return oversees_network(user)


def can_add_members_by_id(user: User, organisation_id: int) -> bool:
    """Adding an existing account by id: only for those who already see every account. An org admin
    invites by e-mail instead, so nothing shows them people outside their organisation."""
    return oversees_network(user)


@functools.cache
def _organisation_and_role_query() -> sa.Select:
    """An organisation page's first question, the organisation and the caller's role in it, as one
    statement built once."""
    return (sa.select(Organisation, Membership.role)
            .outerjoin(Membership, sa.and_(Membership.organisation_id == Organisation.id,
                                           Membership.user_id == sa.bindparam("user_id")))
            .where(Organisation.id == sa.bindparam("organisation_id")))


def organisation_or_404(user: User, organisation_id: int, allowed=can_see_organisation) -> Organisation:
    """Load the organisation if the caller may see it (404 otherwise) and passes ``allowed`` (403)."""
    row = db.session.execute(_organisation_and_role_query(),
                             {"user_id": user.id, "organisation_id": organisation_id}).one_or_none()
    if row is None:
        abort(404)
    organisation, role = row
    remember_member_role(user, organisation_id, role)
    if not can_see_organisation(user, organisation_id):
        abort(404)
    if not allowed(user, organisation_id):
        abort(403)
    return organisation


def can_see_round_results(user: User, round_) -> bool:
    """Leaders see results at any time; every member once the consensus is recorded (aggregates only)."""
    if can_lead(user, round_.organisation_id):
        return True
    return round_.consensus_recorded_at is not None and member_role(user, round_.organisation_id) is not None
