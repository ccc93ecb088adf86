"""Own quality areas of an organisation: list beside SEQF's areas, add, edit, (de)activate.

Leaders and organisation admins edit; every member reads; anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import permissions
from seqf.areas import bp
from seqf.areas.forms import OwnAreaForm, form_data
from seqf.models import Organisation, OwnArea
from seqf.services import instruments as instrument_service
from seqf.services import own_areas as own_area_service
from seqf.services.errors import ServiceError
from seqf.web import Refused

PREFIX = "/organisations/<int:org_id>/areas"


def _lang() -> str:
    return str(get_locale() or "nb")


def _own_area_or_404(organisation: Organisation, area_id: int) -> OwnArea:
    own_area = own_area_service.own_area_in(organisation, area_id)
    if own_area is None:
        abort(404)
    return own_area


@bp.get(f"{PREFIX}/")
@login_required
def index(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    instrument = instrument_service.current_instrument(instrument_service.SEQF_SLUG)
    own = own_area_service.own_areas_of(organisation)
    return render_template(
        "areas/index.html", organisation=organisation, instrument=instrument, lang=_lang(),
        seqf_areas=instrument_service.instrument_areas(instrument),
        active=[a for a in own if a.active], inactive=[a for a in own if not a.active],
        can_edit=permissions.can_lead(current_user, org_id),
    )


def _place_errors(form: OwnAreaForm, fields: dict[str, str]) -> bool:
    """Put ``title`` / ``steps.2.indicators`` style service errors on the matching fields."""
    placed = False
    for key, text in fields.items():
        parts = key.split(".")
        field = getattr(form, parts[0], None) if len(parts) == 1 else None
        if parts[0] == "steps" and len(parts) == 3 and parts[1].isdigit():
            step = getattr(form, f"step_{int(parts[1]) + 1}", None)
            field = getattr(step.form, parts[2], None) if step is not None else None
        if field is not None:
            field.errors = [*list(field.errors or []), text]
            placed = True
    return placed


def _attempt(form: OwnAreaForm, call: Callable[[], object]) -> object:
    try:
        return call()
    except ServiceError as exc:
        if not _place_errors(form, exc.fields):
            form.form_errors.append(exc.message)
        flash(exc.message, "error")
        raise Refused(exc.message) from exc


def _edit_page(organisation: Organisation, form: OwnAreaForm, own_area: OwnArea | None, status: int,
               stale: dict | None = None):
    return render_template("areas/edit.html", organisation=organisation, form=form, own_area=own_area,
                           stale=stale), status


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@login_required
def create(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_lead)
    form = OwnAreaForm()
    if form.validate_on_submit():
        try:
            own_area = _attempt(form, lambda: own_area_service.create_own_area(
                current_user, organisation, title=form.title.data, description=form.description.data,
                steps=form.steps_data()))
        except Refused:
            return _edit_page(organisation, form, None, 422)
        flash(_("The area %(code)s “%(title)s” is added.", code=own_area.code, title=own_area.title), "success")
        return redirect(url_for("areas.index", org_id=org_id))
    return _edit_page(organisation, form, None, 422 if request.method == "POST" else 200)


@bp.route(f"{PREFIX}/<int:area_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int, area_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_lead)
    own_area = _own_area_or_404(organisation, area_id)
    form = OwnAreaForm(data=None if request.method == "POST" else form_data(own_area))
    if form.validate_on_submit():
        try:
            _attempt(form, lambda: own_area_service.update_own_area(
                current_user, own_area, title=form.title.data, description=form.description.data,
                steps=form.steps_data(), revision=form.revision.data or None))
        except Refused as exc:
            stale = exc.__cause__ if isinstance(exc.__cause__, own_area_service.StaleOwnArea) else None
            if stale is None:
                return _edit_page(organisation, form, own_area, 422)
            form.revision.data = own_area_service.own_area_revision(own_area)  # saving again overwrites knowingly
            return _edit_page(organisation, form, own_area, 409, stale=stale.current)
        flash(_("The area %(code)s is saved.", code=own_area.code), "success")
        return redirect(url_for("areas.index", org_id=org_id))
    return _edit_page(organisation, form, own_area, 422 if request.method == "POST" else 200)


def _switch(org_id: int, area_id: int, change: Callable, message: str):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_lead)
    own_area = _own_area_or_404(organisation, area_id)
    try:
        change(current_user, own_area)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("areas.index", org_id=org_id)), 303
    flash(message % {"code": own_area.code}, "success")
    return redirect(url_for("areas.index", org_id=org_id))


@bp.post(f"{PREFIX}/<int:area_id>/deactivate")
@login_required
def deactivate(org_id: int, area_id: int):
    return _switch(org_id, area_id, own_area_service.deactivate_own_area,
                   _("The area %(code)s is deactivated. Rounds opened from now on leave it out."))


@bp.post(f"{PREFIX}/<int:area_id>/reactivate")
@login_required
def reactivate(org_id: int, area_id: int):
    return _switch(org_id, area_id, own_area_service.reactivate_own_area,
                   _("The area %(code)s is active again."))
