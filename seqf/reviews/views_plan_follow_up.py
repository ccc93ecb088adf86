"""The follow-up against the action plan on a review: every goal with its history since the previous
review and the revisors' comment per goal (``seqf.services.plan_follow_up``).

Read by the coordinator, the assigned revisors and the organisation's leaders (staff 403, anyone else
404); the assigned revisors write the comments while findings may be recorded. A stale comment is
refused (409) with the stored text shown beside the one typed, which is kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField

from seqf.reviews import bp
from seqf.reviews.visit_access import overview_review
from seqf.services import plan_follow_up
from seqf.services.errors import NotFound, ServiceError
from seqf.services.plan_follow_up import MAX_COMMENT, StaleComment
from seqf.text import max_length


class GoalCommentForm(FlaskForm):
    text = TextAreaField(_l("The revisors' comment"), validators=[max_length(MAX_COMMENT)])
    version = HiddenField()

    def version_number(self) -> int | None:
        try:
            return int(self.version.data) if self.version.data not in (None, "") else None
        except ValueError:
            return -1


def _forms(rows, failed: int | None = None, failed_form: GoalCommentForm | None = None) -> dict:
    forms = {}
    for row in rows:
        if failed is not None and row.goal.id == failed and failed_form is not None:
            forms[row.goal.id] = failed_form
            continue
        form = GoalCommentForm(formdata=None, prefix=f"goal-{row.goal.id}")
        form.text.data = row.comment.text if row.comment else ""
        form.version.data = str(row.comment.version) if row.comment else "0"  # 0: "none stored when I opened it"
        forms[row.goal.id] = form
    return forms


def _render(review, roles, *, failed: int | None = None, form: GoalCommentForm | None = None,
            stale: StaleComment | None = None, status: int = 200):
    rows = plan_follow_up.rows(review)
    return render_template(
        "reviews/plan_follow_up.html", review=review, roles=roles, rows=rows,
        since=plan_follow_up.since_of(review), can_comment=plan_follow_up.can_comment(review, current_user),
        forms=_forms(rows, failed, form), failed=failed, stale=stale,
    ), status


@bp.get("/reviews/<int:review_id>/action-plan", endpoint="action_plan")
@login_required
def plan_follow_up_page(review_id: int):
    review, roles = overview_review(review_id)
    return _render(review, roles)


@bp.post("/reviews/<int:review_id>/action-plan/goals/<int:goal_id>/comment")
@login_required
def action_plan_comment(review_id: int, goal_id: int):
    review, roles = overview_review(review_id)
    try:
        goal = plan_follow_up.goal_of_review(review, goal_id)
    except NotFound:
        abort(404)
    form = GoalCommentForm(prefix=f"goal-{goal.id}")
    if not form.validate_on_submit():
        return _render(review, roles, failed=goal.id, form=form, status=422)
    try:
        plan_follow_up.save_comment(current_user, review, goal, form.text.data or "", form.version_number())
    except StaleComment as exc:
        form.version.data = str(exc.current_version)  # saving again keeps the text typed
        flash(exc.message, "error")
        return _render(review, roles, failed=goal.id, form=form, stale=exc, status=409)
    except ServiceError as exc:
        if exc.status in (403, 404) and not plan_follow_up.can_comment(review, current_user):
            flash(_("Only the assigned revisors comment, and only until the report is published."), "error")
            return _render(review, roles, status=exc.status)
        form.text.errors = [*form.text.errors, exc.fields.get("text", exc.message)]
        flash(exc.message, "error")
        return _render(review, roles, failed=goal.id, form=form, status=exc.status)
    flash(_("Comment saved."), "success")
    return redirect(url_for("reviews.action_plan", review_id=review.id) + f"#goal-{goal.id}")
