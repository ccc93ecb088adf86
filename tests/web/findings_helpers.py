"""Helpers for the findings/report tests: a cast with a review, findings, a consensus round, a snapshot
of every row a refused request must leave alone."""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AreaAssessment, AuditEvent, OutboxMessage, ReportVersion, Review, ReviewComment, StepAssessment
from seqf.services import assessments
from seqf.services import findings as finding_service
from tests.web.review_helpers import SEQF_AREAS, make_review, review_cast
from tests.web.round_helpers import answer, close, fully_documented, link_evidence, open_round


def finding(code: str, level: int, evidence_id: int | None, justification: str = "Seen at the visit.",
            **extra) -> assessments.AreaData:
    """Steps 1..level met and documented (so the score is ``level`` when evidence is given)."""
    data = fully_documented(code, level, evidence_id) if evidence_id else assessments.AreaData(
        area=code, steps=[assessments.StepData(level=n, met=True) for n in range(1, level + 1)])
    data.justification = justification
    for key, value in extra.items():
        setattr(data, key, value)
    return data


def api_finding(level: int, evidence_id: int | None, justification: str = "Seen at the visit.", **extra) -> dict:
    return {"steps": [{"step": n, "met": True, "evidence_ids": [evidence_id] if evidence_id else []}
                      for n in range(1, level + 1)], "justification": justification, **extra}


def record_all(review: Review, revisor, evidence_id: int, scores: dict[str, int] | None = None,
               **extra) -> None:
    """A finding for every area of the review (default score 3), committed."""
    from seqf.services import review_scope

    for area in review_scope.review_areas(review):
        level = (scores or {}).get(area["code"], 3)
        finding_service.record_finding(revisor, review, finding(area["code"], level, evidence_id,
                                                                recommendations=[f"Do {area['code']}"]), **extra)
    db.session.commit()


def setup(make_org, make_user, **review_fields):
    """The cast, one piece of evidence and a planned review with lead + co."""
    cast = review_cast(make_org, make_user)
    cast.evidence = link_evidence(cast.leader, cast.org)
    cast.review = make_review(cast.org, cast.lead, [cast.co], **review_fields)
    return cast


def consensus_round(cast, scores: dict[str, int]) -> None:
    """A closed round of the organisation whose consensus has ``scores`` (staff answered 2 everywhere)."""
    from seqf.services import rounds as round_service

    round_ = open_round(cast.leader, cast.org)
    for user in cast.staff:
        answer(user, round_, {code: 2 for code in SEQF_AREAS}, evidence_id=cast.evidence.id)
    close(cast.leader, round_)
    round_service.record_consensus(cast.leader, round_, [
        fully_documented(code, n, cast.evidence.id) for code, n in scores.items()])
    db.session.commit()
    return round_


def snapshot() -> dict:
    """Row counts and the review states: what a refused request must not change."""
    db.session.expire_all()

    def n(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))
    return {
        "findings": n(AreaAssessment), "steps": n(StepAssessment), "versions": n(ReportVersion),
        "comments": n(ReviewComment), "audit": n(AuditEvent), "mail": n(OutboxMessage),
        "reviews": [(r.id, r.state.value, r.overall, r.version, r.comment_until)
                    for r in db.session.scalars(sa.select(Review).order_by(Review.id))],
        "finding_rows": [(a.id, a.area, a.score, a.justification, a.version)
                         for a in db.session.scalars(sa.select(AreaAssessment).where(
                             AreaAssessment.review_id.is_not(None)).order_by(AreaAssessment.id))],
    }
