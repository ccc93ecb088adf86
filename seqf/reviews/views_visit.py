"""The visit agenda (time slots by day) and the revisors' notes per slot, with autosave.

Only the assigned revisors reach these pages (404 for everyone else). After the comment round the
agenda and the notes are read-only. The note page saves through ``static/js/visit-note.js`` when
JavaScript runs (JSON answers, 409 with the stored text on a stale version) and through its Save
button when it does not.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import clock
from seqf.reviews import bp
from seqf.reviews.visit_access import revisor_review
from seqf.reviews.visit_forms import NoteForm, SlotForm
from seqf.services import visit_agenda
from seqf.services.errors import NotFound, ServiceError
from seqf.web import Refused, attempt


def _day_label(day) -> str:
    return format_date(day, "EEEE d. MMMM")


def _slot_form(review, slot=None) -> SlotForm:
    form = SlotForm(obj=None)
    form.set_days([day for day, _slots in visit_agenda.agenda(review)], _day_label)
    if slot is not None and not form.is_submitted():
        form.day.data = slot.day.isoformat()
        form.starts_at.data, form.ends_at.data = slot.starts_at, slot.ends_at
        form.groups.data, form.programme.data, form.topic.data = list(slot.groups), slot.programme, slot.topic
        form.version.data = str(slot.version)
    return form


def _slot_or_404(review, slot_id: int):
    try:
        return visit_agenda.slot_or_404(review, slot_id)
    except NotFound:
        abort(404)


def _render_agenda(review, roles, form: SlotForm, status: int = 200):
    return render_template("reviews/agenda.html", review=review, roles=roles, form=form,
                           days=visit_agenda.agenda(review), can_edit=visit_agenda.can_edit(review, current_user),
                           group_label=visit_agenda.group_label), status


@bp.route("/reviews/<int:review_id>/agenda", methods=["GET", "POST"])
@login_required
def agenda(review_id: int):
    review, roles = revisor_review(review_id)
    form = _slot_form(review)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_agenda(review, roles, form, 422)
        try:
            slot = attempt(form, lambda: visit_agenda.add_slot(current_user, review, form.slot_data()))
        except Refused as exc:
            return _render_agenda(review, roles, form, getattr(exc.__cause__, "status", 422))
        _flash_overlaps(review, slot)
        flash(_("Time slot added."), "success")
        return redirect(url_for("reviews.agenda", review_id=review.id) + f"#slot-{slot.id}")
    return _render_agenda(review, roles, form)


def _flash_overlaps(review, slot) -> None:
    others = visit_agenda.overlaps(slot, visit_agenda.slots_of(review))
    if others:
        flash(_("This slot overlaps another slot on the same day. That is fine if you split up; check the times."),
              "warning")


@bp.route("/reviews/<int:review_id>/agenda/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
def agenda_edit(review_id: int, slot_id: int):
    review, roles = revisor_review(review_id)
    slot = _slot_or_404(review, slot_id)
    if not visit_agenda.can_edit(review, current_user):
        abort(409, description=_("The agenda can no longer be changed."))
    form = _slot_form(review, slot)
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                attempt(form, lambda: visit_agenda.update_slot(current_user, slot, form.slot_data(),
                                                                     form.slot_version()))
            except Refused as exc:
                status = getattr(exc.__cause__, "status", 422)
            else:
                _flash_overlaps(review, slot)
                flash(_("Time slot saved."), "success")
                return redirect(url_for("reviews.agenda", review_id=review.id) + f"#slot-{slot.id}")
    return render_template("reviews/agenda_edit.html", review=review, roles=roles, slot=slot, form=form), status


@bp.route("/reviews/<int:review_id>/agenda/<int:slot_id>/delete", methods=["GET", "POST"])
@login_required
def agenda_delete(review_id: int, slot_id: int):
    review, roles = revisor_review(review_id)
    slot = _slot_or_404(review, slot_id)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        try:
            visit_agenda.delete_slot(current_user, slot)
        except ServiceError as exc:
            abort(exc.status, description=exc.message)
        flash(_("Time slot deleted."), "success")
        return redirect(url_for("reviews.agenda", review_id=review.id))
    return render_template("reviews/agenda_delete.html", review=review, roles=roles, slot=slot,
                           can_edit=visit_agenda.can_edit(review, current_user),
                           group_label=visit_agenda.group_label)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/reviews/<int:review_id>/agenda/<int:slot_id>/note", methods=["GET", "POST"])
@login_required
def note(review_id: int, slot_id: int):
    review, roles = revisor_review(review_id)
    slot = _slot_or_404(review, slot_id)
    form = NoteForm()
    can_edit = visit_agenda.can_edit(review, current_user)
    if request.method == "GET":
        form.text.data, form.version.data = slot.note, str(slot.note_version)
        return _render_note(review, roles, slot, form, can_edit)
    if not form.validate_on_submit():
        if _wants_json():
            message = "; ".join(e for errors in form.errors.values() for e in errors)
            return jsonify(error={"code": "validation_failed", "message": message}), 422
        return _render_note(review, roles, slot, form, can_edit, status=422)
    try:
        visit_agenda.save_note(current_user, slot, form.text.data or "", form.version_number())
    except visit_agenda.StaleNote as exc:
        if _wants_json():
            return jsonify(error={"code": exc.code, "message": exc.message, "current_text": exc.current_text,
                                  "current_version": exc.current_version}), 409
        form.version.data = str(exc.current_version)  # the next Save keeps the typed text deliberately
        return _render_note(review, roles, slot, form, can_edit, theirs=exc.current_text, status=409)
    except ServiceError as exc:
        if _wants_json():
            return jsonify(error={"code": exc.code, "message": exc.message}), exc.status
        flash(exc.message, "error")
        return _render_note(review, roles, slot, form, can_edit, status=exc.status)
    saved = _("Saved %(time)s", time=format_time(clock.now(), "HH:mm"))
    if _wants_json():
        return jsonify(version=slot.note_version, saved_at=saved)
    flash(saved, "success")
    return redirect(url_for("reviews.note", review_id=review.id, slot_id=slot.id))


def _render_note(review, roles, slot, form, can_edit, theirs=None, status=200):
    return render_template("reviews/note.html", review=review, roles=roles, slot=slot, form=form, can_edit=can_edit,
                           theirs=theirs, group_label=visit_agenda.group_label), status
