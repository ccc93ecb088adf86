"""Rows for the network tests, written with the models directly (no other slice's services):
a decided certification with its certificate and report, follow-ups, published reports."""

from __future__ import annotations

import datetime as dt

from seqf import clock
from seqf.certificates import certificate_dates
from seqf.extensions import db
from seqf.models import Certificate, Decision, ReportVersion, Review, ReviewKind, ReviewState
from tests.web.review_helpers import make_review


def report(review: Review, scores: dict[str, int], *, number: int = 1, reasons: dict[str, str] | None = None,
           previous: dict[str, int] | None = None) -> ReportVersion:
    """A report version following the content contract; the total is the sum of the scores."""
    reasons, previous = reasons or {}, previous or {}
    areas = [{"code": code, "title": {"nb": f"Område {code}", "en": f"Area {code}"}, "score": score,
              "claimed": score, "justification": "", "strengths": "", "improvements": "", "recommendations": [],
              "change_reason": reasons.get(code, ""), "consensus_score": None, "staff_median": None,
              "previous_score": previous.get(code)} for code, score in scores.items()]
    version = ReportVersion(review=review, number=number, total=sum(scores.values()), content={
        "kind": review.kind.value, "organisation": {"id": review.organisation_id, "name": review.organisation.name},
        "visit_starts_on": review.visit_starts_on.isoformat(), "visit_ends_on": review.visit_ends_on.isoformat(),
        "revisors": [], "instrument": {"slug": "seqf", "version": "1"}, "areas": areas,
        "total": sum(scores.values()), "max_total": 5 * len(scores), "overall": "", "comments": {}, "outcome": None})
    db.session.add(version)
    db.session.commit()
    return version


def certified(org, lead, *, decided_days_ago: int = 30, withdrawn: bool = False, total_scores=None,
              kind: ReviewKind = ReviewKind.certification, follow_ups: bool = True) -> Certificate:
    """A decided (approved) review with a report and the certificate it issued, plus its two due follow-ups."""
    decided = clock.today() - dt.timedelta(days=decided_days_ago)
    review = make_review(org, lead, state=ReviewState.decided, kind=kind, starts_in_days=-decided_days_ago - 20,
                         decision=Decision.approved, decided_on=decided)
    report(review, total_scores or {str(n): 3 for n in range(1, 10)})
    dates = certificate_dates(decided)
    certificate = Certificate(organisation_id=org.id, review_id=review.id, valid_from=dates.valid_from,
                              valid_until=dates.valid_until)
    if withdrawn:
        certificate.withdrawn_at = clock.now()
        certificate.withdrawn_reason = "Trukket"
    db.session.add(certificate)
    db.session.commit()
    if follow_ups:
        for day in dates.follow_ups:
            due = make_review(org, lead, state=ReviewState.due, kind=ReviewKind.follow_up, due_on=day,
                              certificate_id=certificate.id, suggested_lead_id=lead.id)
            due.revisors = []
            db.session.commit()
    return certificate
