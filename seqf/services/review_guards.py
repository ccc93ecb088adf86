"""Who someone is on a review (role resolver for workflows/review.yaml), its guards, and loading a
review with the rule every page and endpoint shares.

Roles on a review: ``coordinator`` (a network coordinator or an admin), ``lead`` and ``co`` (the
assigned revisors), and the caller's membership role in the reviewed organisation (``leader``,
``org_admin``, ``staff``, ``viewer``). Someone with none of these does not learn that the review
exists (404). What the organisation's members may read depends on the state: drafts, the
package and the visit notes never reach staff; leaders read the draft only in the comment round.
"""

from __future__ import annotations

from flask_babel import gettext as _

from seqf import permissions
from seqf.extensions import db
from seqf.models import Review, ReviewKind, ReviewState, RevisorRole, User
from seqf.services.errors import Forbidden, NotFound
from seqf.workflow import guard, role_resolver

REVISOR_ROLES = {"lead", "co"}
LEADER_ROLES = {"leader", "org_admin"}
# states in which the report is published and readable by every member of the organisation
PUBLISHED = {ReviewState.published, ReviewState.decided}


@role_resolver("review")
def review_roles(review: Review, user: User) -> set[str]:
    roles: set[str] = set()
    if permissions.oversees_network(user):
        roles.add("coordinator")
    for assignment in review.revisors:
        if assignment.user_id == user.id:
            roles.add("lead" if assignment.role == RevisorRole.lead else "co")
    role = permissions.member_role(user, review.organisation_id)
    if role is not None:
        roles.add(role.value)
    return roles


@guard("not_a_follow_up")
def not_a_follow_up(review: Review, actor: User) -> str | None:
    if review.kind == ReviewKind.follow_up:
        return _("A follow-up ends with its outcome; it takes no certification decision.")
    return None


def review_or_404(review_id: int, user: User, options: tuple = ()) -> Review:
    """The review if the caller has any role on it; otherwise 404 (its existence is not revealed).

    ``options`` are loader options for what the caller's page shows (one statement instead of a lazy
    load each)."""
    review = db.session.get(Review, review_id, options=list(options))
    if review is None or not review_roles(review, user):
        raise NotFound(_("No such review."))
    return review


def require_overview(review: Review, user: User) -> set[str]:
    """The review's plan and state: coordinator, assigned revisors and the organisation's leaders."""
    roles = review_roles(review, user)
    if not roles & ({"coordinator"} | REVISOR_ROLES | LEADER_ROLES):
        raise Forbidden(_("Only the organisation's leaders, the revisors and the coordinator see this review."))
    return roles


def sees_overview(review: Review, user: User) -> bool:
    """For links: would ``require_overview`` let the caller in?"""
    return bool(review_roles(review, user) & ({"coordinator"} | REVISOR_ROLES | LEADER_ROLES))


def require_revisor(review: Review, user: User) -> set[str]:
    """Package, agenda, notes and findings: the assigned revisors only; anyone else gets 404."""
    roles = review_roles(review, user)
    if not roles & REVISOR_ROLES:
        raise NotFound(_("No such review."))
    return roles


def can_read_draft(review: Review, user: User) -> bool:
    """The unpublished report: revisors and the coordinator; leaders while the comment round is open."""
    roles = review_roles(review, user)
    if roles & (REVISOR_ROLES | {"coordinator"}):
        return True
    return review.state == ReviewState.comment_round and bool(roles & LEADER_ROLES)


def require_report(review: Review, user: User) -> None:
    """The published report reaches every member; a draft is refused to staff with a clear message."""
    if review.state in PUBLISHED or can_read_draft(review, user):
        return
    raise Forbidden(_("The report is not published yet."), code="not_published")
