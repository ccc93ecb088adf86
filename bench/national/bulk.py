"""Fast inserts: SQLAlchemy core in chunks, and PostgreSQL COPY for the millions of step answers."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from seqf.extensions import db

CHUNK = 5_000


def insert(table: sa.Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in chunks; the new ids in the order of ``rows``."""
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        result = db.session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk)
        ids += [row[0] for row in result]
    return ids


def insert_plain(table: sa.Table, rows: list[dict]) -> None:
    """Insert rows of a table without an id column (links, participants)."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start:start + CHUNK])


def next_ids(table: str, count: int) -> list[int]:
    """Reserve ``count`` ids from the table's sequence (PostgreSQL), so COPY can give ids itself."""
    if count == 0:
        return []
    rows = db.session.execute(sa.text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": count})
    return [row[0] for row in rows]


def copy(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` into ``table`` on the session's connection (JSON values given as Python lists)."""
    connection = db.session.connection().connection.driver_connection
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in row])
            count += 1
    return count


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
