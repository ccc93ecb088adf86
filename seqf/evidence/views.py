"""Evidence pages: the library with search and filters, adding, the detail page, edits and downloads."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import permissions
from seqf.evidence import bp
from seqf.evidence.forms import EditForm, EvidenceForm, FilterForm, ReplaceForm, tag_areas
from seqf.evidence.library import library_page
from seqf.extensions import db
from seqf.models import Evidence, Organisation
from seqf.services import evidence as evidence_service
from seqf.services.evidence import tag_code
from seqf.services.evidence_files import organisation_file, stream_attachment
from seqf.web import Refused, attempt

PER_PAGE = 25


def _evidence_or_404(organisation: Organisation, evidence_id: int) -> Evidence:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.organisation_id != organisation.id:
        abort(404)
    return evidence


def _status(exc: Refused) -> int:
    """422 for refused input; 413 when the file is too large."""
    return getattr(exc.__cause__, "status", 422)


@bp.get("/")
@login_required
def index(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    areas = tag_areas(organisation)
    filters = FilterForm(request.args)
    filters.set_choices(areas)
    filters.validate()
    page = library_page(evidence_service.library_rows_for(organisation, **filters.filters()), PER_PAGE)
    return render_template("evidence/index.html", organisation=organisation, page=page, filters=filters,
                           rows=page.rows,
                           area_titles=dict(areas), active_filters=_active(filters),
                           page_args={k: v for k, v in request.args.items() if k not in ("page", "org_id")},
                           can_write=permissions.can_write_evidence(current_user, org_id))


def _active(filters: FilterForm) -> bool:
    return any(v for k, v in filters.filters().items())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_write_evidence)
    form = EvidenceForm()
    status = 200
    if form.validate_on_submit():
        try:
            evidence = attempt(form, lambda: _add(organisation, form))
        except Refused as exc:
            status = _status(exc)
        else:
            flash(_("«%(title)s» is added to the evidence library.", title=evidence.title), "success")
            return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence.id))
    elif request.method == "POST":
        status = 422
    return render_template("evidence/new.html", organisation=organisation, form=form,
                           areas=tag_areas(organisation), max_bytes=evidence_service.max_file_bytes()), status


def _add(organisation: Organisation, form: EvidenceForm) -> Evidence:
    common = {"title": form.title.data, "description": form.description.data, "tags": form.tags.data}
    if form.url.data and form.url.data.strip():
        return evidence_service.add_link_evidence(current_user, organisation, url=form.url.data, **common)
    upload = form.file.data
    return evidence_service.add_file_evidence(current_user, organisation, filename=upload.filename or "",
                                              data=upload.read(), **common)


@bp.get("/<int:evidence_id>")
@login_required
def detail(org_id: int, evidence_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    evidence = _evidence_or_404(organisation, evidence_id)
    return _render_detail(organisation, evidence)


def _render_detail(organisation: Organisation, evidence: Evidence, *, edit_form: EditForm | None = None,
                   replace_form: ReplaceForm | None = None, status: int = 200, stale: dict | None = None):
    open_form = "edit" if edit_form is not None else "replace" if replace_form is not None else None
    if edit_form is None:
        edit_form = EditForm(obj=evidence, formdata=None)
        edit_form.tags.data = [tag_code(t.area, t.level) for t in evidence.tags]
        edit_form.revision.data = evidence_service.edit_revision(evidence)
    areas = tag_areas(organisation)
    return render_template(
        "evidence/detail.html", organisation=organisation, evidence=evidence, edit_form=edit_form,
        replace_form=replace_form or ReplaceForm(formdata=None), areas=areas, area_titles=dict(areas),
        can_write=permissions.can_write_evidence(current_user, organisation.id),
        max_bytes=evidence_service.max_file_bytes(), open_form=open_form if status >= 400 else None,
        stale=stale,
    ), status


@bp.post("/<int:evidence_id>/edit")
@login_required
def edit(org_id: int, evidence_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_write_evidence)
    evidence = _evidence_or_404(organisation, evidence_id)
    form = EditForm()
    if not form.validate_on_submit():
        return _render_detail(organisation, evidence, edit_form=form, status=422)
    try:
        attempt(form, lambda: evidence_service.update_evidence(
            current_user, evidence, form.title.data, form.description.data, form.tags.data,
            url=form.url.data if evidence.is_link else None, revision=form.revision.data or None))
    except Refused as exc:
        stale = exc.__cause__ if isinstance(exc.__cause__, evidence_service.StaleEdit) else None
        if stale is not None:  # what was typed stays in the form; saving again overwrites knowingly
            form.revision.data = evidence_service.edit_revision(evidence)
        return _render_detail(organisation, evidence, edit_form=form, status=_status(exc),
                              stale=stale.current if stale else None)
    flash(_("Saved."), "success")
    return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence.id))


@bp.post("/<int:evidence_id>/replace")
@login_required
def replace(org_id: int, evidence_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_write_evidence)
    evidence = _evidence_or_404(organisation, evidence_id)
    form = ReplaceForm()
    if not form.validate_on_submit():
        return _render_detail(organisation, evidence, replace_form=form, status=422)
    upload = form.file.data
    try:
        file = attempt(form, lambda: evidence_service.replace_file(
            current_user, evidence, upload.filename or "", upload.read()))
    except Refused as exc:
        return _render_detail(organisation, evidence, replace_form=form, status=_status(exc))
    flash(_("Version %(n)d is uploaded. Earlier versions are kept.", n=file.version), "success")
    return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence.id))


@bp.get("/<int:evidence_id>/archive")
@login_required
def archive_confirm(org_id: int, evidence_id: int):
    """Say what archiving means before it is done (a plain page: no script needed)."""
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_write_evidence)
    evidence = _evidence_or_404(organisation, evidence_id)
    if evidence.archived:
        return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence_id))
    return render_template("evidence/archive_confirm.html", organisation=organisation, evidence=evidence)


@bp.post("/<int:evidence_id>/archive")
@login_required
def archive(org_id: int, evidence_id: int):
    return _set_archived(org_id, evidence_id, evidence_service.archive_evidence,
                         _("«%(title)s» is archived. It no longer shows in the library."))


@bp.post("/<int:evidence_id>/restore")
@login_required
def restore(org_id: int, evidence_id: int):
    return _set_archived(org_id, evidence_id, evidence_service.restore_evidence, _("«%(title)s» is restored."))


def _set_archived(org_id: int, evidence_id: int, change, message: str):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_write_evidence)
    evidence = _evidence_or_404(organisation, evidence_id)
    try:
        attempt(None, lambda: change(current_user, evidence))
    except Refused:
        return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence_id)), 303
    flash(message % {"title": evidence.title}, "success")
    return redirect(url_for("evidence.detail", org_id=org_id, evidence_id=evidence_id))


@bp.get("/<int:evidence_id>/files/<int:version>")
@login_required
def download(org_id: int, evidence_id: int, version: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    file = organisation_file(organisation.id, evidence_id, version)
    if file is None:
        abort(404)
    return attachment(file)


def attachment(file) -> object:
    """The stored bytes as a streamed download, never shown inline, never sniffed (also used by the
    API and the review package): ``seqf.services.evidence_files.stream_attachment``."""
    return stream_attachment(file)
