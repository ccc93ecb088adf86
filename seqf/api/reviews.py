"""API: planning reviews — plan, read, list, change the plan (or plan a due follow-up), cancel.

Reading a review follows the rule every review page shares (``review_guards``): the coordinator,
the assigned revisors and the organisation's leaders and org admins read it; the organisation's
staff and viewers get 403; anyone else 404. Planning, changing and cancelling are for network
coordinators. ``review_out`` is the one serialiser of a review; other review modules import it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from seqf import permissions
from seqf.api import review_schemas as s
from seqf.api.core import Query, current_api_user, operation
from seqf.extensions import db
from seqf.models import Review
from seqf.services import review_guards
from seqf.services import reviews as review_service
from seqf.services.errors import Forbidden


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def review_out(review: Review) -> dict:
    """A review as the API shows it (the plan and where it stands; findings and reports elsewhere)."""
    return {
        "id": review.id, "state": review.state.value, "kind": review.kind.value, "mode": review.mode.value,
        "organisation_id": review.organisation_id, "organisation_name": review.organisation.name,
        "instrument": review.instrument.slug, "instrument_version": review.instrument.version,
        "meeting_url": review.meeting_url or "",
        "visit_starts_on": _iso(review.visit_starts_on), "visit_ends_on": _iso(review.visit_ends_on),
        "due_on": _iso(review.due_on),
        "revisors": [{"id": r.user_id, "name": r.user.name, "role": r.role.value} for r in review.revisors],
        "suggested_lead_id": review.suggested_lead_id, "round_id": review.round_id,
        "previous_review_id": review.previous_review_id, "certificate_id": review.certificate_id,
        "areas": list(review.areas or []), "version": review.version,
        "created_at": _iso(review.created_at), "published_at": _iso(review.published_at),
        "decision": review.decision.value if review.decision else None, "decided_on": _iso(review.decided_on),
        "outcome": review.outcome.value if review.outcome else None,
    }


def _readable(review_id: int) -> Review:
    user = current_api_user()
    review = review_guards.review_or_404(review_id, user)
    review_guards.require_overview(review, user)
    return review


def _coordinated(review_id: int) -> Review:
    user = current_api_user()
    review = _readable(review_id)
    if not permissions.oversees_network(user):
        raise Forbidden(_("Only a network coordinator plans reviews."))
    return review


@operation("/organisations/<int:org>/reviews", "POST", summary="Plan a review of the organisation (coordinator)",
           tag="reviews", body=s.ReviewsCreateIn, response=s.ReviewsOut, status=201, errors=(403, 404))
def reviews_create(org: int, body: s.ReviewsCreateIn):
    user = current_api_user()
    organisation = permissions.organisation_or_404(user, org, lambda u, _o: permissions.oversees_network(u))
    review = review_service.plan_review(
        user, organisation, kind=body.kind, instrument_slug=body.instrument, revisor_ids=list(body.revisor_ids),
        mode=body.mode, meeting_url=body.meeting_url, visit_starts_on=body.visit_starts_on,
        visit_ends_on=body.visit_ends_on, round_id=body.round_id, areas=body.areas)
    return review_out(review)


@operation("/reviews", summary="The caller's reviews: a coordinator's unfinished ones, a revisor's assigned ones, "
                               "a leader's organisations' ones", tag="reviews", response=list[s.ReviewsOut],
           query={"page": Query.integer("page number (50 per page)", 1, 100_000)})
def reviews_list():
    from flask import request

    user = current_api_user()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    rows = db.session.scalars(review_service.reviews_for(user).limit(50).offset((page - 1) * 50))
    return [review_out(r) for r in rows]


@operation("/organisations/<int:org>/reviews", summary="Every review of the organisation (coordinator, leaders)",
           tag="reviews", response=list[s.ReviewsOut], errors=(403, 404))
def reviews_list_for_organisation(org: int):
    user = current_api_user()
    permissions.organisation_or_404(
        user, org, lambda u, o: permissions.oversees_network(u) or permissions.can_lead(u, o))
    return [review_out(r) for r in db.session.scalars(review_service.reviews_of_organisation(org))]


@operation("/reviews/<int:review_id>", summary="One review: plan, revisors and state (coordinator, its revisors, "
                                               "the organisation's leaders)",
           tag="reviews", response=s.ReviewsOut, errors=(403, 404))
def reviews_get(review_id: int):
    return review_out(_readable(review_id))


@operation("/reviews/<int:review_id>", "PATCH", summary="Change the plan; plans a due follow-up (coordinator)",
           tag="reviews", body=s.ReviewsUpdateIn, response=s.ReviewsOut, errors=(403, 404, 409))
def reviews_update(review_id: int, body: s.ReviewsUpdateIn):
    review = _coordinated(review_id)
    given = {}
    for name in ("revisor_ids", "mode", "meeting_url", "visit_starts_on", "visit_ends_on", "round_id", "areas"):
        if name not in body.model_fields_set:
            continue
        value = getattr(body, name)
        if value is None and name != "round_id":
            continue
        given[name] = list(value) if isinstance(value, list) else value
    review = review_service.edit_plan(current_api_user(), review, body.version, **given)
    return review_out(review)


@operation("/reviews/<int:review_id>", "DELETE", summary="Cancel a planned review or a due follow-up without "
                                                         "findings (coordinator)",
           tag="reviews", status=204, errors=(403, 404, 409),
           query={"reason": Query.text("why (told to the revisors and leaders)", 1000)})
def reviews_cancel(review_id: int):
    from flask import request

    review = _coordinated(review_id)
    review_service.cancel_review(current_api_user(), review, request.args.get("reason", ""))
    return None
