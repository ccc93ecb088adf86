"""The comment round: before publication the lead revisor lets the organisation's leaders read the
draft and send factual corrections per area until a deadline.

The round is offered, not forced (the lead may publish from drafting). One comment per area (or
``"overall"``): a save replaces the text, an empty text removes the comment. After the deadline
(Oslo date) comments answer 409; the revisors see them beside each finding, and the report keeps
them as the organisation's comments.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import MemberRole, Membership, Review, ReviewComment, User
from seqf.services import audit, locks, mail
from seqf.services.assessments import MAX_TEXT
from seqf.services.errors import Conflict, NotFound, RuleViolation
from seqf.services.findings import covered_areas
from seqf.urls import external_url

OVERALL = "overall"
LEADER_ROLES = (MemberRole.leader, MemberRole.org_admin)


def leaders_of(organisation_id: int, roles=LEADER_ROLES) -> list[User]:
    """Active members of the organisation with one of ``roles``, by name."""
    return list(db.session.scalars(_leaders_query(tuple(roles)), {"organisation_id": organisation_id}))


@functools.cache
def _leaders_query(roles: tuple) -> sa.Select:
    """Built once per set of roles with the organisation as a parameter (the report page asks it)."""
    return (sa.select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == sa.bindparam("organisation_id"), Membership.role.in_(roles),
                   User.active.is_(True))
            .order_by(User.name, User.id))


def open_comment_round(actor: User, review: Review, until: dt.date) -> None:
    """Open the round (lead revisor, from drafting) and mail the leaders the deadline and a link."""
    locks.lock(review)
    workflow.apply_transition("review", review, "open_comment_round", actor)
    if until <= clock.today():
        raise RuleViolation(_("The deadline must be after today."), fields={"until": until.isoformat()},
                            code="deadline_passed")
    review.comment_until = until
    link = external_url("reviews.findings", review_id=review.id)
    for leader in leaders_of(review.organisation_id):
        mail.queue_template(f"review-comment-round:{review.id}:{leader.id}:{until.isoformat()}", leader,
                            "review_comment_round", review=review, user=leader, until=until, link=link)


def comment_area_or_404(review: Review, area: str) -> str:
    if area != OVERALL and area not in covered_areas(review):
        raise NotFound(_("This review does not cover the quality area “%(area)s”.", area=area[:16]))
    return area


def comments_of(review: Review) -> dict[str, ReviewComment]:
    rows = db.session.scalars(sa.select(ReviewComment).where(ReviewComment.review_id == review.id))
    return {c.area: c for c in rows}


def is_open(review: Review) -> bool:
    return review.comment_until is not None and clock.today() <= review.comment_until


def save_comment(actor: User, review: Review, area: str, text: str) -> ReviewComment | None:
    """Replace the comment on ``area`` (leaders, org admins; until the deadline). Empty text removes it."""
    locks.lock(review)
    workflow.check_action("review", review, "comment", actor)
    comment_area_or_404(review, area)
    if not is_open(review):
        raise Conflict(_("The comment round closed on %(date)s.", date=review.comment_until.isoformat()
                         if review.comment_until else "–"), code="comment_round_closed")
    if len(text) > MAX_TEXT:
        raise RuleViolation(_("The text can be at most %(n)d characters.", n=MAX_TEXT),
                            fields={"text": _("At most %(n)d characters.", n=MAX_TEXT)}, code="too_long")
    text = text.strip()
    existing = comments_of(review).get(area)
    if not text:
        if existing is not None:
            db.session.delete(existing)
            audit.record(actor, "review.comment_removed", review, f"Comment on area {area} removed",
                         review.organisation_id, data={"area": area})
        db.session.flush()
        return None
    if existing is None:
        existing = ReviewComment(review_id=review.id, area=area)
        db.session.add(existing)
    existing.text = text
    existing.author_id = actor.id
    db.session.flush()
    audit.record(actor, "review.comment_saved", review, f"Comment on area {area} saved", review.organisation_id,
                 data={"area": area})
    return existing
