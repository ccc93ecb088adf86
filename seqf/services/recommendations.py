"""Recommendations of published reports as rows a goal can link to ("make this a goal").

A report's recommendations live in its frozen content ("3.2: …"). When a version is published or
corrected, ``materialise`` writes one row per number: a number kept by the correction keeps its id
(and the goals linked to it) with the corrected text; a number the correction removed stays, marked
not ``current``, so a goal never loses the recommendation it was made from.
"""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Recommendation, ReportVersion, Review


def materialise(review: Review, version: ReportVersion) -> list[Recommendation]:
    existing = {r.number: r for r in db.session.scalars(
        sa.select(Recommendation).where(Recommendation.review_id == review.id))}
    seen: list[Recommendation] = []
    for area in version.content.get("areas", []):
        for item in area.get("recommendations") or []:
            number, text = str(item.get("number", "")), str(item.get("text", ""))
            row = existing.pop(number, None)
            if row is None:
                row = Recommendation(review_id=review.id, organisation_id=review.organisation_id, number=number,
                                     area=str(area.get("code", "")), text=text)
                db.session.add(row)
            row.text, row.current = text, True
            seen.append(row)
    for gone in existing.values():
        gone.current = False
    db.session.flush()
    return seen


def of_organisation(organisation_id: int, current_only: bool = True) -> list[Recommendation]:
    """Recommendations from the organisation's published reports, newest review first."""
    query = sa.select(Recommendation).where(Recommendation.organisation_id == organisation_id)
    if current_only:
        query = query.where(Recommendation.current.is_(True))
    return list(db.session.scalars(query.order_by(Recommendation.review_id.desc(), Recommendation.id)))
