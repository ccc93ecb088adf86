"""The review report in the browser: the HTML page (newest version or ``?version=N``, or the draft),
its typeset PDF, and the lead revisor's correction page.

Published: every member of the organisation, the revisors and the coordinator. Before publication:
revisors and the coordinator, the organisation's leaders during the comment round; staff are told
"not published yet" (403). Anyone without a role on the review gets 404.
"""

from __future__ import annotations

import sqlalchemy.orm as so
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from seqf import workflow
from seqf.extensions import db
from seqf.models import Review, ReviewRevisor
from seqf.reports import review_report
from seqf.reviews import bp
from seqf.reviews.views_findings import load, page
from seqf.services import publication, review_guards
from seqf.services.assessments import MAX_TEXT
from seqf.services.errors import ServiceError
from seqf.web import Refused, attempt

# the report page shows the organisation's name; the roles need the revisors: loaded with the review
REPORT_LOADS = (so.joinedload(Review.organisation), so.joinedload(Review.revisors).joinedload(ReviewRevisor.user))


def readable(review_id: int, options: tuple = ()) -> tuple[Review, set[str]]:
    review, roles = load(review_id, options)
    try:
        review_guards.require_report(review, current_user)
    except ServiceError as exc:
        abort(403, description=exc.message)
    return review, roles


def chosen_version(review: Review):
    raw = request.args.get("version", "")
    if raw == "":
        return review_report.latest_version(review)
    if not raw.isdigit() or len(raw) > 7:
        abort(404, description=_("No such version."))
    found = review_report.version_of(review, int(raw))
    if found is None:
        abort(404, description=_("No such version."))
    return found


@bp.route("/reviews/<int:review_id>/report")
@login_required
def report(review_id: int):
    review, roles = readable(review_id, REPORT_LOADS)
    # every version (for the list; their content is loaded for the one shown only), newest first
    versions = review_report.versions(review, with_content=False)
    latest = versions[0] if versions else None
    raw = request.args.get("version", "")
    if raw == "":
        version = latest
    else:
        version = next((v for v in versions if raw.isdigit() and len(raw) <= 7 and v.number == int(raw)), None)
        if version is None:
            abort(404, description=_("No such version."))
    if version is None:
        language = publication.report_language(review)
        context = review_report.render_context(review_report.build_content(review), language, draft=True,
                                               compact=True)
    else:
        context = review_report.render_context(version.content, version.language, version=version,
                                               compact=True)
    # the page's language is the report's (the template reads ``report_language``)
    return page("reviews/report.html", review=review, roles=roles, versions=versions,
                language=context["report_language"], latest=latest,
                is_latest=version is None or latest is None or version.id == latest.id,
                can_correct=workflow.allowed("review", review, "correct_report", current_user),
                **context)


@bp.route("/reviews/<int:review_id>/report.pdf")
@login_required
def report_pdf(review_id: int):
    review, _roles = readable(review_id)
    version = chosen_version(review)
    data, name = review_report.pdf_download(review, version)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


class CorrectionForm(FlaskForm):
    reason = TextAreaField(_l("What was corrected, and why"), validators=[DataRequired(), Length(max=MAX_TEXT)])


@bp.route("/reviews/<int:review_id>/correction", methods=["GET", "POST"])
@login_required
def correction(review_id: int):
    review, roles = load(review_id)
    if not roles & review_guards.REVISOR_ROLES:
        abort(404 if not roles & (review_guards.LEADER_ROLES | {"coordinator"}) else 403)
    if not workflow.allowed("review", review, "correct_report", current_user):
        abort(403, description=_("Only the lead revisor corrects a published report."))
    form = CorrectionForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                version = attempt(form, lambda: publication.correct_report(current_user, review, form.reason.data))
            except Refused as exc:
                db.session.rollback()
                review = db.session.get(Review, review_id)
                status = getattr(exc.__cause__, "status", 422)
            else:
                flash(_("Version %(n)d of the report is published. The earlier versions stay readable.",
                        n=version.number), "success")
                return redirect(url_for("reviews.report", review_id=review.id))
        else:
            status = 422
    return page("reviews/report_correction.html", review=review, roles=roles, form=form,
                           latest=review_report.latest_version(review),
                           changed=publication.has_correction_draft(review),
                           missing=publication.missing_areas(review)), status
