"""API: the pre-visit package and the visit agenda with its notes — for the assigned revisors only.

Everyone else (coordinator, other revisors, the organisation's members) gets 404, as on the pages:
the package and the notes are the revisors' working material. The package carries aggregates only
(released staff figures, consensus); ``action_plan`` lists the plan's active and paused goals.
"""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from seqf.api import review_visit_schemas as s
from seqf.api.core import ApiError, current_api_user, iso, operation
from seqf.api.evidence import FILE_TYPES
from seqf.extensions import db
from seqf.models import Review, VisitSlot
from seqf.services import review_guards, review_package, visit_agenda
from seqf.services.errors import NotFound


def _revisor_review(review_id: int) -> Review:
    user = current_api_user()
    review = review_guards.review_or_404(review_id, user)
    review_guards.require_revisor(review, user)
    return review


def _package_review(review_id: int) -> Review:
    review = _revisor_review(review_id)
    review_package.require_package(review, current_api_user())
    return review


def _revisor_slot(slot_id: int) -> VisitSlot:
    slot = db.session.get(VisitSlot, slot_id)
    if slot is None:
        raise ApiError(404, "not_found", _("No such time slot."))
    try:
        _revisor_review(slot.review_id)
    except NotFound:
        raise ApiError(404, "not_found", _("No such time slot.")) from None
    return slot


def package_out(review: Review) -> dict:
    data = review_package.package(review)
    sa_ = data["self_assessment"]
    if sa_ is not None:
        sa_ = {**sa_, "closed_at": iso(sa_["closed_at"]), "consensus_recorded_at": iso(sa_["consensus_recorded_at"])}
    evidence = [{**e, "updated_at": iso(e["updated_at"]),
                 "download": f"/api/v1/reviews/{review.id}/package/evidence/{e['id']}" if e["file"] else None}
                for e in data["evidence"]]
    previous = data["previous_review"]
    if previous is not None:
        previous = {**previous, "visit_starts_on": iso(previous["visit_starts_on"]),
                    "visit_ends_on": iso(previous["visit_ends_on"]), "published_at": iso(previous["published_at"]),
                    "report_pdf": (f"/api/v1/reviews/{review.id}/package/previous-report.pdf"
                                   if previous["report_version"] else None)}
    return {**data, "self_assessment": sa_, "evidence": evidence, "previous_review": previous}


def slot_out(slot: VisitSlot, others: list[VisitSlot] | None = None) -> dict:
    others = visit_agenda.slots_of(slot.review) if others is None else others
    return {"id": slot.id, "review_id": slot.review_id, "day": slot.day.isoformat(),
            "starts_at": slot.starts_at.strftime("%H:%M"), "ends_at": slot.ends_at.strftime("%H:%M"),
            "groups": list(slot.groups), "programme": slot.programme, "topic": slot.topic,
            "has_note": bool(slot.note), "version": slot.version, "note_version": slot.note_version,
            "overlaps": [o.id for o in visit_agenda.overlaps(slot, others)]}


def note_out(slot: VisitSlot) -> dict:
    return {"slot_id": slot.id, "text": slot.note, "version": slot.note_version,
            "updated_at": iso(slot.note_updated_at)}


# --- the package ---------------------------------------------------------------------------------

@operation("/reviews/<int:review_id>/package", summary="The pre-visit package (assigned revisors)",
           tag="reviews", response=s.PackageOut)
def package_get(review_id: int):
    return package_out(_package_review(review_id))


@operation("/reviews/<int:review_id>/package.zip", summary="The pre-visit package as a ZIP (assigned revisors)",
           tag="reviews", content_type="application/zip", errors=(413,))
def package_zip_get(review_id: int):
    review = _package_review(review_id)
    data = review_package.package_zip(review)
    review_package.record_download(current_api_user(), review)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="package-review-{review.id}.zip"',
        "Cache-Control": "private, no-store"})


@operation("/reviews/<int:review_id>/package/evidence/<int:evidence_id>", tag="reviews",
           summary="The latest file of one piece of the package's evidence (assigned revisors)",
           content_types=FILE_TYPES)
def package_evidence_get(review_id: int, evidence_id: int):
    from seqf.evidence.views import attachment
    from seqf.services import evidence as evidence_service

    review = _package_review(review_id)
    evidence = review_package.package_evidence(review, evidence_id)
    file = evidence_service.evidence_file(evidence) if evidence is not None and not evidence.is_link else None
    if file is None:
        raise ApiError(404, "not_found", _("No such evidence in this package."))
    return attachment(file)


@operation("/reviews/<int:review_id>/package/previous-report.pdf", tag="reviews", content_type="application/pdf",
           summary="The previous review's report as PDF (assigned revisors)")
def package_previous_report_get(review_id: int):
    review = _package_review(review_id)
    pdf = review_package.previous_report_pdf(review)
    if pdf is None:
        raise ApiError(404, "not_found", _("The previous review's report is not available."))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-review-{review.previous_review_id}.pdf"',
        "Cache-Control": "private, no-store"})


# --- the agenda ----------------------------------------------------------------------------------

@operation("/reviews/<int:review_id>/agenda", summary="The visit agenda's time slots (assigned revisors)",
           tag="reviews", response=list[s.VisitSlotOut])
def visit_agenda_list(review_id: int):
    review = _revisor_review(review_id)
    slots = visit_agenda.slots_of(review)
    return [slot_out(slot, slots) for slot in slots]


@operation("/reviews/<int:review_id>/agenda", "POST", summary="Add a time slot (assigned revisors)",
           tag="reviews", body=s.VisitSlotIn, response=s.VisitSlotOut, status=201, errors=(403, 409))
def visit_slot_create(review_id: int, body: s.VisitSlotIn):
    review = _revisor_review(review_id)
    slot = visit_agenda.add_slot(current_api_user(), review, visit_agenda.SlotData(
        day=body.day, starts_at=body.starts_at, ends_at=body.ends_at, groups=list(body.groups),
        programme=body.programme, topic=body.topic))
    return slot_out(slot)


@operation("/visit-slots/<int:slot_id>", "PATCH", summary="Change a time slot (assigned revisors)",
           tag="reviews", body=s.VisitSlotPatch, response=s.VisitSlotOut, errors=(403, 409))
def visit_slot_update(slot_id: int, body: s.VisitSlotPatch):
    slot = _revisor_slot(slot_id)
    given = body.model_dump(exclude_unset=True)
    data = visit_agenda.SlotData(
        day=given["day"] if "day" in given else slot.day,
        starts_at=given["starts_at"] if "starts_at" in given else slot.starts_at,
        ends_at=given["ends_at"] if "ends_at" in given else slot.ends_at,
        groups=list(given["groups"]) if given.get("groups") is not None else list(slot.groups),
        programme=given["programme"] if given.get("programme") is not None else slot.programme,
        topic=given["topic"] if given.get("topic") is not None else slot.topic)
    visit_agenda.update_slot(current_api_user(), slot, data, given.get("version"))
    return slot_out(slot)


@operation("/visit-slots/<int:slot_id>", "DELETE", summary="Delete a time slot and its note (assigned revisors)",
           tag="reviews", status=204, errors=(403, 409))
def visit_slot_delete(slot_id: int):
    visit_agenda.delete_slot(current_api_user(), _revisor_slot(slot_id))
    return None


@operation("/visit-slots/<int:slot_id>/note", summary="A time slot's note (assigned revisors)",
           tag="reviews", response=s.VisitNoteOut)
def visit_note_get(slot_id: int):
    return note_out(_revisor_slot(slot_id))


@operation("/visit-slots/<int:slot_id>/note", "PUT", tag="reviews", body=s.VisitNotePut, response=s.VisitNoteOut,
           summary="Save a time slot's note; a stale version answers 409 with the stored text in "
                   "error.current (assigned revisors)", errors=(403, 409))
def visit_note_put(slot_id: int, body: s.VisitNotePut):
    slot = _revisor_slot(slot_id)
    try:
        visit_agenda.save_note(current_api_user(), slot, body.text, body.version)
    except visit_agenda.StaleNote as exc:
        db.session.rollback()
        answer = jsonify(error={"code": exc.code, "message": exc.message, "fields": exc.fields,
                                "current": {"text": exc.current_text, "version": exc.current_version}})
        answer.status_code = 409
        return answer
    return note_out(slot)
