"""Findings in the browser: the list of areas, the finding form per area (beside the consensus,
the staff median and the previous review), the overall picture, the comment round and publishing.

Revisors see the findings; the organisation's leaders see the draft with a comment box per area
while the comment round is open; anyone else does not learn the page exists (404) or is told why
not (403). Rules live in the services; bad input re-renders the form with the message and 422.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField
from wtforms.validators import DataRequired

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Review, ReviewKind, ReviewState
from seqf.reports import review_report
from seqf.reviews import bp
from seqf.services import findings as finding_service
from seqf.services import publication, review_guards, review_scope
from seqf.services import review_comments as comment_service
from seqf.services.assessments import AreaData, StaleVersion, StepData
from seqf.services.errors import ServiceError
from seqf.web import Refused, attempt


def page(template: str, **context):
    """Render with what every findings/report page needs: the report language and the overview link."""
    review = context["review"]
    context.setdefault("language", publication.report_language(review))
    context.setdefault("overview_url", url_for("reviews.overview", review_id=review.id)
                       if "reviews.overview" in current_app.view_functions else None)
    return render_template(template, **context)


def load(review_id: int, options: tuple = ()) -> tuple[Review, set[str]]:
    """The review and the caller's roles on it; 404 when the caller has none. ``options``: loader
    options for what the page shows (see ``review_guards.review_or_404``)."""
    try:
        review = review_guards.review_or_404(review_id, current_user, options)
    except ServiceError:
        abort(404)
    return review, review_guards.review_roles(review, current_user)


def revisor_or_404(review_id: int) -> tuple[Review, set[str]]:
    review, roles = load(review_id)
    if not roles & review_guards.REVISOR_ROLES:
        abort(404)
    return review, roles


def area_or_404(review: Review, code: str) -> dict:
    for area in review_scope.review_areas(review):
        if area["code"] == code:
            return area
    abort(404, description=_("This review does not cover the quality area “%(area)s”.", area=code[:16]))


def _status(exc: Refused) -> int:
    return getattr(exc.__cause__, "status", 422)


def _evidence_ids(form: MultiDict, level: int) -> list[int]:
    ids = []
    for raw in form.getlist(f"step-{level}-evidence"):
        if raw.isdigit() and len(raw) < 10:
            ids.append(int(raw))
    return ids


def finding_from_form(form: MultiDict, area: dict) -> AreaData:
    """Steps from the indicator checkboxes: a step is met when all its indicators are ticked."""
    steps = []
    for step in area["steps"]:
        level = step["level"]
        ticked = [i["code"] for i in step["indicators"] if form.get(f"step-{level}-ind-{i['code']}") == "1"]
        steps.append(StepData(level=level, indicators=ticked, evidence_ids=_evidence_ids(form, level)))
    version = form.get("version", "")
    return AreaData(area=area["code"], steps=steps, justification=form.get("justification", ""),
                    strengths=form.get("strengths", ""),
                    recommendations=form.get("recommendations", "").splitlines(),
                    version=int(version) if version.isdigit() and len(version) < 10 else None)


def _stored_as_data(finding) -> AreaData:
    return AreaData(area=finding.area, justification=finding.justification, strengths=finding.strengths,
                    recommendations=list(finding.recommendations or []),
                    steps=[StepData(level=s.level, met=s.met, evidence_ids=[e.id for e in s.evidence],
                                    indicators=list(s.indicators or [])) for s in finding.steps])


def _ticked(data: AreaData | None, area: dict) -> dict[int, dict]:
    """Per step level: ticked indicator codes and evidence ids (a bare ``met`` ticks every indicator)."""
    out = {}
    steps = {s.level: s for s in (data.steps if data else [])}
    for step in area["steps"]:
        given = steps.get(step["level"])
        codes = [i["code"] for i in step["indicators"]]
        if given is None:
            out[step["level"]] = {"indicators": set(), "evidence": set()}
            continue
        ticked = set(given.indicators) if given.indicators is not None else (set(codes) if given.met else set())
        out[step["level"]] = {"indicators": ticked, "evidence": set(given.evidence_ids)}
    return out


def _library(review: Review) -> list:
    """The organisation's active evidence (what a step can be documented with), by title."""
    from seqf.services import evidence as evidence_service

    return list(db.session.scalars(evidence_service.evidence_for(review.organisation)))


@bp.route("/reviews/<int:review_id>/findings")
@login_required
def findings(review_id: int):
    review, roles = load(review_id)
    comments = comment_service.comments_of(review)
    if roles & review_guards.REVISOR_ROLES:
        return page(
            "reviews/findings.html", review=review, roles=roles, rows=finding_service.status(review),
            comments=comments, problems=publication.readiness(review),
            can_publish=workflow.allowed("review", review, "publish", current_user),
            can_open_round=workflow.allowed("review", review, "open_comment_round", current_user),
            correction=finding_service.is_correction_draft(review),
            has_correction=publication.has_correction_draft(review),
            can_edit=_can_edit(review),
            is_follow_up=review.kind == ReviewKind.follow_up)
    if roles & review_guards.LEADER_ROLES:
        if review.state != ReviewState.comment_round:
            abort(403, description=_("The draft report is open for comments only during the comment round."))
        return _comments_page(review, roles, comments)
    if "coordinator" in roles:
        return redirect(url_for("reviews.report", review_id=review.id))
    abort(404)


def _can_edit(review: Review) -> bool:
    action = "correct_report" if finding_service.is_correction_draft(review) else "record_finding"
    return workflow.allowed("review", review, action, current_user)


def _comments_page(review: Review, roles: set[str], comments: dict, errors: dict | None = None,
                   posted: MultiDict | None = None, status: int = 200):
    content = review_report.build_content(review)
    context = review_report.render_context(content, publication.report_language(review), draft=True,
                                               compact=True)
    texts = {area["code"]: (posted.get(f"comment-{area['code']}", "") if posted is not None
                            else (comments[area["code"]].text if area["code"] in comments else ""))
             for area in content["areas"]}
    texts["overall"] = (posted.get("comment-overall", "") if posted is not None
                        else comments["overall"].text if "overall" in comments else "")
    return page("reviews/findings_comments.html", review=review, roles=roles, texts=texts,
                           errors=errors or {}, is_open=comment_service.is_open(review), **context), status


@bp.route("/reviews/<int:review_id>/comments", methods=["POST"])
@login_required
def save_comments(review_id: int):
    review, roles = load(review_id)
    if not roles & review_guards.LEADER_ROLES:
        abort(404 if not roles & (review_guards.REVISOR_ROLES | {"coordinator"}) else 403)
    comments = comment_service.comments_of(review)
    codes = [a["code"] for a in review_scope.review_areas(review)] + [comment_service.OVERALL]
    try:
        for code in codes:
            text = request.form.get(f"comment-{code}")
            if text is None:
                continue
            current = comments[code].text if code in comments else ""
            if text.strip() != current:
                attempt(None, lambda code=code, text=text: comment_service.save_comment(current_user, review, code,
                                                                                        text))
    except Refused as exc:
        db.session.rollback()
        review = db.session.get(Review, review_id)
        return _comments_page(review, roles, comment_service.comments_of(review), posted=request.form,
                              status=_status(exc))
    flash(_("Your comments are saved. The revisors see them beside each finding."), "success")
    return redirect(url_for("reviews.findings", review_id=review.id))


@bp.route("/reviews/<int:review_id>/findings/<area_code>", methods=["GET", "POST"])
@login_required
def finding(review_id: int, area_code: str):
    review, roles = revisor_or_404(review_id)
    area = area_or_404(review, area_code)
    stored = finding_service.findings_of(review).get(area["code"])
    status = 200
    conflict = None
    improvements = stored.improvements if stored else ""
    change_reason = stored.change_reason if stored else ""
    prefilled = False
    if request.method == "POST":
        data = finding_from_form(request.form, area)
        improvements = request.form.get("improvements", "")
        change_reason = request.form.get("change_reason", "")
        try:
            attempt(None, lambda: finding_service.record_finding(current_user, review, data, improvements=improvements,
                                                                 change_reason=change_reason))
        except Refused as exc:
            db.session.rollback()
            status = _status(exc)
            if isinstance(exc.__cause__, StaleVersion):
                conflict = exc.__cause__
            review = db.session.get(Review, review_id)
            stored = finding_service.findings_of(review).get(area["code"])
            errors = exc.__cause__.fields if isinstance(exc.__cause__, ServiceError) else {}
        else:
            saved = finding_service.findings_of(review)[area["code"]]
            flash(_("Saved: area %(area)s scores %(score)d (claimed %(claimed)d).", area=area["code"],
                    score=saved.score, claimed=saved.claimed), "success")
            return redirect(_after_save(review, area["code"], request.form.get("action")))
    else:
        errors = {}
        if stored is not None:
            data = _stored_as_data(stored)
        else:
            data = finding_service.prefill(review, area["code"])
            prefilled = data is not None
    language = publication.report_language(review)
    areas = review_scope.review_areas(review)
    codes = [a["code"] for a in areas]
    index = codes.index(area["code"])
    comment = comment_service.comments_of(review).get(area["code"])
    return page(
        "reviews/finding.html", review=review, roles=roles, area=area, data=data, stored=stored,
        ticked=_ticked(data, area), improvements=improvements, change_reason=change_reason,
        version=(stored.version if stored else 0) if conflict is None else (stored.version if stored else 0),
        compare=finding_service.comparison(review, area["code"]), prefilled=prefilled, errors=errors,
        conflict=conflict, library=_library(review), comment=comment, language=language,
        next_code=codes[index + 1] if index + 1 < len(codes) else None,
        can_edit=_can_edit(review), correction=finding_service.is_correction_draft(review),
        recommendations=finding_service.numbered(area["code"], [r for r in (data.recommendations if data else [])
                                                                 if r.strip()]),
    ), status


def _after_save(review: Review, code: str, action: str | None) -> str:
    if action == "next":
        codes = [a["code"] for a in review_scope.review_areas(review)]
        index = codes.index(code)
        if index + 1 < len(codes):
            return url_for("reviews.finding", review_id=review.id, area_code=codes[index + 1])
        return url_for("reviews.findings", review_id=review.id)
    return url_for("reviews.finding", review_id=review.id, area_code=code)


@bp.route("/reviews/<int:review_id>/overall", methods=["POST"])
@login_required
def overall(review_id: int):
    review, roles = revisor_or_404(review_id)
    version = request.form.get("version", "")
    try:
        attempt(None, lambda: finding_service.save_overall(
            current_user, review, request.form.get("overall", ""), request.form.get("outcome") or None,
            version=int(version) if version.isdigit() and len(version) < 10 else None))
    except Refused as exc:
        db.session.rollback()
        review = db.session.get(Review, review_id)
        return page("reviews/findings.html", review=review, roles=roles,
                               rows=finding_service.status(review), comments=comment_service.comments_of(review),
                               problems=publication.readiness(review),
                               can_publish=workflow.allowed("review", review, "publish", current_user),
                               can_open_round=workflow.allowed("review", review, "open_comment_round", current_user),
                               correction=finding_service.is_correction_draft(review),
                               has_correction=publication.has_correction_draft(review), can_edit=_can_edit(review),
                               is_follow_up=review.kind == ReviewKind.follow_up,
                               posted_overall=request.form.get("overall", "")), _status(exc)
    flash(_("The overall picture is saved."), "success")
    return redirect(url_for("reviews.findings", review_id=review.id) + "#overall")


class CommentRoundForm(FlaskForm):
    until = DateField(_l("Comments by"), validators=[DataRequired()])


@bp.route("/reviews/<int:review_id>/comment-round", methods=["GET", "POST"])
@login_required
def comment_round(review_id: int):
    review, roles = revisor_or_404(review_id)
    if "lead" not in roles:
        abort(403, description=_("Only the lead revisor opens the comment round."))
    form = CommentRoundForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                attempt(form, lambda: comment_service.open_comment_round(current_user, review, form.until.data))
            except Refused as exc:
                db.session.rollback()
                review = db.session.get(Review, review_id)
                status = _status(exc)
            else:
                flash(_("The comment round is open. The organisation's leaders have been told by e-mail."), "success")
                return redirect(url_for("reviews.findings", review_id=review.id))
        else:
            status = 422
    elif form.until.data is None:
        import datetime as dt

        form.until.data = clock.today() + dt.timedelta(days=14)
    return page("reviews/findings_comment_round.html", review=review, roles=roles, form=form,
                           leaders=comment_service.leaders_of(review.organisation_id),
                           can_open=workflow.allowed("review", review, "open_comment_round", current_user)), status


@bp.route("/reviews/<int:review_id>/publish", methods=["GET", "POST"])
@login_required
def publish(review_id: int):
    review, roles = revisor_or_404(review_id)
    if "lead" not in roles:
        abort(403, description=_("Only the lead revisor publishes the report."))
    status = 200
    if request.method == "POST" and request.form.get("confirm") == "yes":
        try:
            attempt(None, lambda: publication.publish(current_user, review))
        except Refused as exc:
            db.session.rollback()
            review = db.session.get(Review, review_id)
            status = _status(exc)
        else:
            flash(_("The report is published. The organisation's members have been told by e-mail."), "success")
            return redirect(url_for("reviews.report", review_id=review.id))
    problems = publication.readiness(review)
    areas = {a["code"]: a for a in review_scope.review_areas(review)}
    return page("reviews/findings_publish.html", review=review, roles=roles, problems=problems,
                           areas=areas, language=publication.report_language(review),
                           can_publish=workflow.allowed("review", review, "publish", current_user),
                           comments=comment_service.comments_of(review)), status
