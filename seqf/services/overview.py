"""The organisation's front page at a glance: the current round, the latest agreed result, the library.

Read-only; a handful of queries whatever the organisation's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AreaAssessment, Evidence, Organisation, Round, RoundState
from seqf.services import rounds as round_service


@dataclass
class OrganisationStatus:
    open_round: Round | None
    open_progress: tuple[int, int] | None  # (invited, submitted)
    latest_result: Round | None
    latest_total: int | None
    latest_max: int | None
    evidence_count: int


def organisation_status(organisation: Organisation) -> OrganisationStatus:
    open_round = db.session.scalar(
        sa.select(Round).where(Round.organisation_id == organisation.id, Round.state == RoundState.open)
        .order_by(Round.closes_on).limit(1)
    )
    latest = db.session.scalar(
        sa.select(Round).where(Round.organisation_id == organisation.id, Round.consensus_recorded_at.is_not(None))
        .order_by(Round.id.desc()).limit(1)
    )
    total, max_total = agreed_total(latest) if latest else (None, None)
    evidence_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Evidence)
        .where(Evidence.organisation_id == organisation.id, Evidence.archived.is_(False))
    )
    progress = round_service.progress_of_rounds([open_round.id]).get(open_round.id) if open_round else None
    return OrganisationStatus(open_round, progress, latest, total, max_total, evidence_count)


def agreed_total(round_: Round) -> tuple[int, int]:
    """(total, max_total) of the round's agreed SEQF scores — the figures of
    ``rounds.consensus_result`` — added up in the database: the front page needs two numbers, not
    every agreed area with its steps, evidence and tags loaded as objects."""
    codes = round_service.seqf_codes(round_)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AreaAssessment.score), 0))
        .where(AreaAssessment.consensus_round_id == round_.id, AreaAssessment.area.in_(codes))
    ) if codes else 0
    return int(total or 0), 5 * len(codes)
