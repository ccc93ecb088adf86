"""API: the follow-up against the action plan (issue 8) and the plan's exports.

``GET /reviews/{id}/plan`` — the coordinator, the assigned revisors and the organisation's leaders
(other members 403, anyone else 404). ``PUT /reviews/{id}/plan/goals/{goal_id}/comment`` — the
assigned revisors while findings may be recorded; stale ``version`` → 409. The plan as PDF and
XLSX: whoever reads the plan — members, coordinators, admins (404 otherwise).
"""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from seqf.api import followup_schemas as s
from seqf.api.core import ApiError, current_api_user, iso, operation
from seqf.extensions import db
from seqf.models import GoalReviewComment, Review, User
from seqf.plans.views_exports import XLSX, member_organisation
from seqf.reports.plan_pdf import plan_filename, plan_pdf
from seqf.reports.plan_xlsx import plan_xlsx
from seqf.services import plan_follow_up, review_guards


def comment_out(comment: GoalReviewComment | None) -> dict | None:
    if comment is None:
        return None
    return {"goal_id": comment.goal_id, "review_id": comment.review_id, "text": comment.text,
            "version": comment.version, "author": _name(comment.author_id),
            "updated_at": iso(comment.updated_at)}


def _name(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else None


def _entry_out(entry) -> dict:
    update = entry.update
    note = update.note if update is not None else (entry.data.get("title") if entry.data else None)
    return {"at": iso(entry.at), "kind": entry.kind, "health": update.health.value if update else None,
            "note": note, "actor": entry.actor.name if entry.actor else None}


def _readable(review_id: int) -> Review:
    user = current_api_user()
    review = review_guards.review_or_404(review_id, user)
    plan_follow_up.require_reader(review, user)
    return review


@operation("/reviews/<int:review_id>/plan", tag="action plan", response=s.FollowupPlanOut, errors=(403, 404),
           summary="The action plan for a review: goals with their history since the previous review and the "
                   "revisors' comments (revisors, coordinator, the organisation's leaders)")
def followup_plan(review_id: int):
    review = _readable(review_id)
    rows = plan_follow_up.rows(review)
    return {
        "review_id": review.id, "organisation_id": review.organisation_id, "kind": review.kind.value,
        "since": iso(plan_follow_up.since_of(review)),
        "can_comment": plan_follow_up.can_comment(review, current_api_user()),
        "goals": [{
            "goal_id": r.goal.id, "title": r.goal.title, "state": r.goal.state.value, "health": r.goal.health.value,
            "areas": list(r.goal.areas or []), "owner": r.goal.owner.name if r.goal.owner else None,
            "deputy": r.goal.deputy.name if r.goal.deputy else None, "due_on": iso(r.goal.due_on),
            "last_update_at": iso(r.goal.last_update_at), "tasks_done": r.tasks_done, "tasks_open": r.tasks_open,
            "history": [_entry_out(e) for e in r.entries], "comment": comment_out(r.comment),
        } for r in rows],
    }


@operation("/reviews/<int:review_id>/plan/goals/<int:goal_id>/comment", "PUT", tag="action plan",
           body=s.FollowupCommentIn, response=s.FollowupCommentOut, errors=(403, 404, 409, 422),
           summary="Write the revisors' comment on a goal (assigned revisors, until publication)")
def followup_comment(review_id: int, goal_id: int, body: s.FollowupCommentIn):
    user = current_api_user()
    review = _readable(review_id)
    goal = plan_follow_up.goal_of_review(review, goal_id)
    comment = plan_follow_up.save_comment(user, review, goal, body.text, body.version)
    db.session.commit()
    return comment_out(comment)


def _member_org(org: int):
    organisation = member_organisation(current_api_user(), org)
    if organisation is None:
        raise ApiError(404, "not_found", _("No such organisation."))
    return organisation


@operation("/organisations/<int:org>/plan.pdf", tag="action plan", errors=(404,),
           content_types=("application/pdf",), summary="The action plan as PDF, for the board (plan readers)")
def followup_plan_pdf(org: int):
    organisation = _member_org(org)
    return Response(plan_pdf(organisation), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{plan_filename(organisation, "pdf")}"'})


@operation("/organisations/<int:org>/plan.xlsx", tag="action plan", errors=(404,),
           content_types=(XLSX,), summary="The action plan as XLSX: goals, tasks and updates (plan readers)")
def followup_plan_xlsx(org: int):
    organisation = _member_org(org)
    return Response(plan_xlsx(organisation), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{plan_filename(organisation, "xlsx")}"'})
