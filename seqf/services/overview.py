"""The organisation's front page at a glance: the current round, the latest agreed result, the library,
the member count and the certificate the page shows.

Read-only; one statement whatever the organisation's size (two when no trend gives the agreed scores).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Certificate,
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
from seqf.services import trend as trend_service


class RoundGlance(NamedTuple):
    """What the front page shows of a round, and what ``round_service.seqf_codes`` reads."""

    id: int
    title: str
    closes_on: dt.date
    instrument_id: int
    own_areas: list


class CertificateGlance(NamedTuple):
    """What the front page shows of a certificate, and what ``certification.certificate_state`` reads."""

    id: int
    valid_from: dt.date
    valid_until: dt.date
    withdrawn_at: dt.datetime | None


@dataclass
class OrganisationStatus:
    open_round: RoundGlance | None
    open_progress: tuple[int, int] | None  # (invited, submitted)
    latest_result: RoundGlance | None
    latest_total: int | None
    latest_max: int | None
    evidence_count: int
    member_count: int = 0
    certificate: CertificateGlance | None = None  # the newest in force, else the newest


def _count(model, *where) -> sa.ScalarSelect:
    return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()


def _round_columns(round_) -> list:
    return [round_.id, round_.title, round_.closes_on, round_.instrument_id, round_.own_areas]


@functools.cache
def _figures_query() -> sa.Select:
    """The front page's one-row figures as one statement, built once per process (building it costs
    more than running it): the open round (the one closing first) and the latest round with a
    recorded consensus, joined by their ids; the certificate to show (the newest in force, else the
    newest); the library's, the members' and the open round's invited and submitted counts."""
    org_id = sa.bindparam("organisation_id", type_=sa.Integer)
    today = sa.bindparam("today", type_=sa.Date)
    open_round, latest = so.aliased(Round, name="open_round"), so.aliased(Round, name="latest_round")
    shown = so.aliased(Certificate, name="shown_certificate")
    open_id = (sa.select(Round.id).where(Round.organisation_id == org_id, Round.state == RoundState.open)
               .order_by(Round.closes_on, Round.id).limit(1).scalar_subquery())
    latest_id = (sa.select(Round.id)
                 .where(Round.organisation_id == org_id, Round.consensus_recorded_at.is_not(None))
                 .order_by(Round.id.desc()).limit(1).scalar_subquery())
    in_force = sa.and_(Certificate.withdrawn_at.is_(None), Certificate.valid_until >= today)
    certificate_id = (sa.select(Certificate.id).where(Certificate.organisation_id == org_id)
                      .order_by(sa.case((in_force, 0), else_=1), Certificate.valid_from.desc(), Certificate.id.desc())
                      .limit(1).scalar_subquery())
    return (sa.select(
        *_round_columns(open_round), *_round_columns(latest),
        shown.id, shown.valid_from, shown.valid_until, shown.withdrawn_at,
        _count(Evidence, Evidence.organisation_id == org_id, Evidence.archived.is_(False)),
        _count(Membership, Membership.organisation_id == org_id),
        _count(RoundParticipant, RoundParticipant.round_id == open_round.id),
        _count(Response, Response.round_id == open_round.id, Response.state == ResponseState.submitted))
        .select_from(Organisation)
        .outerjoin(open_round, open_round.id == open_id)
        .outerjoin(latest, latest.id == latest_id)
        .outerjoin(shown, shown.id == certificate_id)
        .where(Organisation.id == org_id))


def organisation_status(organisation: Organisation, today: dt.date | None = None,
                        trend: list[dict] | None = None) -> OrganisationStatus:
    """One statement whatever the organisation's size. The latest agreed total is added up from
    ``trend`` (``trend_service.organisation_trend``'s areas) when the page has read it, else in the
    database (one statement more)."""
    row = db.session.execute(_figures_query(), {"organisation_id": organisation.id,
                                                "today": today or clock.today()}).one()
    open_round = RoundGlance(*row[0:5]) if row[0] is not None else None
    latest = RoundGlance(*row[5:10]) if row[5] is not None else None
    certificate = CertificateGlance(*row[10:14]) if row[10] is not None else None
    evidence_count, member_count, invited, submitted = row[14:18]
    total, max_total = (None, None)
    if latest is not None:
        scores = trend_service.agreed_scores(trend, latest.id) if trend is not None else None
        total, max_total = agreed_total(latest, scores)
    progress = (invited or 0, submitted or 0) if open_round else None
    return OrganisationStatus(open_round, progress, latest, total, max_total, evidence_count or 0,
                              member_count or 0, certificate)


def agreed_total(round_: Round | RoundGlance, scores: dict[str, int] | None = None) -> tuple[int, int]:
    """(total, max_total) of the round's agreed SEQF scores — the figures of
    ``rounds.consensus_result`` — added up from ``scores`` (area → agreed score) when the caller has
    them, else in the database: the front page needs two numbers, not every agreed area with its
    steps, evidence and tags loaded as objects. ``round_`` needs only ``id``, ``instrument_id`` and
    ``own_areas``."""
    codes = round_service.seqf_codes(round_)
    if scores is not None:
        return sum(scores.get(code, 0) for code in codes), 5 * len(codes)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(AreaAssessment.score), 0))
        .where(AreaAssessment.consensus_round_id == round_.id, AreaAssessment.area.in_(codes))
    ) if codes else 0
    return int(total or 0), 5 * len(codes)
