"""The pre-visit package: the revisors' page, its documents and the ZIP; and the leaders' list of what
the revisors receive (titles only, no files)."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf.evidence.views import attachment
from seqf.reviews import bp
from seqf.reviews.visit_access import overview_review, package_review
from seqf.services import evidence as evidence_service
from seqf.services import review_package
from seqf.services.review_guards import LEADER_ROLES, REVISOR_ROLES
from seqf.web import MAX_PAGE


def _page_number() -> int:
    """``?page=`` of the evidence list, kept within 1…MAX_PAGE."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


@bp.get("/reviews/<int:review_id>/package")
@login_required
def package(review_id: int):
    review, roles = package_review(review_id)
    evidence = review_package.evidence_page(review, _page_number())
    return render_template("reviews/package.html", review=review, roles=roles, evidence_page=evidence,
                           package=review_package.package(review, evidence),
                           previous_pdf=review_package.report_renderer_available())


@bp.get("/reviews/<int:review_id>/package/contents")
@login_required
def package_contents(review_id: int):
    review, roles = overview_review(review_id)
    evidence = review_package.evidence_page(review, _page_number())
    return render_template("reviews/package_contents.html", review=review, roles=roles, evidence_page=evidence,
                           contents=review_package.contents(review, evidence),
                           is_revisor=bool(roles & REVISOR_ROLES), is_leader=bool(roles & LEADER_ROLES))


@bp.get("/reviews/<int:review_id>/package.zip")
@login_required
def package_zip(review_id: int):
    review, _roles = package_review(review_id)
    try:
        data = review_package.package_zip(review)
    except review_package.PackageTooLarge as exc:
        abort(413, description=exc.message)
    review_package.record_download(current_user, review)
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=f"package-review-{review.id}.zip", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/reviews/<int:review_id>/package/evidence/<int:evidence_id>")
@login_required
def package_evidence(review_id: int, evidence_id: int):
    review, _roles = package_review(review_id)
    evidence = review_package.package_evidence(review, evidence_id)
    if evidence is None or evidence.is_link:  # a link is followed from the page itself
        abort(404)
    file = evidence_service.evidence_file(evidence)
    if file is None:
        abort(404)
    return attachment(file)


@bp.get("/reviews/<int:review_id>/package/previous-report.pdf")
@login_required
def package_previous_report(review_id: int):
    review, _roles = package_review(review_id)
    pdf = review_package.previous_report_pdf(review)
    if pdf is None:
        abort(404, description=_("The previous review's report is not available."))
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"report-review-{review.previous_review_id}.pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
