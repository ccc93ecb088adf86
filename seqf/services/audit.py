"""Writing the audit trail. Every service that changes state calls ``record``."""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, User
from seqf.text import shorten


def record(
    actor: User | None,
    action: str,
    obj: object | None,
    summary: str,
    organisation_id: int | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Add an audit event for ``obj`` in the current transaction (committed with the change)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "system",
        object_id=getattr(obj, "id", None),
        summary=shorten(summary, 500),
        data=data or {},
    )
    db.session.add(event)
    return event


def events_for_organisation(organisation_id: int) -> sa.Select:
    """Newest first; returned as a Select so callers can paginate."""
    return (
        sa.select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )


def all_events() -> sa.Select:
    return sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
