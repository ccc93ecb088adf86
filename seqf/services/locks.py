"""Row locks for writes that must not race: read the state under the lock, then change it.

On PostgreSQL this is ``SELECT … FOR UPDATE`` (or ``FOR SHARE`` where several writers may go on
together, e.g. saves in one round while nobody closes it). SQLite has no row locks but a single
write lock for the whole file: a write that changes nothing takes it at once, so every read after
it sees the last committed state and no other writer can slip in before the commit. A writer that
waits longer than the busy timeout gets ``database is locked``, which the error handlers turn
into 409 ("try again"), never 500.
"""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db


def lock(obj, *, shared: bool = False) -> None:
    """Lock ``obj``'s row until the transaction ends and re-read its columns from the database."""
    table = type(obj).__table__
    if db.session.get_bind().dialect.name == "postgresql":
        # fetched, not only executed: the ORM refreshes ``obj`` only from rows it reads
        db.session.execute(
            sa.select(type(obj)).where(table.c.id == obj.id).with_for_update(read=shared)
            .execution_options(populate_existing=True)
        ).scalars().all()
        return
    # a no-op write; the timestamp column is named so its ``onupdate`` does not move it
    keep = {c.name: c for c in table.c if c.name in ("id", "updated_at")}
    db.session.execute(sa.update(table).where(table.c.id == obj.id).values(keep))
    db.session.refresh(obj)
