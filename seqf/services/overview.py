"""The organisation's front page at a glance: the current round, the latest agreed result, the library.

Read-only; a fixed handful of statements whatever the organisation's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Evidence,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    RoundState,
)
from seqf.services import rounds as round_service


@dataclass
class OrganisationStatus:
    open_round: sa.Row | None  # id, title, closes_on, instrument_id, own_areas: what the page shows
    open_progress: tuple[int, int] | None  # (invited, submitted)
    latest_result: sa.Row | None  # the same columns
    latest_total: int | None
    latest_max: int | None
    evidence_count: int
    member_count: int = 0


def organisation_status(organisation: Organisation) -> OrganisationStatus:
    """Two statements (three with an agreed result) whatever the organisation's size: one grouped
    statement of scalar subqueries for which rounds to show and the counts, one for those rounds."""
    org_id = organisation.id
    open_id = (sa.select(Round.id).where(Round.organisation_id == org_id, Round.state == RoundState.open)
               .order_by(Round.closes_on, Round.id).limit(1).scalar_subquery())
    latest_id = (sa.select(Round.id)
                 .where(Round.organisation_id == org_id, Round.consensus_recorded_at.is_not(None))
                 .order_by(Round.id.desc()).limit(1).scalar_subquery())

    def count(model, *where):
        return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()

    row = db.session.execute(sa.select(
        open_id, latest_id,
        count(Evidence, Evidence.organisation_id == org_id, Evidence.archived.is_(False)),
        count(Membership, Membership.organisation_id == org_id),
        count(RoundParticipant, RoundParticipant.round_id == open_id),
        count(Response, Response.round_id == open_id, Response.state == ResponseState.submitted),
    )).one()
    open_round_id, latest_round_id, evidence_count, member_count, invited, submitted = row
    wanted = [rid for rid in (open_round_id, latest_round_id) if rid is not None]
    rounds = {r.id: r for r in db.session.execute(
        sa.select(Round.id, Round.title, Round.closes_on, Round.instrument_id, Round.own_areas)
        .where(Round.id.in_(wanted)))} if wanted else {}
    open_round = rounds.get(open_round_id)
    latest = rounds.get(latest_round_id)
    total, max_total = agreed_total(latest) if latest else (None, None)
    progress = (invited or 0, submitted or 0) if open_round else None
    return OrganisationStatus(open_round, progress, latest, total, max_total, evidence_count or 0,
                              member_count or 0)


def agreed_total(round_: Round | sa.Row) -> tuple[int, int]:
    """(total, max_total) of the round's agreed SEQF scores — the figures of
    ``rounds.consensus_result`` — added up in the database: the front page needs two numbers, not
    every agreed area with its steps, evidence and tags loaded as objects. ``round_`` needs only
    ``id``, ``instrument_id`` and ``own_areas`` (a Row of them will do)."""
    codes = round_service.seqf_codes(round_)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AreaAssessment.score), 0))
        .where(AreaAssessment.consensus_round_id == round_.id, AreaAssessment.area.in_(codes))
    ) if codes else 0
    return int(total or 0), 5 * len(codes)
