"""Saving an area assessment (the shared shape) and scoring it by the progressive rule.

Used for a participant's answer, a round's consensus, and later a revisor's finding. The input is
validated against the areas the round or review uses: unknown area, unknown step or indicator, or
evidence from another organisation is refused and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from seqf import scoring
from seqf.extensions import db
from seqf.models import AreaAssessment, StepAssessment, User
from seqf.services.errors import Conflict, RuleViolation

MAX_TEXT = 20_000


@dataclass
class StepData:
    level: int
    met: bool = False
    evidence_ids: list[int] = field(default_factory=list)
    # ticked indicator codes; None means "the caller said met/not met for the whole step"
    indicators: list[str] | None = None


@dataclass
class AreaData:
    area: str
    steps: list[StepData] = field(default_factory=list)
    comment: str = ""
    justification: str = ""
    strengths: str = ""
    recommendations: list[str] = field(default_factory=list)
    # the version the caller's form was based on: 0 for "no answer yet", None for "do not check"
    version: int | None = None


class StaleVersion(Conflict):
    """The caller's form was based on an older version of one or more areas (409).

    ``current`` holds those areas as they are stored now (``as_dict``, or ``None`` for an area that
    has no answer any more), so the page can show both versions and let the person choose.
    """

    code = "stale_version"

    def __init__(self, message: str, current: dict[str, dict | None]):
        super().__init__(message, fields={"areas": ", ".join(sorted(current))})
        self.current = current


def check_versions(existing: dict[str, AreaAssessment], given: list[AreaData]) -> None:
    """Refuse the whole save when any area was changed since the caller read it.

    The caller holds the lock of the owner (response or round), so nobody can change the rows
    between this check and the write.
    """
    stale = {}
    for data in given:
        if data.version is None:
            continue
        assessment = existing.get(data.area)
        current = assessment.version if assessment is not None else 0
        if data.version != current:
            stale[data.area] = as_dict(assessment) if assessment is not None else None
    if stale:
        raise StaleVersion(_("This area was changed in another window or by someone else since you "
                             "opened it. Compare both versions and choose which to keep."), stale)


def areas_by_code(areas: list[dict]) -> dict[str, dict]:
    return {area["code"]: area for area in areas}


def _step_definitions(area_def: dict) -> dict[int, dict]:
    return {step["level"]: step for step in area_def["steps"]}


def validate(data: AreaData, areas: dict[str, dict], organisation_id: int) -> dict[int, list]:
    """Check the answer against the area definitions; return evidence objects per step level."""
    from seqf.services.evidence import evidence_in_organisation

    area_def = areas.get(data.area)
    if area_def is None:
        raise RuleViolation(_("Unknown quality area “%(area)s”.", area=data.area),
                            fields={"area": data.area}, code="unknown_area")
    steps = _step_definitions(area_def)
    seen: set[int] = set()
    evidence: dict[int, list] = {}
    for step in data.steps:
        if step.level not in steps or step.level in seen:
            raise RuleViolation(_("Unknown or repeated step %(step)s in area %(area)s.", step=step.level,
                                  area=data.area), fields={"step": str(step.level)}, code="unknown_step")
        seen.add(step.level)
        if step.indicators is not None:
            known = {i["code"] for i in steps[step.level]["indicators"]}
            unknown = sorted(set(step.indicators) - known)
            if unknown:
                raise RuleViolation(_("Unknown indicator: %(codes)s.", codes=", ".join(unknown)),
                                    fields={"indicators": ", ".join(unknown)}, code="unknown_indicator")
        evidence[step.level] = evidence_in_organisation(organisation_id, step.evidence_ids) if step.evidence_ids else []
    for name in ("comment", "justification", "strengths"):
        if len(getattr(data, name)) > MAX_TEXT:
            raise RuleViolation(_("The text can be at most %(n)d characters.", n=MAX_TEXT),
                                fields={name: _("At most %(n)d characters.", n=MAX_TEXT)}, code="too_long")
    if len(data.recommendations) > 50 or any(len(r) > 2000 for r in data.recommendations):
        raise RuleViolation(_("At most %(n)d recommendations of at most %(max)d characters each.", n=50, max=2000),
                            fields={"recommendations": "≤ 50 × 2000"})
    return evidence


def _met(step: StepData, step_def: dict) -> tuple[bool, list[str]]:
    """A step is met when all its indicators are; a bare ``met`` flag stands for all of them."""
    codes = [i["code"] for i in step_def["indicators"]]
    if step.indicators is None:
        return step.met, (codes if step.met else [])
    ticked = [c for c in codes if c in set(step.indicators)]
    return scoring.step_met({c: True for c in ticked}, codes), ticked


def apply(assessment: AreaAssessment, data: AreaData, areas: dict[str, dict], organisation_id: int,
          actor: User | None) -> scoring.AreaScore:
    """Validate and store ``data`` on ``assessment``; return the scores.

    Steps are updated in place (autosave runs on every change; deleting and re-inserting every
    step each time cost writes and raced with itself), steps no longer given are removed.
    """
    evidence = validate(data, areas, organisation_id)
    steps_def = _step_definitions(areas[data.area])
    stored = {s.level: s for s in assessment.steps}
    given = {step.level for step in data.steps}
    for level, old in stored.items():
        if level not in given:
            assessment.steps.remove(old)
    inputs = []
    for step in sorted(data.steps, key=lambda s: s.level):
        met, ticked = _met(step, steps_def[step.level])
        row = stored.get(step.level)
        if row is None:
            # the evidence given even when empty: a new step's collection left unset would be
            # read back from the database when the answer is shown after the flush
            row = StepAssessment(level=step.level, evidence=list(evidence[step.level]))
            assessment.steps.append(row)
        elif {e.id for e in row.evidence} != {e.id for e in evidence[step.level]}:
            row.evidence = evidence[step.level]
        row.met, row.indicators = met, ticked
        inputs.append(scoring.StepInput(step.level, met, len(evidence[step.level])))
    result = scoring.score_area(inputs, levels=len(steps_def))
    assessment.claimed, assessment.score = result.claimed, result.score
    assessment.comment = data.comment.strip()
    assessment.justification = data.justification.strip()
    assessment.strengths = data.strengths.strip()
    assessment.recommendations = [r.strip() for r in data.recommendations if r.strip()]
    assessment.updated_by_id = actor.id if actor else None
    db.session.flush()
    return result


def as_dict(assessment: AreaAssessment) -> dict:
    """The API's area assessment shape, with the computed scores."""
    return {
        "area": assessment.area,
        "steps": [{"step": s.level, "met": s.met, "indicators": list(s.indicators or []),
                   "evidence_ids": sorted(e.id for e in s.evidence)}
                  for s in sorted(assessment.steps, key=lambda s: s.level)],
        "comment": assessment.comment,
        "justification": assessment.justification,
        "strengths": assessment.strengths,
        "recommendations": list(assessment.recommendations or []),
        "claimed": assessment.claimed,
        "score": assessment.score,
        "version": assessment.version,
    }


def hint(assessment: AreaAssessment | None, levels: int = 5) -> dict | None:
    """What to document next: ``{"step": N, "reaches": M}`` or None when nothing is missing."""
    if assessment is None:
        return None
    met = {s.level: s.met for s in assessment.steps}
    documented = {s.level: bool(s.evidence) for s in assessment.steps}
    step = scoring.next_to_document(met, documented, levels)
    if step is None:
        return None
    return {"step": step, "reaches": scoring.score(met, {**documented, step: True}, levels)}
