"""Reading a round's consensus for the consensus page: which areas are agreed, and one area's answer.

The page edits one area at a time. It needs the codes of the agreed areas (its progress) and one
area's stored answer as the form shows it; loading that area as an ORM graph (the assessment, its
steps, their evidence with each document's tags) cost five statements and a graph of objects for a
handful of columns. Here it is two statements of plain columns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AreaAssessment, Evidence, Round, StepAssessment
from seqf.models.assessments import step_evidence
from seqf.services.assessments import AreaData, StepData


@dataclass(frozen=True)
class StoredArea:
    """One agreed area: the figures the page shows, its version and the answer in the form's shape."""

    claimed: int
    score: int
    version: int
    data: AreaData


@functools.cache
def _steps_statement() -> sa.Select:
    """Built once per process with a bound parameter: building a statement costs more than running it."""
    return (sa.select(StepAssessment.level, StepAssessment.met, StepAssessment.indicators, Evidence.id)
            .outerjoin(step_evidence, step_evidence.c.step_id == StepAssessment.id)
            .outerjoin(Evidence, Evidence.id == step_evidence.c.evidence_id)
            .where(StepAssessment.assessment_id == sa.bindparam("assessment_id"))
            .order_by(StepAssessment.level, Evidence.id))


@functools.cache
def _agreed_statement() -> sa.Select:
    """The consensus areas of one round (``consensus_page_data``), built once per process."""
    return (sa.select(AreaAssessment.id, AreaAssessment.area, AreaAssessment.claimed, AreaAssessment.score,
                      AreaAssessment.version, AreaAssessment.comment, AreaAssessment.justification,
                      AreaAssessment.strengths, AreaAssessment.recommendations)
            .where(AreaAssessment.consensus_round_id == sa.bindparam("round_id")))


def _steps(assessment_id: int) -> list[StepData]:
    """The stored steps by level, each with the evidence linked to it (ids in ascending order)."""
    steps: dict[int, StepData] = {}
    for level, met, indicators, evidence_id in db.session.execute(_steps_statement(),
                                                                  {"assessment_id": assessment_id}):
        step = steps.get(level)
        if step is None:
            step = steps[level] = StepData(level=level, met=met, indicators=list(indicators or []))
        if evidence_id is not None:
            step.evidence_ids.append(evidence_id)
    return list(steps.values())


def consensus_page_data(round_: Round, code: str) -> tuple[set[str], StoredArea | None]:
    """(codes of the agreed areas, the stored consensus of area ``code`` or None)."""
    rows = db.session.execute(_agreed_statement(), {"round_id": round_.id}).all()
    found = next((row for row in rows if row.area == code), None)
    if found is None:
        return {row.area for row in rows}, None
    data = AreaData(area=code, steps=_steps(found.id), comment=found.comment or "",
                    justification=found.justification or "", strengths=found.strengths or "",
                    recommendations=list(found.recommendations or []))
    return {row.area for row in rows}, StoredArea(found.claimed, found.score, found.version, data)
