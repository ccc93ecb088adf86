"""Loading a review for the package and agenda pages: the service guards as HTTP errors."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from seqf.models import Review
from seqf.services import review_guards, review_package
from seqf.services.errors import Forbidden, NotFound


def revisor_review(review_id: int) -> tuple[Review, set[str]]:
    """The review for one of its assigned revisors; 404 for everyone else (its package is theirs only)."""
    try:
        review = review_guards.review_or_404(review_id, current_user)
        return review, review_guards.require_revisor(review, current_user)
    except NotFound:
        abort(404)


def package_review(review_id: int) -> tuple[Review, set[str]]:
    """The review for its assigned revisors while the package can be read (``read_package``); else 404."""
    review, roles = revisor_review(review_id)
    try:
        review_package.require_package(review, current_user)
    except NotFound:
        abort(404)
    return review, roles


def overview_review(review_id: int) -> tuple[Review, set[str]]:
    """The review for the coordinator, its revisors and the organisation's leaders; 403 for staff."""
    try:
        review = review_guards.review_or_404(review_id, current_user)
        return review, review_guards.require_overview(review, current_user)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        abort(403, description=exc.message)

