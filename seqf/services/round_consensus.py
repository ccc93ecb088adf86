"""Reading a round's consensus for the consensus page: which areas are agreed, and one area's answer.

The page edits one area at a time. It needs the codes of the agreed areas (its progress) and one
area's stored answer as the form shows it; loading that area as an ORM graph (the assessment, its
steps, their evidence with each document's tags) cost five statements and a graph of objects for a
handful of columns. Here it is one statement of plain columns.
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
def _consensus_statement() -> sa.Select:
    """The agreed areas of a round, with the steps and linked evidence of one of them (``code``).

    One statement of plain columns, built once per process with bound parameters: the steps are
    joined only to the area the page edits, so every other agreed area is one row of its figures.
    """
    return (sa.select(AreaAssessment.id, AreaAssessment.area, AreaAssessment.claimed, AreaAssessment.score,
                      AreaAssessment.version, AreaAssessment.comment, AreaAssessment.justification,
                      AreaAssessment.strengths, AreaAssessment.recommendations,
                      StepAssessment.level, StepAssessment.met, StepAssessment.indicators,
                      Evidence.id.label("evidence_id"))
            .outerjoin(StepAssessment, sa.and_(StepAssessment.assessment_id == AreaAssessment.id,
                                               AreaAssessment.area == sa.bindparam("code", type_=sa.String)))
            .outerjoin(step_evidence, step_evidence.c.step_id == StepAssessment.id)
            .outerjoin(Evidence, Evidence.id == step_evidence.c.evidence_id)
            .where(AreaAssessment.consensus_round_id == sa.bindparam("round_id", type_=sa.Integer))
            .order_by(StepAssessment.level, Evidence.id))


def _steps(rows) -> list[StepData]:
    """The stored steps by level, each with the evidence linked to it (ids in ascending order)."""
    steps: dict[int, StepData] = {}
    for row in rows:
        if row.level is None:
            continue  # an area without stored steps
        step = steps.get(row.level)
        if step is None:
            step = steps[row.level] = StepData(level=row.level, met=row.met, indicators=list(row.indicators or []))
        if row.evidence_id is not None:
            step.evidence_ids.append(row.evidence_id)
    return list(steps.values())


def consensus_page_data(round_: Round, code: str) -> tuple[set[str], StoredArea | None]:
    """(codes of the agreed areas, the stored consensus of area ``code`` or None)."""
    rows = db.session.execute(_consensus_statement(), {"round_id": round_.id, "code": code}).all()
    agreed = {row.area for row in rows}
    mine = [row for row in rows if row.area == code]
    if not mine:
        return agreed, None
    found = mine[0]
    data = AreaData(area=code, steps=_steps(mine), comment=found.comment or "",
                    justification=found.justification or "", strengths=found.strengths or "",
                    recommendations=list(found.recommendations or []))
    return agreed, StoredArea(found.claimed, found.score, found.version, data)
