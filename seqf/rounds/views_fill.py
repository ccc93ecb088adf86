"""A participant's pages: fill in one area at a time (with autosave), confirm and submit.

An area is answered only when the person says so: something ticked, or the explicit "none of
these steps yet". Every save carries the version the page was based on; a save based on an
older version (another window saved meanwhile) shows both versions and keeps what was typed.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import permissions
from seqf.errors import json_error
from seqf.extensions import db
from seqf.models import ResponseState, Round
from seqf.rounds import bp, forms, pages
from seqf.rounds.access import area_or_404, participating_round_or_404, status_of
from seqf.services import evidence as evidence_service
from seqf.services import rounds
from seqf.services.assessments import AreaData, StaleVersion
from seqf.services.errors import ServiceError
from seqf.web import Refused, attempt


@bp.route("/rounds/<int:round_id>/fill", methods=["GET", "POST"])
@login_required
def fill(round_id: int):
    round_ = participating_round_or_404(round_id)
    areas = rounds.round_areas(round_)
    index, area = area_or_404(areas, request.args.get("area"))
    if request.method == "GET":
        response = rounds.response_of(round_, current_user)
        return render_template("rounds/fill.html", **pages.fill_context(round_, areas, index, response))
    posted = forms.answer_from_form(request.form, area)
    answered = forms.is_answered(request.form, posted)
    try:
        response = attempt(None, lambda: _save(round_, area, posted, answered))
    except Refused as exc:
        db.session.rollback()  # show what is stored, not the half-done attempt
        response = rounds.response_of(round_, current_user)
        cause = exc.__cause__
        context = pages.fill_context(round_, areas, index, response, posted=posted,
                                     errors=getattr(cause, "fields", {}),
                                     conflict=cause if isinstance(cause, StaleVersion) else None)
        return render_template("rounds/fill.html", **context), status_of(exc)
    if not answered:
        # not an answer: the page stays, says why, and keeps what was typed (a stored answer that
        # was unticked is removed, so progress and the submit page stay true)
        dropped = {f"step-{level}-file": _("The file was not uploaded, because the area is not answered yet.")
                   for level, _title, _upload in forms.uploads_from_form(request.files, request.form, area)}
        context = pages.fill_context(round_, areas, index, response, posted=posted, not_answered=True,
                                     errors=dropped)
        return render_template("rounds/fill.html", **context)
    flash(_("“%(area)s” is saved.", area=pages.area_label(area)), "success")
    return redirect(_after_save(round_, areas, index, request.form.get("action")))


def _save(round_: Round, area: dict, posted: AreaData, answered: bool):
    """Upload files chosen on the page into the library, link them to their steps, save the draft.

    A refusal anywhere (locked response, refused file type, stale version) rolls the whole
    request back. An unanswered area uploads nothing: the page asks for an answer first.
    """
    if not answered:
        response = rounds.response_of(round_, current_user)
        if response is not None:
            rounds.save_answers(current_user, response, [], unanswered=[posted])
        return response
    response = rounds.response_of(round_, current_user, create=True)
    uploads = forms.uploads_from_form(request.files, request.form, area)
    if uploads and not permissions.can_write_evidence(current_user, round_.organisation_id):
        abort(403)
    steps = forms.steps_by_level(posted)
    for level, title, upload in uploads:
        try:
            evidence = evidence_service.add_file_evidence(
                current_user, round_.organisation, title=title, filename=upload.filename or "",
                data=upload.read(), tags=[f"{area['code']}.{level}"], round_id=round_.id)
        except ServiceError as exc:
            # shown beside the file input of this step; everything typed is kept
            exc.fields = {f"step-{level}-file": exc.message}
            raise
        steps[level].evidence_ids.append(evidence.id)
    rounds.save_answers(current_user, response, [posted])
    return response


def _after_save(round_: Round, areas: list[dict], index: int, action: str | None) -> str:
    if action == "previous" and index > 0:
        return url_for("rounds.fill", round_id=round_.id, area=areas[index - 1]["code"])
    if action == "next":
        if index + 1 < len(areas):
            return url_for("rounds.fill", round_id=round_.id, area=areas[index + 1]["code"])
        return url_for("rounds.submit", round_id=round_.id)
    return url_for("rounds.fill", round_id=round_.id, area=areas[index]["code"])


@bp.post("/rounds/<int:round_id>/fill/<area_code>/autosave")
@login_required
def autosave(round_id: int, area_code: str):
    """Save the draft of one area from the page's script (X-CSRFToken header); answers JSON.

    Nothing ticked and no explicit "none yet" removes the area's answer. A stale version answers
    409 ``stale_version`` with the stored answer (``current``) and a fragment the page shows.
    """
    round_ = participating_round_or_404(round_id)
    area = next((a for a in rounds.round_areas(round_) if a["code"] == area_code), None)
    if area is None:
        return json_error(404, "unknown_area", _("Unknown quality area “%(area)s”.", area=area_code))
    posted = forms.answer_from_form(request.form, area)
    answered = forms.is_answered(request.form, posted)
    saved = None
    try:
        response = rounds.response_of(round_, current_user, create=answered)
        if response is not None:
            saved = rounds.save_answers(current_user, response, [posted] if answered else [],
                                        unanswered=[] if answered else [posted])
    except StaleVersion as exc:
        db.session.rollback()
        return jsonify(pages.conflict_body(round_, area, exc)), 409
    except ServiceError as exc:
        return json_error(exc.status, exc.code, exc.message, exc.fields)
    return jsonify(pages.autosave_body(round_, response, area, saved))


@bp.route("/rounds/<int:round_id>/submit", methods=["GET", "POST"])
@login_required
def submit(round_id: int):
    round_ = participating_round_or_404(round_id)
    response = rounds.response_of(round_, current_user)
    if response is not None and response.state == ResponseState.submitted:
        flash(_("Your answers are already submitted and can no longer be changed."), "info")
        return redirect(url_for("rounds.overview", round_id=round_id))
    status = 200
    if request.method == "POST":
        try:
            attempt(None, lambda: rounds.submit_response(
                current_user, rounds.response_of(round_, current_user, create=True)))
        except Refused as exc:
            db.session.rollback()
            response = rounds.response_of(round_, current_user)
            status = status_of(exc)
        else:
            flash(_("Thank you! Your answers are submitted."), "success")
            return redirect(url_for("rounds.overview", round_id=round_id))
    return render_template("rounds/submit.html", round=round_, organisation=round_.organisation,
                           areas=rounds.round_areas(round_), result=rounds.response_result(response, round_),
                           locked=pages.is_locked(round_, response)), status
