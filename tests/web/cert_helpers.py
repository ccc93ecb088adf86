"""Helpers for the certification tests: a frozen clock, a published review, outbox and audit reads."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import AuditEvent, OutboxMessage, ReviewKind, ReviewState
from tests.web.review_helpers import make_review


def freeze(monkeypatch, day: dt.date) -> None:
    """``clock.now()`` at 10:00 UTC on ``day`` (the same date in Oslo)."""
    moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


def published_review(cast, *, published_days_ago: int = 3, kind: ReviewKind = ReviewKind.certification,
                     state: ReviewState = ReviewState.published):
    """A review of ``cast.org`` led by ``cast.lead`` with ``cast.co``, published a few days ago."""
    published_at = clock.now() - dt.timedelta(days=published_days_ago)
    return make_review(cast.org, cast.lead, (cast.co,), state=state, kind=kind, published_at=published_at,
                       starts_in_days=-published_days_ago - 30)


def mail_to(prefix: str) -> list[str]:
    """Recipients of messages whose dedupe key starts with ``prefix``, sorted."""
    db.session.expire_all()
    return sorted(db.session.scalars(
        sa.select(OutboxMessage.recipient).where(OutboxMessage.dedupe_key.like(f"{prefix}%"))))


def messages(prefix: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"{prefix}%")).order_by(OutboxMessage.id)))


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
