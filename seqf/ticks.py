"""``seqf tick``: periodic jobs that queue due reminders.

Each job must be idempotent (outbox dedupe keys make a second run queue nothing). On PostgreSQL
the whole run holds an advisory lock so two nodes never run it at the same time.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from seqf.extensions import db

ADVISORY_LOCK_ID = 0x5E0F  # any constant shared by all nodes

JOBS: dict[str, Callable[[], int]] = {}


def job(name: str) -> Callable:
    """Register a tick job returning how many reminders it queued."""

    def decorator(fn: Callable[[], int]) -> Callable[[], int]:
        JOBS[name] = fn
        return fn

    return decorator


def _register_jobs() -> None:
    """Jobs live beside the services they serve; importing them registers them."""
    import seqf.services.plan_reminders  # noqa: F401
    import seqf.services.review_reminders  # noqa: F401
    import seqf.services.rounds  # noqa: F401


def run_all() -> dict[str, int]:
    _register_jobs()
    if db.engine.dialect.name == "postgresql":
        got = db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(ADVISORY_LOCK_ID)))
        if not got:
            return {"skipped (another node is running tick)": 0}
    return {name: fn() for name, fn in JOBS.items()}
