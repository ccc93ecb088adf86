"""API: tokens, me, users, organisations, members and audit events."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, g
from flask_babel import gettext as _

from seqf import permissions
from seqf.api import schemas as s
from seqf.api.core import ApiError, Query, current_api_user, operation
from seqf.audit_text import event_text
from seqf.extensions import db
from seqf.models import Membership, OneTimeToken, User
from seqf.security import login_rate_limit
from seqf.services import accounts, audit, audit_privacy, tokens
from seqf.services import organisations as organisation_service


def user_out(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "active": user.active,
            "global_roles": sorted(r.value for r in user.global_roles)}


def member_out(m: Membership) -> dict:
    return {"id": m.id, "user_id": m.user_id, "organisation_id": m.organisation_id,
            "role": m.role.value, "name": m.user.name, "email": m.user.email}


@operation("/tokens", "POST", summary="Exchange e-mail and password for a bearer token", tag="auth",
           body=s.TokenRequest, response=s.TokenOut, status=201, auth=False, errors=(401, 429),
           rate_limit=login_rate_limit())  # shares the failed-log-in counter with the log-in form
def create_token(body: s.TokenRequest):
    user = accounts.authenticate(body.email, body.password)
    if user is None:
        g.login_failed = True
        raise ApiError(401, "invalid_credentials", _("Wrong e-mail or password."))
    g.login_succeeded = True
    token, secret = tokens.issue_api_token(user)
    return {"token": secret, "expires_at": token.expires_at.isoformat().replace("+00:00", "Z")}


@operation("/me", summary="The caller, with platform roles and memberships", tag="people",
           response=s.MeOut)
def me():
    user = current_api_user()
    memberships = db.session.scalars(sa.select(Membership).where(Membership.user_id == user.id)).all()
    return {"id": user.id, "email": user.email, "name": user.name, "language": user.language,
            "global_roles": sorted(r.value for r in user.global_roles),
            "memberships": [{"organisation_id": m.organisation_id, "role": m.role.value}
                            for m in memberships]}


@operation("/users", "POST", summary="Create a user (admin, coordinator)", tag="people",
           body=s.UserCreate, response=s.UserOut, status=201, errors=(403,))
def create_user(body: s.UserCreate):
    actor = current_api_user()
    if not permissions.can_create_users(actor):
        abort(403)
    if "admin" in body.global_roles and not actor.is_admin:
        raise ApiError(403, "forbidden", _("Only an admin can make another admin."))
    user = accounts.create_user(actor, email=body.email, name=body.name, password=body.password,
                                global_roles=list(body.global_roles), language=body.language)
    return user_out(user)


@operation("/users/<int:user_id>", summary="One user (admin, coordinator, or oneself)", tag="people",
           response=s.UserOut, errors=(403, 404))
def get_user(user_id: int):
    actor = current_api_user()
    if actor.id != user_id and not permissions.can_create_users(actor):
        abort(403)
    return user_out(db.get_or_404(User, user_id))


@operation("/organisations", summary="Organisations the caller may see", tag="organisations",
           response=list[s.OrganisationOut])
def list_organisations():
    rows = db.session.scalars(organisation_service.organisations_for(current_api_user())).all()
    return [{"id": o.id, "name": o.name} for o in rows]


@operation("/organisations", "POST", summary="Create an organisation (admin, coordinator)",
           tag="organisations", body=s.OrganisationCreate, response=s.OrganisationOut, status=201,
           errors=(403,))
def create_organisation(body: s.OrganisationCreate):
    actor = current_api_user()
    if not permissions.can_create_organisations(actor):
        abort(403)
    organisation = organisation_service.create_organisation(actor, name=body.name)
    return {"id": organisation.id, "name": organisation.name}


@operation("/organisations/<int:org>", summary="One organisation", tag="organisations",
           response=s.OrganisationOut, errors=(404,))
def get_organisation(org: int):
    organisation = permissions.organisation_or_404(current_api_user(), org)
    return {"id": organisation.id, "name": organisation.name,
            "anonymity_threshold": organisation.anonymity_threshold}


@operation("/organisations/<int:org>/members", summary="Members (admin, coordinator, org_admin)",
           tag="organisations", response=list[s.MemberOut], errors=(403, 404))
def list_members(org: int):
    organisation = permissions.organisation_or_404(current_api_user(), org,
                                                   permissions.can_manage_members)
    return [member_out(m) for m in db.session.scalars(organisation_service.members(organisation))]


@operation("/organisations/<int:org>/members", "POST",
           summary="Add an existing user as a member (admin, coordinator; org admins invite instead)",
           tag="organisations", body=s.MemberCreate, response=s.MemberOut, status=201,
           errors=(403, 404, 409))
def add_member(org: int, body: s.MemberCreate):
    actor = current_api_user()
    # adding by user id reaches into every organisation's people: only for those who see them all
    organisation = permissions.organisation_or_404(actor, org, permissions.can_add_members_by_id)
    user = db.session.get(User, body.user_id)
    if user is None:
        raise ApiError(422, "unknown_user", _("No user with this id."), {"user_id": _("Unknown.")})
    membership = organisation_service.add_member(actor, organisation, user, body.role)
    return member_out(membership)


def invitation_out(invitation: OneTimeToken) -> dict:
    return {"id": invitation.id, "organisation_id": invitation.organisation_id, "email": invitation.email,
            "role": invitation.role.value, "created_at": _iso(invitation.created_at),
            "expires_at": _iso(invitation.expires_at)}


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


@operation("/organisations/<int:org>/invitations", "POST",
           summary="Invite someone by e-mail; they join by accepting (admin, coordinator, org_admin)",
           tag="organisations", body=s.InvitationCreate, response=s.InvitationOut, status=201,
           errors=(403, 404, 409))
def create_invitation(org: int, body: s.InvitationCreate):
    actor = current_api_user()
    organisation = permissions.organisation_or_404(actor, org, permissions.can_manage_members)
    invitation = organisation_service.invite_member(actor, organisation, email=body.email, role=body.role)
    return invitation_out(invitation)


@operation("/organisations/<int:org>/invitations", summary="Pending invitations (admin, coordinator, org_admin)",
           tag="organisations", response=list[s.InvitationOut], errors=(403, 404))
def list_invitations(org: int):
    organisation = permissions.organisation_or_404(current_api_user(), org, permissions.can_manage_members)
    return [invitation_out(i) for i in organisation_service.pending_invitations(organisation)]


@operation("/organisations/<int:org>/invitations/<int:invitation_id>", "DELETE",
           summary="Withdraw a pending invitation (admin, coordinator, org_admin)", tag="organisations",
           status=204, errors=(403, 404))
def withdraw_invitation(org: int, invitation_id: int):
    actor = current_api_user()
    organisation = permissions.organisation_or_404(actor, org, permissions.can_manage_members)
    invitation = organisation_service.pending_invitation(organisation, invitation_id)
    if invitation is None:
        abort(404)
    organisation_service.revoke_invitation(actor, invitation)
    return Response(status=204)


@operation("/organisations/<int:org>/audit-events", summary="Audit events, newest first (org_admin, leader)",
           tag="organisations", response=list[s.AuditEventOut], errors=(403, 404),
           query={"limit": Query.integer("at most this many events (default 100)", 1, 1000)})
def list_audit_events(org: int):
    from flask import request

    permissions.organisation_or_404(current_api_user(), org, permissions.can_read_audit)
    limit = request.args.get("limit", "100")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise ApiError(422, "validation_failed", _("limit must be a number from 1 to 1000."),
                       {"limit": "1–1000"})
    events = audit_privacy.mask_events(db.session.scalars(audit.events_for_organisation(org).limit(int(limit))),
                                       current_api_user())
    return [{"at": e.at.isoformat().replace("+00:00", "Z"), "actor_id": e.actor_id, "action": e.action,
             "object_type": e.object_type, "object_id": e.object_id, "summary": e.summary,
             "text": event_text(e)}
            for e in events]
