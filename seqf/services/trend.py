"""An organisation's scores over time, per area: each published review and each recorded
self-assessment consensus, and the change since the last review with the revisors' reason.

Only published things feed the trend — the latest ``ReportVersion`` of each published or decided
review (a correction replaces the figures of its review) and the consensus of rounds whose consensus
is recorded — so every member of the organisation may read it, like the reports and round results
it is drawn from. A follow-up contributes only the areas it covered. Three statements (the current
instrument, the reviews with their latest reports, the agreed scores), whatever the number of
reviews and rounds.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import clock, permissions
from seqf.extensions import db
from seqf.models import AreaAssessment, Instrument, Organisation, ReportVersion, Review, ReviewState, Round, User
from seqf.services import instruments as instrument_service
from seqf.services.errors import NotFound

PUBLISHED = (ReviewState.published, ReviewState.decided)


def organisation_for_trend(user: User, organisation_id: int) -> Organisation:
    """Members of every role, coordinators and admins; anyone else does not learn it exists (404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not permissions.can_see_organisation(user, organisation_id):
        raise NotFound(_("No such organisation."))
    return organisation


@functools.cache
def _review_points_query() -> sa.Select:
    """The organisation's published reviews, each with its latest report version's publication time
    and ``areas`` (the database extracts them from the JSON; the rest of the report is not read):
    one statement, built once per process. The latest version is the one no higher ``number`` of the
    same review follows (an anti-join); a review without a report has no row, as it has no points."""
    newer = so.aliased(ReportVersion)
    latest = ~sa.exists().where(newer.review_id == ReportVersion.review_id, newer.number > ReportVersion.number)
    return (sa.select(Review.id, Review.kind, Review.visit_starts_on, Review.areas, ReportVersion.published_at,
                      ReportVersion.content["areas"].label("report_areas"))
            .join(ReportVersion, ReportVersion.review_id == Review.id)
            .where(Review.organisation_id == sa.bindparam("organisation_id"), Review.state.in_(PUBLISHED), latest)
            .order_by(Review.visit_starts_on, Review.id))


def _review_points(organisation_id: int, titles: dict[str, dict]) -> dict[str, list[dict]]:
    points: dict[str, list[dict]] = {}
    for review in db.session.execute(_review_points_query(), {"organisation_id": organisation_id}):
        published_at, areas = review.published_at, review.report_areas
        covered = set(review.areas or [])
        for area in areas if isinstance(areas, list) else []:
            if not isinstance(area, dict):
                continue
            code, score = str(area.get("code", "")), area.get("score")
            if not code or not isinstance(score, int) or (covered and code not in covered):
                continue
            if isinstance(area.get("title"), dict):
                titles.setdefault(code, area["title"])
            points.setdefault(code, []).append({
                "date": review.visit_starts_on or published_at.date(), "source": "review",
                "kind": review.kind.value, "review_id": review.id, "score": score,
                "previous_score": area.get("previous_score"), "reason": area.get("change_reason") or "",
            })
    return points


@functools.cache
def _consensus_points_query() -> sa.Select:
    """Every agreed area score of the organisation's rounds with a recorded consensus: built once."""
    return (sa.select(Round.id, Round.consensus_recorded_at, Round.own_areas, AreaAssessment.area,
                      AreaAssessment.score)
            .join(AreaAssessment, AreaAssessment.consensus_round_id == Round.id)
            .where(Round.organisation_id == sa.bindparam("organisation_id"), Round.consensus_recorded_at.is_not(None))
            .order_by(Round.consensus_recorded_at, Round.id, AreaAssessment.area))


def _consensus_points(organisation_id: int, titles: dict[str, dict]) -> dict[str, list[dict]]:
    rows = db.session.execute(_consensus_points_query(), {"organisation_id": organisation_id})
    points: dict[str, list[dict]] = {}
    for round_id, recorded_at, own_areas, area, score in rows:
        for own in own_areas or []:
            titles.setdefault(own["code"], own["title"])
        points.setdefault(area, []).append({
            "date": recorded_at.astimezone(clock.OSLO).date(), "source": "self_assessment",
            "round_id": round_id, "score": score})
    return points


def _change(review_points: list[dict]) -> dict | None:
    """From the area's previous review score to its latest, with the latest report's reason."""
    if not review_points:
        return None
    latest = review_points[-1]
    before = latest.get("previous_score")
    if not isinstance(before, int):
        before = review_points[-2]["score"] if len(review_points) > 1 else None
    if before is None:
        return None
    return {"from": before, "to": latest["score"], "reason": latest["reason"], "review_id": latest["review_id"]}


def _order(code: str, known: list[str]) -> tuple:
    if code in known:
        return (0, known.index(code), "")
    return (1, 0, code)


def organisation_trend(user: User, organisation: Organisation, instrument: Instrument | None = None) -> list[dict]:
    """Per area: ``{"area", "title": {nb, en}, "points": [...], "change": {...} | None}``, in the
    instrument's order (own areas after). Points are in date order; a review point carries ``kind``
    and ``review_id``, a self-assessment point ``round_id``. ``instrument`` is the current SEQF
    version when the caller has read it already."""
    organisation_for_trend(user, organisation.id)
    instrument_areas = instrument_service.instrument_areas(
        instrument or instrument_service.current_instrument(instrument_service.SEQF_SLUG))
    titles: dict[str, dict] = {a["code"]: a["title"] for a in instrument_areas}
    known = [a["code"] for a in instrument_areas]
    reviews = _review_points(organisation.id, titles)
    consensus = _consensus_points(organisation.id, titles)
    result = []
    for code in sorted(set(known) | set(reviews) | set(consensus), key=lambda c: _order(c, known)):
        mine = reviews.get(code, [])
        points = sorted(mine + consensus.get(code, []),
                        key=lambda p: (p["date"], p["source"] != "self_assessment"))
        result.append({
            "area": code, "title": titles.get(code, {"nb": code, "en": code}),
            "points": [{k: v for k, v in p.items() if k not in ("previous_score", "reason")} for p in points],
            "change": _change(mine),
        })
    return result


def agreed_scores(areas: list[dict], round_id: int) -> dict[str, int]:
    """One round's agreed score per area, read from a trend ``organisation_trend`` returned: its
    self-assessment points are every agreed area score of the organisation's recorded rounds, so a
    page that shows the trend need not ask the database for the same scores again."""
    return {area["area"]: point["score"] for area in areas for point in area["points"]
            if point["source"] == "self_assessment" and point["round_id"] == round_id}
