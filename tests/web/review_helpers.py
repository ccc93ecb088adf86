"""Helpers for the review tests: the cast of a certification, and a review row made directly.

``make_review`` writes the rows without the planning service, so tests of a later stage (package,
findings, report) do not depend on the planning rules; tests of planning call the service itself.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from seqf import clock
from seqf.extensions import db
from seqf.models import Review, ReviewKind, ReviewMode, ReviewRevisor, ReviewState, RevisorRole
from seqf.services import instruments as instrument_service

SEQF_AREAS = [str(n) for n in range(1, 10)]


def review_cast(make_org, make_user, staff: int = 3):
    """An organisation (leader, org admin, staff), a coordinator, two revisors and an outsider revisor."""
    org = make_org(name="Jobbhuset AS")
    cast = SimpleNamespace(
        org=org,
        leader=make_user(org=org, member_role="leader", name="Lise Leder"),
        org_admin=make_user(org=org, member_role="org_admin", name="Olav Admin"),
        staff=[make_user(org=org, member_role="staff", name=f"Medarbeider {i}") for i in range(staff)],
        coordinator=make_user(roles=("coordinator",), name="Kari Koordinator"),
        lead=make_user(roles=("revisor",), name="Rita Revisor"),
        co=make_user(roles=("revisor",), name="Carl Medrevisor"),
        other_revisor=make_user(roles=("revisor",), name="Per Utenfor"),
    )
    return cast


def make_review(org, lead, co=(), *, state: ReviewState = ReviewState.planned,
                kind: ReviewKind = ReviewKind.certification, mode: ReviewMode = ReviewMode.on_site,
                starts_in_days: int = 30, days: int = 2, **fields) -> Review:
    """A review row with its revisors, committed; ``state`` is set directly (no transitions)."""
    starts = clock.today() + dt.timedelta(days=starts_in_days)
    review = Review(
        organisation=org,
        instrument=instrument_service.current_instrument("seqf"),
        kind=kind,
        mode=mode,
        state=state,
        visit_starts_on=None if state == ReviewState.due else starts,
        visit_ends_on=None if state == ReviewState.due else starts + dt.timedelta(days=days - 1),
        **fields,
    )
    review.revisors = [ReviewRevisor(user=lead, role=RevisorRole.lead, position=0)] + [
        ReviewRevisor(user=user, role=RevisorRole.co, position=i + 1) for i, user in enumerate(co)
    ]
    db.session.add(review)
    db.session.commit()
    return review
