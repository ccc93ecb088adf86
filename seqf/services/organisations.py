"""Organisations, memberships and invitations.

Changes to who is in an organisation (adding, role changes, removal, invitations) run under the
organisation's row lock (``_lock_members``), so two at once are applied one after the other and
each sees what the other did: two org admins demoting themselves at the same moment leave one org
admin, and one address invited twice at once has one pending invitation.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from seqf.extensions import db
from seqf.models import (
    MemberRole,
    Membership,
    OneTimeToken,
    Organisation,
    TokenPurpose,
    User,
    utcnow,
)
from seqf.services import audit, locks, mail, reviews, tokens
from seqf.services.accounts import check_password_rules, create_user, find_user_by_email, normalise_email
from seqf.services.errors import Conflict, NotFound, RuleViolation
from seqf.text import clean_single_line, has_visible
from seqf.urls import external_url


def parse_role(value: str) -> MemberRole:
    try:
        return MemberRole(value)
    except ValueError:
        allowed = ", ".join(r.value for r in MemberRole)
        raise RuleViolation(_("Unknown role. Allowed: %(allowed)s.", allowed=allowed),
                            fields={"role": allowed}) from None


def organisations_by_name(search: str | None = None) -> sa.Select:
    """Every organisation by name, as a Select to paginate (the admin list: 2,500 rows is not a
    page); ``search`` matches part of the name, case-insensitively. The unique index on ``name``
    serves the order."""
    query = sa.select(Organisation).order_by(Organisation.name)
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.func.lower(Organisation.name).like(pattern, escape="\\"))
    return query


def member_counts(organisation_ids: list[int]) -> dict[int, int]:
    """organisation id → number of members, for the given organisations only (one grouped query)."""
    if not organisation_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Membership.organisation_id, sa.func.count()).where(Membership.organisation_id.in_(organisation_ids))
        .group_by(Membership.organisation_id)
    ).all())


def create_organisation(actor: User, *, name: str) -> Organisation:
    name = clean_single_line(name) or ""
    if not has_visible(name):
        raise RuleViolation(_("Enter a name."), fields={"name": _("Required.")})
    # the exact name too: SQLite's lower() folds only ASCII, so "Ålesund" would not even find "Ålesund"
    exists = db.session.scalar(sa.select(Organisation).where(sa.or_(
        Organisation.name == name, sa.func.lower(Organisation.name) == name.lower())).limit(1))
    if exists is not None:
        raise RuleViolation(_("An organisation with this name already exists."),
                            fields={"name": _("Already in use.")}, code="name_taken")
    threshold = max(3, int(current_app.config.get("ANONYMITY_THRESHOLD", 3)))
    organisation = Organisation(name=name, anonymity_threshold=threshold)
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.created", organisation, f"Organisation {name} created",
                 organisation.id, data={"name": organisation.name})
    return organisation


def _lock_members(organisation_id: int) -> None:
    """Serialise membership changes of one organisation (a row lock on PostgreSQL, SQLite's write lock)."""
    locks.lock(db.session.get(Organisation, organisation_id))


def _relock(membership: Membership) -> None:
    """Lock the organisation, then re-read the membership: removed meanwhile → 404, role as committed."""
    _lock_members(membership.organisation_id)
    if db.session.scalar(sa.select(Membership.id).where(Membership.id == membership.id)) is None:
        raise NotFound(_("This person is no longer a member."))
    db.session.refresh(membership)


def set_anonymity_threshold(actor: User, organisation: Organisation, threshold: int) -> None:
    """Open rounds keep the threshold they opened with (``Round.anonymity_threshold``); this one
    applies to rounds opened from now on."""
    if threshold < 3 or threshold > 50:
        raise RuleViolation(_("The threshold must be between 3 and 50."),
                            fields={"anonymity_threshold": "3–50"})
    organisation.anonymity_threshold = threshold
    audit.record(actor, "organisation.threshold_changed", organisation,
                 f"Anonymity threshold set to {threshold}", organisation.id, data={"threshold": threshold})


def membership_of(user: User, organisation: Organisation) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def add_member(actor: User | None, organisation: Organisation, user: User, role: str) -> Membership:
    member_role = parse_role(role)
    _lock_members(organisation.id)
    if membership_of(user, organisation) is not None:
        raise Conflict(_("%(name)s is already a member.", name=user.name), code="already_member")
    if not user.active:
        # a deactivated account cannot log in; as a member it would only pad the participant count
        raise RuleViolation(_("This account is deactivated. Activate it before adding it."),
                            fields={"user_id": _("Deactivated.")}, code="user_inactive")
    membership = Membership(user=user, organisation=organisation, role=member_role)
    db.session.add(membership)
    db.session.flush()
    reviews.forget_leads_anything()
    audit.record(actor, "membership.added", membership,
                 f"{user.email} added as {member_role.value}", organisation.id,
                 data={"email": user.email, "name": user.name, "role": member_role.value,
                       "user_id": user.id})
    return membership


def is_last_org_admin(membership: Membership) -> bool:
    """True for the only org admin of the organisation, who cannot be removed or demoted."""
    if membership.role != MemberRole.org_admin:
        return False
    admins = db.session.scalar(
        sa.select(sa.func.count()).select_from(Membership).where(
            Membership.organisation_id == membership.organisation_id,
            Membership.role == MemberRole.org_admin,
        )
    )
    return admins <= 1


def _guard_last_admin(membership: Membership) -> None:
    """An organisation keeps at least one org admin once it has had one."""
    if is_last_org_admin(membership):
        raise RuleViolation(_("The organisation must keep at least one organisation admin."),
                            code="last_org_admin")


def change_member_role(actor: User, membership: Membership, role: str) -> None:
    new_role = parse_role(role)
    _relock(membership)
    if new_role == membership.role:
        return
    _guard_last_admin(membership)
    old = membership.role
    membership.role = new_role
    reviews.forget_leads_anything()
    audit.record(actor, "membership.changed", membership,
                 f"{membership.user.email}: {old.value} → {new_role.value}", membership.organisation_id,
                 data={"email": membership.user.email, "old_role": old.value, "role": new_role.value,
                       "user_id": membership.user_id})


def remove_member(actor: User, membership: Membership) -> None:
    _relock(membership)
    _guard_last_admin(membership)
    audit.record(actor, "membership.removed", membership,
                 f"{membership.user.email} removed ({membership.role.value})", membership.organisation_id,
                 data={"email": membership.user.email, "name": membership.user.name,
                       "role": membership.role.value, "user_id": membership.user_id})
    db.session.delete(membership)
    db.session.flush()
    reviews.forget_leads_anything()


def members(organisation: Organisation) -> sa.Select:
    return (
        sa.select(Membership)
        .join(Membership.user)
        .where(Membership.organisation_id == organisation.id)
        .options(sa.orm.contains_eager(Membership.user))
        .order_by(User.name)
    )


# --- invitations -------------------------------------------------------------------------------

def invite_member(actor: User, organisation: Organisation, *, email: str, role: str) -> OneTimeToken:
    """Mail a one-time link; the invited person sets their own name and password when accepting."""
    email = normalise_email(email)
    member_role = parse_role(role)
    if not email or "@" not in email or len(email) > 254:
        raise RuleViolation(_("Enter a valid e-mail address."), fields={"email": _("Invalid.")})
    _lock_members(organisation.id)  # the same address invited twice at once: the second replaces the first
    existing = find_user_by_email(email)
    if existing is not None and membership_of(existing, organisation) is not None:
        raise Conflict(_("%(email)s is already a member.", email=email), code="already_member")
    for pending in pending_invitations(organisation, email=email):
        pending.revoked_at = utcnow()  # a new invitation replaces an older one
    days = current_app.config["INVITATION_DAYS"]
    token, secret = tokens.issue_one_time_token(
        TokenPurpose.invitation, email=email, organisation_id=organisation.id, role=member_role,
        created_by_id=actor.id, lifetime=dt.timedelta(days=days),
    )
    link = external_url("auth.accept_invitation", token=secret)
    mail.queue_template(f"invitation:{token.id}", existing or email, "invitation",
                        organisation=organisation, inviter=actor, link=link, days=days,
                        role=member_role, existing=existing)
    audit.record(actor, "invitation.sent", token,
                 f"{email} invited as {member_role.value}", organisation.id,
                 data={"email": email, "role": member_role.value})
    return token


def pending_invitations(organisation: Organisation, email: str | None = None) -> list[OneTimeToken]:
    query = sa.select(OneTimeToken).where(
        OneTimeToken.purpose == TokenPurpose.invitation,
        OneTimeToken.organisation_id == organisation.id,
        OneTimeToken.used_at.is_(None),
        OneTimeToken.revoked_at.is_(None),
        OneTimeToken.expires_at > utcnow(),
    )
    if email:
        query = query.where(OneTimeToken.email == email)
    return list(db.session.scalars(query.order_by(OneTimeToken.created_at.desc())))


def pending_invitation(organisation: Organisation, invitation_id: int) -> OneTimeToken | None:
    """A pending invitation of this organisation by id; None for any other id."""
    invitation = db.session.get(OneTimeToken, invitation_id)
    if (invitation is None or invitation.purpose != TokenPurpose.invitation
            or invitation.organisation_id != organisation.id or not invitation.is_usable(utcnow())):
        return None
    return invitation


def revoke_invitation(actor: User, invitation: OneTimeToken) -> None:
    _lock_members(invitation.organisation_id)
    db.session.refresh(invitation)
    if not invitation.is_usable(utcnow()):  # withdrawn, replaced or accepted meanwhile
        raise NotFound(_("This invitation is no longer pending."))
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoked", invitation, f"Invitation to {invitation.email} withdrawn",
                 invitation.organisation_id,
                 data={"email": invitation.email, "role": invitation.role.value if invitation.role else None})


def invitation_for(secret: str) -> OneTimeToken | None:
    return tokens.usable_one_time_token(TokenPurpose.invitation, secret)


def accept_invitation(invitation: OneTimeToken, *, user: User | None = None, name: str | None = None,
                      password: str | None = None) -> Membership:
    """Accept as an existing (logged-in) user, or create the account with name and password.

    The input is checked first (a refused password leaves the link usable); then the link is
    claimed with one conditional UPDATE, so of two parallel acceptances exactly one goes on."""
    invalid = RuleViolation(_("This link is invalid or has expired. Ask for a new one."),
                            code="invalid_token")
    if not invitation.is_usable(utcnow()):
        raise invalid
    if user is None:
        if not (name or "").strip():
            raise RuleViolation(_("Enter a name."), fields={"name": _("Required.")})
        check_password_rules(password or "", invitation.email, field="new_password")
    elif user.email != invitation.email:
        raise RuleViolation(_("This invitation was sent to another e-mail address."),
                            code="wrong_account")
    _lock_members(invitation.organisation_id)  # before the claim: the order every member change takes
    if not tokens.claim_one_time_token(invitation):
        raise invalid
    if user is None:
        user = create_user(None, email=invitation.email, name=name or "", password=password or "")
        audit.record(user, "user.created_from_invitation", user,
                     f"{user.email} set a password from an invitation", invitation.organisation_id,
                     data={"email": user.email})
    organisation = invitation.organisation
    membership = membership_of(user, organisation)
    if membership is None:
        membership = add_member(user, organisation, user, invitation.role.value)
    audit.record(user, "invitation.accepted", invitation,
                 f"{user.email} accepted the invitation to {organisation.name}", organisation.id,
                 data={"email": user.email, "organisation": organisation.name, "role": invitation.role.value})
    return membership


def organisations_for(user: User) -> sa.Select:
    """Organisations the user may open: all for admins and coordinators, else their own."""
    query = sa.select(Organisation).order_by(Organisation.name)
    if user.is_admin or user.is_coordinator:
        return query
    return query.join(Membership).where(Membership.user_id == user.id)
