"""Create, mark and drop the benchmark database through the admin URL. The scale and seed are kept
as the database's COMMENT, so the app's schema gets no bench table."""

from __future__ import annotations

import sqlalchemy as sa

from bench.national.settings import ADMIN_URL


def _admin() -> sa.Engine:
    return sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def marker(name: str) -> str | None:
    """The comment of database ``name``; None when it does not exist."""
    engine = _admin()
    try:
        with engine.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                return None
            return conn.scalar(sa.text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                       "WHERE datname = :n"), {"n": name}) or ""
    finally:
        engine.dispose()


def recreate(name: str) -> None:
    engine = _admin()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def mark(name: str, text: str) -> None:
    engine = _admin()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS '{text}'"))
    finally:
        engine.dispose()


def size(name: str) -> int:
    engine = _admin()
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT pg_database_size(:n)"), {"n": name})
    finally:
        engine.dispose()


def analyse(url: str) -> None:
    """``VACUUM ANALYZE`` the bench database: after a bulk load the planner has no statistics and picks
    sequential scans over millions of rows (the organisation page took 90 ms in one query without it,
    1 ms with it). A production database gets the same from autovacuum; the bench must not measure a
    planner that has not looked at the data yet."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()
