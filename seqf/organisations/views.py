"""Organisation pages. Each view loads the organisation through ``permissions.organisation_or_404``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import clock, permissions
from seqf.extensions import db
from seqf.models import AuditEvent, Membership
from seqf.organisations import bp
from seqf.organisations.forms import InviteForm, MemberRoleForm, SettingsForm
from seqf.review_labels import CERTIFICATE_STATE_LABELS
from seqf.rounds.pages import lang
from seqf.services import audit, audit_privacy, org_dashboard
from seqf.services import organisations as organisation_service
from seqf.services.instruments import localized
from seqf.web import Refused, attempt, paginate


@bp.get("/")
@login_required
def overview(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    role = permissions.member_role(current_user, org_id)
    status, board = org_dashboard.front_page(current_user, organisation)  # the member count comes with it
    language = lang()
    return render_template("organisations/overview.html", organisation=organisation, role=role,
                           member_count=status.member_count, status=status, board=board,
                           today=clock.today(), cert_labels=CERTIFICATE_STATE_LABELS,
                           area_label=lambda area: f"{area['area']} {localized(area['title'], language)}")


@bp.route("/members", methods=["GET", "POST"])
@login_required
def members(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_manage_members)
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitation = attempt(form, lambda: organisation_service.invite_member(
                current_user, organisation, email=form.email.data, role=form.role.data))
        except Refused:
            status = 422
        else:
            flash(_("An invitation is sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("organisations.members", org_id=org_id))
    elif request.method == "POST":
        status = 422
    rows = db.session.scalars(organisation_service.members(organisation)).all()
    invitations = organisation_service.pending_invitations(organisation)
    return render_template("organisations/members.html", organisation=organisation, form=form,
                           members=rows, invitations=invitations, role_form=MemberRoleForm()), status


def _membership(org_id: int, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org_id:
        abort(404)
    return membership


@bp.post("/members/<int:membership_id>/role")
@login_required
def change_role(org_id: int, membership_id: int):
    permissions.organisation_or_404(current_user, org_id, permissions.can_manage_members)
    membership = _membership(org_id, membership_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
        return redirect(url_for("organisations.members", org_id=org_id)), 303
    try:
        attempt(None, lambda: organisation_service.change_member_role(
            current_user, membership, form.role.data))
    except Refused:
        return redirect(url_for("organisations.members", org_id=org_id)), 303
    flash(_("The role of %(name)s is changed.", name=membership.user.name), "success")
    return redirect(url_for("organisations.members", org_id=org_id))


@bp.route("/members/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(org_id: int, membership_id: int):
    """Asks first: a page says what removal means, and only its form (``confirm=yes``) removes."""
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_manage_members)
    membership = _membership(org_id, membership_id)
    name = membership.user.name
    if not (request.method == "POST" and request.form.get("confirm") == "yes"):
        return render_template("organisations/remove_member.html", organisation=organisation,
                               membership=membership,
                               last_admin=organisation_service.is_last_org_admin(membership))
    try:
        attempt(None, lambda: organisation_service.remove_member(current_user, membership))
    except Refused:
        return redirect(url_for("organisations.members", org_id=org_id)), 303
    flash(_("%(name)s is removed from the organisation.", name=name), "success")
    return redirect(url_for("organisations.members", org_id=org_id))


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(org_id: int, invitation_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_manage_members)
    invitation = organisation_service.pending_invitation(organisation, invitation_id)
    if invitation is None:
        abort(404)
    organisation_service.revoke_invitation(current_user, invitation)
    flash(_("The invitation is withdrawn."), "success")
    return redirect(url_for("organisations.members", org_id=org_id))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_manage_members)
    form = SettingsForm(obj=organisation)
    status = 200
    if form.validate_on_submit():
        try:
            attempt(form, lambda: organisation_service.set_anonymity_threshold(
                current_user, organisation, form.anonymity_threshold.data))
        except Refused:
            status = 422
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("organisations.settings", org_id=org_id))
    elif request.method == "POST":
        status = 422
    return render_template("organisations/settings.html", organisation=organisation, form=form), status


@bp.get("/audit")
@login_required
def audit_events(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_read_audit)
    query = audit.events_for_organisation(org_id).options(sa.orm.joinedload(AuditEvent.actor))
    page = paginate(query, 50)
    page.items = audit_privacy.mask_events(page.items, current_user)
    return render_template("organisations/audit.html", organisation=organisation, page=page)
