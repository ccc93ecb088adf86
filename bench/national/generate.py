"""Build the national data set: ``python -m bench.national.generate [--scale 1.0] [--database URL]``.

Creates the PostgreSQL database ``seqf_national`` through the admin URL (``SEQF_BENCH_POSTGRES_URL``),
runs the migrations (the app's ``flask db upgrade``), bulk-inserts people and rounds, builds the
measured organisations through the services, issues API tokens to staff with drafts, and writes what
the load run needs to ``/tmp/seqf-national.json``. Deterministic for a given scale (fixed seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.national import database, library, network, people, rounds_data, showcase
from bench.national.settings import DATABASE, PASSWORD, SEED, STATE_FILE, Scale, database_url
from seqf import clock, create_app
from seqf.extensions import db
from seqf.models import ApiToken, User
from seqf.services import tokens

TABLES = ["organisations", "users", "memberships", "rounds", "round_participants", "responses",
          "area_assessments", "step_assessments", "round_snapshots", "evidence", "evidence_files", "evidence_tags",
          "reviews", "report_versions", "certificates", "goals", "tasks", "goal_updates", "meeting_series",
          "meetings", "calendar_feeds", "api_tokens"]


def make_app(url: str):
    """The app as the generator uses it: fast password hashing is not needed (one hash for all)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-national", "SMTP_HOST": None,
                       "RATELIMIT_STORAGE_URI": "memory://", "BASE_URL": "http://bench.local"})


def issue_tokens(drafts: list[tuple[int, int]], count: int) -> list[dict]:
    """API tokens for the first ``count`` staff with a draft (one draft each), hashed as
    ``seqf.services.tokens`` does."""
    chosen = drafts[:count]
    now = clock.now()
    rows, out = [], []
    for user_id, round_id in chosen:
        secret = tokens.new_secret()
        rows.append({"user_id": user_id, "token_hash": tokens.digest(secret), "created_at": now,
                     "expires_at": now + dt.timedelta(days=365)})
        out.append({"user_id": user_id, "round_id": round_id, "token": secret})
    db.session.execute(sa.insert(ApiToken.__table__), rows)
    return out


def populate(scale: Scale) -> dict:
    """Fill the database of the current app context; returns the state for the load run."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    crowd = people.build(scale, rng)
    instrument = rounds_data.Instrument()
    large, small = crowd.organisations[0], crowd.organisations[3]
    counts = rounds_data.build(rng, crowd.organisations, instrument, scale.rounds - 4, {large.id, small.id})
    others = [o for o in crowd.organisations if o.id not in (large.id, small.id)]
    library.build(rng, others)
    network.build(rng, [o.id for o in others], crowd.revisor_ids, instrument.model.id)
    found, shown = showcase.build(rng, instrument, small, large, crowd.coordinator_id, crowd.revisor_ids)
    counts.add(shown)
    # the staff drafts of the large organisation come first, so its open round gets written to
    in_large = [d for d in counts.drafts_by_user if d[1] == found["large"]["open"]]
    others = [d for d in counts.drafts_by_user if d[1] != found["large"]["open"]]
    staff_tokens = issue_tokens(in_large + rng.sample(others, len(others)), scale.staff_tokens)
    for key in ("small", "large"):
        leader = db.session.scalar(sa.select(User).where(User.email == found[key]["leader"]))
        found[key]["leader_token"] = tokens.issue_api_token(leader)[1]
    db.session.commit()
    rows = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in TABLES}
    return {"scale": scale.factor, "seed": SEED, "password": PASSWORD, "build_seconds": time.perf_counter() - started,
            "rows": rows, "staff_tokens": staff_tokens, **found}


def migrate_to_head(url: str) -> None:
    """Apply the app's migrations (``flask db upgrade``); nothing to do when the database is current."""
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(app.extensions["migrate"].directory))
        db.engine.dispose()


def generate(scale: Scale, admin_url_database: str = DATABASE, rebuild: bool = False) -> dict:
    """Build (or reuse) the database; returns the state (also written to ``STATE_FILE``)."""
    if not rebuild and database.marker(admin_url_database) == scale.marker() and STATE_FILE.exists():
        state = json.loads(STATE_FILE.read_text())
        if state.get("scale") == scale.factor:
            migrate_to_head(database_url(admin_url_database))  # a later migration (an index) applies to the kept data
            database.analyse(database_url(admin_url_database))
            state["reused"] = True
            return state
    started = time.perf_counter()
    database.recreate(admin_url_database)
    migrate_to_head(database_url(admin_url_database))
    app = make_app(database_url(admin_url_database))
    with app.test_request_context("/"):
        state = populate(scale)
        db.session.remove()
        db.engine.dispose()
    database.analyse(database_url(admin_url_database))
    state["build_seconds"] = time.perf_counter() - started
    state["database"] = admin_url_database
    state["database_bytes"] = database.size(admin_url_database)
    database.mark(admin_url_database, scale.marker())
    STATE_FILE.write_text(json.dumps(state, indent=1))
    return state


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", default=DATABASE, help="name of the database to (re)build")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    state = generate(Scale(args.scale), args.database, args.rebuild)
    print(f"built in {state['build_seconds']:.0f} s, {state.get('database_bytes', 0) / 1e6:.0f} MB:",
          json.dumps(state["rows"]))


if __name__ == "__main__":
    main()
