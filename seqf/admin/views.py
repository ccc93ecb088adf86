"""Pages for platform admins and network coordinators."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import permissions
from seqf.admin import bp
from seqf.admin.forms import OrganisationForm, UserForm, UserRolesForm
from seqf.extensions import db
from seqf.models import AuditEvent, Membership, Organisation, User
from seqf.services import accounts, audit, mail
from seqf.services import organisations as organisation_service
from seqf.web import Refused, attempt, paginate

PER_PAGE = 50


def network_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not permissions.oversees_network(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def admin_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/organisations", methods=["GET", "POST"], endpoint="organisations")
@network_only
def organisations_list():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            organisation = attempt(form, lambda: organisation_service.create_organisation(
                current_user, name=form.name.data))
        except Refused:
            status = 422
        else:
            flash(_("The organisation %(name)s is created.", name=organisation.name), "success")
            return redirect(url_for("organisations.members", org_id=organisation.id))
    elif request.method == "POST":
        status = 422
    q = (request.args.get("q") or "").strip()  # any length: a search only reads
    page = paginate(organisation_service.organisations_by_name(q), PER_PAGE)
    return render_template("admin/organisations.html", form=form, page=page, q=q,
                           counts=organisation_service.member_counts([o.id for o in page.items])), status


@bp.route("/users", methods=["GET", "POST"])
@network_only
def users():
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        roles = form.global_roles.data or []
        if not current_user.is_admin and "admin" in roles:
            form.global_roles.errors = [_("Only an admin can make another admin.")]
            status = 422
        else:
            try:
                user = attempt(form, lambda: accounts.create_user(
                    current_user, email=form.email.data, name=form.name.data,
                    password=form.password.data or None, global_roles=roles))
            except Refused:
                status = 422
            else:
                flash(_("The user %(email)s is created.", email=user.email), "success")
                return redirect(url_for("admin.users"))
    elif request.method == "POST":
        status = 422
    # index users(name, id): no sort of every user; the roles shown come in one more statement per page
    query = sa.select(User).order_by(User.name, User.id).options(sa.orm.selectinload(User.role_grants))
    q = (request.args.get("q") or "").strip()  # any length: a search only reads
    if q:
        like = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(like), User.email.like(like)))
    page = paginate(query, PER_PAGE)
    return render_template("admin/users.html", form=form, page=page, q=q), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@network_only
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserRolesForm(global_roles=[r.value for r in user.global_roles])
    status = 200
    if request.method == "POST":
        if not current_user.is_admin:
            abort(403)
        action = request.form.get("action")
        if action in ("activate", "deactivate") and form.validate_on_submit():
            try:
                attempt(None, lambda: accounts.set_active(current_user, user, action == "activate"))
            except Refused:
                status = 422
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("admin.user_detail", user_id=user.id))
        elif form.validate_on_submit():
            try:
                attempt(form, lambda: accounts.set_global_roles(current_user, user, form.global_roles.data))
            except Refused:
                status = 422
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("admin.user_detail", user_id=user.id))
        else:
            status = 422
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.user_id == user.id)
        .options(sa.orm.joinedload(Membership.organisation))
    ).all()
    return render_template("admin/user_detail.html", user=user, form=form,
                           memberships=memberships), status


@bp.get("/outbox")
@admin_only
def outbox():
    page = paginate(mail.outbox(), PER_PAGE)
    return render_template("admin/outbox.html", page=page, smtp=mail.smtp_configured())


@bp.get("/audit", endpoint="audit")
@admin_only
def audit_log():
    query = audit.all_events().options(sa.orm.joinedload(AuditEvent.actor))
    page = paginate(query, PER_PAGE)
    org_ids = {e.organisation_id for e in page.items if e.organisation_id is not None}
    names = dict(db.session.execute(sa.select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(org_ids))).all()) if org_ids else {}
    return render_template("admin/audit.html", page=page, organisation_names=names)
