"""A revisor's findings per quality area, the overall picture, and what the finding form shows beside them.

A finding is an ``AreaAssessment`` owned by the review: the same shape and the same progressive rule
as a round's consensus (``seqf.services.assessments``), plus what to improve and, when the score
differs from the previous review's, the reason for the change. Only the assigned revisors (lead or
co) record findings, from planning on; the first finding moves a planned review to drafting.

After publication the report is frozen in ``ReportVersion`` rows. The lead revisor may still edit
the findings then, but only as the draft of a correction: readers keep seeing the newest version
until ``publication.correct_report`` freezes the edited findings into the next version.

Individual staff answers never reach the revisor: the form shows the organisation's consensus and
the staff median and distribution from the round's released snapshot only (a withheld area stays
withheld).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import workflow
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    FollowUpOutcome,
    ReportVersion,
    Review,
    ReviewKind,
    ReviewState,
    Round,
    User,
)
from seqf.services import assessments, audit, locks, review_scope
from seqf.services.assessments import MAX_TEXT, AreaData, StepData
from seqf.services.errors import Conflict, RuleViolation

FROZEN = (ReviewState.published, ReviewState.decided)


def covered_areas(review: Review) -> dict[str, dict]:
    return assessments.areas_by_code(review_scope.review_areas(review))


def findings_of(review: Review) -> dict[str, AreaAssessment]:
    rows = db.session.scalars(sa.select(AreaAssessment).where(AreaAssessment.review_id == review.id))
    return {a.area: a for a in rows}


def finding_summaries(review: Review) -> dict[str, sa.Row]:
    """Per area code: ``justification``, ``score``, ``claimed`` and ``version`` of the recorded findings.

    One statement of plain columns: the lists and the publication check need no steps, evidence or
    tags, which ``findings_of`` loads with every finding (three more statements and the ORM graph)."""
    rows = db.session.execute(
        sa.select(AreaAssessment.area, AreaAssessment.justification, AreaAssessment.score,
                  AreaAssessment.claimed, AreaAssessment.version).where(AreaAssessment.review_id == review.id))
    return {row.area: row for row in rows}


def is_correction_draft(review: Review) -> bool:
    """Edits made after publication are a draft of the next version, unseen until it is made."""
    return review.state in FROZEN


def _check_editing(review: Review, actor: User) -> None:
    """Before publication: any assigned revisor. After: the lead, as a correction draft."""
    if is_correction_draft(review):
        workflow.check_action("review", review, "correct_report", actor)
    else:
        workflow.check_action("review", review, "record_finding", actor)


def _too_long(name: str, value: str) -> None:
    if len(value) > MAX_TEXT:
        raise RuleViolation(_("The text can be at most %(n)d characters.", n=MAX_TEXT),
                            fields={name: _("At most %(n)d characters.", n=MAX_TEXT)}, code="too_long")


# --- the previous review --------------------------------------------------------------------------

def latest_report(review: Review | None) -> ReportVersion | None:
    """The newest report version of a review (None before publication)."""
    if review is None:
        return None
    return db.session.scalar(sa.select(ReportVersion).where(ReportVersion.review_id == review.id)
                             .order_by(ReportVersion.number.desc()).limit(1))


def previous_findings(review: Review) -> dict[str, dict]:
    """Per area code, the previous review's finding as its latest report version shows it."""
    version = latest_report(review.previous_review)
    if version is None:
        return {}
    return {area["code"]: area for area in version.content.get("areas", [])}


def previous_score(review: Review, area: str) -> int | None:
    found = previous_findings(review).get(area)
    return found.get("score") if found else None


# --- recording -----------------------------------------------------------------------------------

def record_finding(actor: User, review: Review, data: AreaData, *, improvements: str = "",
                   change_reason: str = "", version: int | None = None) -> AreaAssessment:
    """Validate and store the finding for ``data.area``; return it with its scores.

    Refused (nothing stored; callers roll back the transaction on any ``ServiceError``): an area the
    review does not cover (422 ``unknown_area``), an empty justification, a score that differs from
    the previous review's without a reason for the change (422), evidence from another organisation,
    a ``version`` older than the stored one (409 ``stale_version``), the wrong person or state (403/409).
    """
    locks.lock(review)
    _check_editing(review, actor)
    areas = covered_areas(review)
    if data.area not in areas:
        raise RuleViolation(_("This review does not cover the quality area “%(area)s”.", area=data.area),
                            fields={"area": data.area}, code="unknown_area")
    assessments.validate(data, areas, review.organisation_id)
    if not data.justification.strip():
        raise RuleViolation(_("Write a justification: why this score, and what you saw or read."),
                            fields={"justification": _("A justification is required.")}, code="justification_required")
    _too_long("improvements", improvements)
    _too_long("change_reason", change_reason)
    existing = findings_of(review)
    if version is not None:
        data.version = version
    assessments.check_versions(existing, [data])
    if review.state == ReviewState.planned:
        workflow.apply_transition("review", review, "start_drafting", actor)
    finding = existing.get(data.area)
    if finding is None:
        finding = AreaAssessment(area=data.area, review_id=review.id, version=1)
        db.session.add(finding)
    else:
        finding.version += 1
    result = assessments.apply(finding, data, areas, review.organisation_id, actor)
    before = previous_score(review, data.area)
    if before is not None and before != result.score and not change_reason.strip():
        raise RuleViolation(
            _("The score (%(score)d) differs from the previous review (%(before)d): say why it changed.",
              score=result.score, before=before),
            fields={"change_reason": _("A reason is required when the score changes.")}, code="change_reason_required")
    finding.improvements = improvements.strip()
    finding.change_reason = change_reason.strip()
    db.session.flush()
    audit.record(actor, "review.finding_saved", review,
                 f"Finding for area {data.area} saved (score {result.score})", review.organisation_id,
                 data={"area": data.area, "score": result.score, "claimed": result.claimed,
                       "correction": is_correction_draft(review)})
    return finding


def save_overall(actor: User, review: Review, text: str, outcome: str | None = None,
                 version: int | None = None) -> None:
    """The overall picture (Markdown) and, for a follow-up, its outcome (on_track/concerns/at_risk)."""
    locks.lock(review)
    _check_editing(review, actor)
    _too_long("overall", text)
    if version is not None and version != review.version:
        raise Conflict(_("The overall picture was changed by someone else since you opened it. "
                         "Reload the page and try again."), code="stale_version")
    parsed = None
    if outcome not in (None, ""):
        if review.kind != ReviewKind.follow_up:
            raise RuleViolation(_("Only a follow-up ends with an outcome."), fields={"outcome": outcome},
                                code="not_a_follow_up")
        try:
            parsed = FollowUpOutcome(outcome)
        except ValueError:
            raise RuleViolation(_("Choose on track, concerns or certificate at risk."),
                                fields={"outcome": str(outcome)[:40]}, code="unknown_outcome") from None
    review.overall = text.strip()
    if parsed is not None:
        review.outcome = parsed
    review.version += 1
    db.session.flush()
    audit.record(actor, "review.overall_saved", review, "Overall picture saved", review.organisation_id,
                 data={"outcome": review.outcome.value if review.outcome else None})


# --- what the form starts from and shows beside it ------------------------------------------------

def consensus_round(review: Review) -> Round | None:
    """The review's chosen round, else the organisation's latest round with a recorded consensus."""
    if review.round_id is not None:
        round_ = db.session.get(Round, review.round_id)
        if round_ is not None and round_.consensus_recorded_at is not None:
            return round_
    return db.session.scalar(
        sa.select(Round).where(Round.organisation_id == review.organisation_id,
                               Round.consensus_recorded_at.is_not(None))
        .order_by(Round.consensus_recorded_at.desc(), Round.id.desc()).limit(1))


def consensus_of(review: Review) -> dict[str, AreaAssessment]:
    round_ = consensus_round(review)
    if round_ is None:
        return {}
    rows = db.session.scalars(sa.select(AreaAssessment).where(AreaAssessment.consensus_round_id == round_.id))
    return {a.area: a for a in rows}


def prefill(review: Review, area: str) -> AreaData | None:
    """A starting point from the organisation's consensus: steps met, evidence per step, justification."""
    found = consensus_of(review).get(area)
    if found is None:
        return None
    return AreaData(
        area=area,
        steps=[StepData(level=s.level, met=s.met, evidence_ids=[e.id for e in s.evidence])
               for s in found.steps],
        justification=found.justification or "",
    )


def staff_view(review: Review) -> dict[str, dict]:
    """Per area the staff median and distribution from the round's released snapshot (aggregates only)."""
    from seqf.services import round_summary

    round_ = consensus_round(review)
    if round_ is None:
        return {}
    summary = round_summary.round_summary(round_, with_comments=False)
    return {a["area"]: {"withheld": bool(a["withheld"]), "median": a["median"],
                        "distribution": a["distribution"], "responses": a["responses"]}
            for a in summary["areas"]}


def comparison(review: Review, area: str, *, consensus: dict | None = None, staff: dict | None = None,
               previous: dict | None = None) -> dict[str, Any]:
    """What the finding form shows beside it (the dicts may be passed in when building many areas)."""
    consensus = consensus_of(review) if consensus is None else consensus
    staff = staff_view(review) if staff is None else staff
    previous = previous_findings(review) if previous is None else previous
    agreed = consensus.get(area)
    before = previous.get(area)
    staff_entry = staff.get(area)
    return {
        "consensus": ({"score": agreed.score, "claimed": agreed.claimed, "justification": agreed.justification}
                      if agreed is not None else None),
        "staff": (None if staff_entry is None else
                  {"withheld": True, "median": None, "distribution": None, "responses": None}
                  if staff_entry["withheld"] else staff_entry),
        "previous": ({"score": before.get("score"), "claimed": before.get("claimed"),
                      "justification": before.get("justification", ""),
                      "recommendations": before.get("recommendations", [])}
                     if before is not None else None),
    }


def numbered(area: str, recommendations: list[str]) -> list[dict[str, str]]:
    """Recommendations numbered ``<area>.<n>`` in order (5.1, 5.2 …)."""
    return [{"number": f"{area}.{n}", "text": text} for n, text in enumerate(recommendations, start=1)]


def status(review: Review) -> list[dict[str, Any]]:
    """Per covered area: recorded?, score, claimed, version — for the findings list and the API."""
    found = finding_summaries(review)
    rows = []
    for area in review_scope.review_areas(review):
        f = found.get(area["code"])
        rows.append({"area": area["code"], "title": area["title"], "recorded": f is not None and bool(f.justification),
                     "score": f.score if f else None, "claimed": f.claimed if f else None,
                     "version": f.version if f else 0})
    return rows
