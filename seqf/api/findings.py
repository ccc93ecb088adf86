"""API: a review's findings, the comment round, publication, the report and its corrections.

Findings are for the assigned revisors only (anyone else: 404). The comment round and publication
are the lead revisor's (a co-revisor: 403). Comments are written by the organisation's leaders
while the round is open. The report reaches every member once published; a draft is refused to
staff with 403 ``not_published``. An area in the path that the review does not cover is 404; an
``area`` in the body that differs from the path is 422 ``unknown_area``.
"""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _

from seqf.api import findings_schemas as s
from seqf.api.core import ApiError, Query, current_api_user, operation
from seqf.api.rounds import _stale
from seqf.models import Review, ReviewState, User
from seqf.reports import review_report
from seqf.services import assessments, publication, review_guards
from seqf.services import findings as finding_service
from seqf.services import review_comments as comment_service

TAG = "reviews"


def _review(review_id: int) -> tuple[Review, User]:
    user = current_api_user()
    return review_guards.review_or_404(review_id, user), user


def _revisor(review_id: int) -> tuple[Review, User]:
    review, user = _review(review_id)
    review_guards.require_revisor(review, user)
    return review, user


def _area_or_404(review: Review, area: str) -> str:
    if area not in finding_service.covered_areas(review):
        raise ApiError(404, "unknown_area", _("This review does not cover the quality area “%(area)s”.",
                                              area=area[:16]))
    return area


def findings_area_out(review: Review, finding) -> dict:
    data = assessments.as_dict(finding)
    return {
        "area": finding.area, "claimed": finding.claimed, "score": finding.score, "steps": data["steps"],
        "justification": finding.justification, "strengths": finding.strengths,
        "improvements": finding.improvements, "change_reason": finding.change_reason,
        "recommendations": finding_service.numbered(finding.area, list(finding.recommendations or [])),
        "version": finding.version, "previous_score": finding_service.previous_score(review, finding.area),
        "correction_draft": finding_service.is_correction_draft(review),
    }


@operation("/reviews/<int:review_id>/findings", summary="Every covered area's finding status (assigned revisors)",
           tag=TAG, response=s.FindingsListOut, errors=(404,))
def findings_list(review_id: int):
    review, _user = _revisor(review_id)
    return {
        "state": review.state.value, "areas": finding_service.status(review), "overall": review.overall or "",
        "outcome": review.outcome.value if review.outcome else None, "version": review.version,
        "comment_until": review.comment_until.isoformat() if review.comment_until else None,
        "comments": {area: c.text for area, c in comment_service.comments_of(review).items()},
    }


@operation("/reviews/<int:review_id>/findings/<code>",
           summary="One area's finding with the consensus, staff median and previous review beside it",
           tag=TAG, response=s.FindingsComparisonOut, errors=(404,))
def findings_area(review_id: int, code: str):
    area = code
    review, _user = _revisor(review_id)
    _area_or_404(review, area)
    finding = finding_service.findings_of(review).get(area)
    start = finding_service.prefill(review, area) if finding is None else None
    comment = comment_service.comments_of(review).get(area)
    return {
        "finding": findings_area_out(review, finding) if finding else None,
        "prefill": ({"steps": [{"step": st.level, "met": st.met, "evidence_ids": st.evidence_ids}
                               for st in start.steps],
                     "justification": start.justification} if start else None),
        **finding_service.comparison(review, area),
        "comment": comment.text if comment else None,
    }


@operation("/reviews/<int:review_id>/findings/<code>", "PUT",
           summary="Record the finding for one area (assigned revisors; after publication the lead, as a "
                   "correction draft)", tag=TAG, body=s.FindingsAreaIn, response=s.FindingsAreaOut,
           errors=(403, 404, 409))
def findings_save(review_id: int, code: str, body: s.FindingsAreaIn):
    area = code
    review, user = _revisor(review_id)
    _area_or_404(review, area)
    if body.area is not None and body.area != area:
        raise ApiError(422, "unknown_area", _("The area in the body (%(body)s) is not the area in the path (%(path)s).",
                                              body=body.area[:8], path=area[:8]), {"area": body.area[:8]})
    try:
        finding = finding_service.record_finding(user, review, body.to_data(area), improvements=body.improvements,
                                                 change_reason=body.change_reason)
    except assessments.StaleVersion as exc:
        return _stale(exc)
    return findings_area_out(review, finding)


@operation("/reviews/<int:review_id>/overall", "PUT",
           summary="The overall picture and, for a follow-up, its outcome (assigned revisors)", tag=TAG,
           body=s.FindingsOverallIn, response=s.FindingsOverallOut, errors=(403, 404, 409))
def findings_overall(review_id: int, body: s.FindingsOverallIn):
    review, user = _revisor(review_id)
    finding_service.save_overall(user, review, body.text, body.outcome, version=body.version)
    return {"overall": review.overall, "outcome": review.outcome.value if review.outcome else None,
            "version": review.version}


@operation("/reviews/<int:review_id>/comment-round", "POST",
           summary="Open the comment round until a date (lead revisor)", tag=TAG, body=s.FindingsCommentRoundIn,
           response=s.FindingsStateOut, errors=(403, 404, 409))
def findings_open_comment_round(review_id: int, body: s.FindingsCommentRoundIn):
    review, user = _review(review_id)
    review_guards.require_overview(review, user)
    comment_service.open_comment_round(user, review, body.until)
    return {"state": review.state.value, "comment_until": review.comment_until.isoformat()}


@operation("/reviews/<int:review_id>/comments",
           summary="The organisation's comments on the draft (revisors, coordinator, leaders)", tag=TAG,
           response=s.FindingsCommentsOut, errors=(403, 404))
def findings_comments(review_id: int):
    review, user = _review(review_id)
    review_guards.require_overview(review, user)
    return {"comment_until": review.comment_until.isoformat() if review.comment_until else None,
            "open": review.state == ReviewState.comment_round and comment_service.is_open(review),
            "comments": [{"area": area, "text": c.text}
                         for area, c in sorted(comment_service.comments_of(review).items())]}


@operation("/reviews/<int:review_id>/comments/<code>", "PUT",
           summary="Comment on one area (or \"overall\") of the draft (leaders, until the deadline); "
                   "empty text removes it", tag=TAG, body=s.FindingsCommentIn, response=s.FindingsCommentOut,
           errors=(403, 404, 409))
def findings_comment_save(review_id: int, code: str, body: s.FindingsCommentIn):
    area = code
    review, user = _review(review_id)
    review_guards.require_overview(review, user)
    comment_service.comment_area_or_404(review, area)
    comment = comment_service.save_comment(user, review, area, body.text)
    return {"area": area, "text": comment.text if comment else ""}


@operation("/reviews/<int:review_id>/publish", "POST",
           summary="Publish the report (lead revisor); 422 names the areas still missing", tag=TAG,
           response=s.FindingsPublishedOut, errors=(403, 404, 409))
def findings_publish(review_id: int):
    review, user = _review(review_id)
    review_guards.require_overview(review, user)
    version = publication.publish(user, review)
    return {"state": review.state.value, "total": version.total, "max_total": version.content["max_total"],
            "version": version.number,
            "areas": [{"area": a["code"], "score": a["score"]} for a in version.content["areas"]]}


def _version_out(v) -> dict:
    return {"number": v.number, "published_at": v.published_at.isoformat().replace("+00:00", "Z"),
            "reason": v.reason, "language": v.language, "total": v.total}


def _readable(review_id: int) -> tuple[Review, User]:
    review, user = _review(review_id)
    review_guards.require_report(review, user)
    return review, user


def _chosen_version(review: Review):
    raw = request.args.get("version", "")
    if raw == "":
        return review_report.latest_version(review)
    if not raw.isdigit() or not 1 <= int(raw) <= 10**6:
        raise ApiError(422, "validation_failed", _("version must be a number from 1 to 1000000."),
                       {"version": "1–1000000"})
    found = review_report.version_of(review, int(raw))
    if found is None:
        raise ApiError(404, "not_found", _("No such version."))
    return found


@operation("/reviews/<int:review_id>/report",
           summary="The report: the newest version (or ?version=N) and the list of versions; a draft before "
                   "publication (revisors, coordinator; leaders in the comment round)", tag=TAG,
           query={"version": Query.integer("version number", 1, 10**6)}, response=s.FindingsReportOut,
           errors=(403, 404, 422))
def findings_report(review_id: int):
    review, _user = _readable(review_id)
    version = _chosen_version(review)
    if version is None:
        return {"state": review.state.value, "draft": True, "version": None,
                "language": publication.report_language(review), "content": review_report.build_content(review),
                "versions": []}
    return {"state": review.state.value, "draft": False, "version": version.number, "language": version.language,
            "content": version.content, "versions": [_version_out(v) for v in review_report.versions(review)]}


@operation("/reviews/<int:review_id>/report.pdf", summary="The report as a typeset PDF (?version=N)", tag=TAG,
           query={"version": Query.integer("version number", 1, 10**6)}, content_types=("application/pdf",),
           errors=(403, 404, 422))
def findings_report_pdf(review_id: int):
    review, _user = _readable(review_id)
    version = _chosen_version(review)
    data, name = review_report.pdf_download(review, version)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@operation("/reviews/<int:review_id>/corrections", "POST",
           summary="Make a corrected version from the edited findings (lead revisor); older versions stay",
           tag=TAG, body=s.FindingsCorrectionIn, response=s.FindingsVersionOut, status=201, errors=(403, 404, 409))
def findings_correct(review_id: int, body: s.FindingsCorrectionIn):
    review, user = _review(review_id)
    review_guards.require_overview(review, user)
    version = publication.correct_report(user, review, body.reason)
    return _version_out(version)
