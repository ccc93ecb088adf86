"""Load benchmark: one organisation, 1,000 participants, 1,000 submitted responses over nine areas.

Run from the repository root with ``make bench`` or ``python -m bench.run``. It builds a fresh SQLite
database in a temporary directory, and a throwaway PostgreSQL database ``seqf_bench`` when a server
answers (``SEQF_BENCH_POSTGRES_URL``, default ``postgresql+psycopg://127.0.0.1:5432/postgres``; the
database is created and dropped again). It then measures what a leader reads: ``round_summary()``
and ``round_results()``, the summary and results API, and the leader's pages — the median and the
fastest time of several runs and the number of SQL statements of one run. The table goes to stdout and to
``bench/README.md``. Speed is measured here, never asserted in tests (the tests assert only that
the number of statements does not grow with the number of responses).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from seqf import clock, create_app, scoring
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    MemberRole,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    StepAssessment,
    User,
)
from seqf.models.assessments import step_evidence
from seqf.passwords import hash_password
from seqf.services import assessments, evidence
from seqf.services import rounds as round_service

PARTICIPANTS = 1_000
RUNS = 15
HTTP_RUNS = 7
SEED = 20250301
PASSWORD = "benk-benk-benk-benk"
README = Path(__file__).resolve().parent / "README.md"
PG_ADMIN_URL = os.environ.get("SEQF_BENCH_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/postgres")
PG_DATABASE = "seqf_bench"
PAGES = ["/rounds/{id}", "/rounds/{id}/summary", "/rounds/{id}/results", "/rounds/{id}/consensus",
         "/rounds/{id}/export.csv", "/rounds/{id}/export.xlsx"]
API = ["/api/v1/rounds/{id}/summary", "/api/v1/rounds/{id}/results"]
COMMENTS = ["Vi trenger bedre rutiner for dokumentasjon.", "Godt samarbeid med NAV-veileder.",
            "Usikker på om dette gjelder hele teamet.", "Arbeidsgiverkontakten er god, men personavhengig.",
            "Vi måler ikke resultatene systematisk ennå."]


# --- building the data ---------------------------------------------------------------------------

def make_app(url: str):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "SMTP_HOST": None, "RATELIMIT_STORAGE_URI": "memory://", "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024, "BASE_URL": "http://bench.local",
    })


def _insert(table: sa.Table, rows: list[dict]) -> list[int]:
    """Bulk insert with SQLAlchemy core; the new ids in the order of ``rows``."""
    if not rows:
        return []
    result = db.session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _answer(rng: random.Random, mean: float, step_codes: list[list[str]]):
    """One person's answer for one area: steps met up to a random level, most of them documented."""
    top = min(5, max(0, round(rng.gauss(mean, 1.1))))
    documented = {level: rng.random() < 0.7 for level in range(1, 6)}
    steps = [(level, True, documented[level]) for level in range(1, top + 1)]
    if top < 5:
        steps.append((top + 1, False, False))
    result = scoring.score_area([scoring.StepInput(level, met, int(doc)) for level, met, doc in steps])
    rows = [{"level": level, "met": met,
             "indicators": step_codes[level - 1] if met else step_codes[level - 1][:1]}
            for level, met, _doc in steps]
    return result, rows, [doc for _level, _met, doc in steps]


def _bulk_answers(rng: random.Random, round_: Round, response_ids: list[int], library: list,
                  now: dt.datetime) -> dict[str, int]:
    """Nine area answers per response with their steps and evidence links; returns the row counts."""
    areas = [a for a in round_service.round_areas(round_) if not a["own"]]
    means = {a["code"]: rng.uniform(1.5, 3.8) for a in areas}
    codes = {a["code"]: [[i["code"] for i in step["indicators"]] for step in a["steps"]] for a in areas}
    area_rows, step_plan = [], []
    for response_id in response_ids:
        for area in areas:
            result, steps, docs = _answer(rng, means[area["code"]], codes[area["code"]])
            comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
            area_rows.append({"response_id": response_id, "consensus_round_id": None, "area": area["code"],
                              "claimed": result.claimed, "score": result.score, "comment": comment,
                              "justification": "", "strengths": "", "recommendations": [], "updated_at": now,
                              "updated_by_id": None})
            step_plan.append((steps, docs))
    area_ids = _insert(AreaAssessment.__table__, area_rows)
    step_rows, step_docs = [], []
    for area_id, (steps, docs) in zip(area_ids, step_plan, strict=True):
        step_rows += [{"assessment_id": area_id, **step} for step in steps]
        step_docs += docs
    step_ids = _insert(StepAssessment.__table__, step_rows)
    links = [{"step_id": sid, "evidence_id": rng.choice(library).id}
             for sid, doc in zip(step_ids, step_docs, strict=True) if doc]
    db.session.execute(sa.insert(step_evidence), links)
    return {"area answers": len(area_ids), "step answers": len(step_ids), "evidence links": len(links)}


def build() -> dict:
    """One organisation, a leader and 1,000 staff who have all submitted; the round closed with a consensus."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    now = clock.now()
    password_hash = hash_password(PASSWORD)
    org = Organisation(name="Benk AS")
    leader = User(email="leder@benk.test", name="Lise Leder", password_hash=password_hash)
    db.session.add_all([org, leader])
    db.session.flush()
    db.session.add(Membership(user=leader, organisation=org, role=MemberRole.leader))
    library = [evidence.add_link_evidence(leader, org, title=f"Rutine {n}", url=f"https://benk.test/r{n}")
               for n in range(1, 4)]
    staff_ids = _insert(User.__table__, [
        {"email": f"ansatt{n}@benk.test", "name": f"Ansatt {n:04d}", "password_hash": password_hash,
         "language": "nb", "active": True, "session_version": 1, "created_at": now}
        for n in range(1, PARTICIPANTS + 1)])
    _insert(Membership.__table__, [{"user_id": uid, "organisation_id": org.id, "role": MemberRole.staff,
                                    "created_at": now} for uid in staff_ids])
    round_ = round_service.open_round(leader, org, title="Vårrunden", participant_ids=[leader.id],
                                      closes_on=clock.today() + dt.timedelta(days=14))
    db.session.execute(sa.insert(RoundParticipant.__table__),
                       [{"round_id": round_.id, "user_id": uid, "invited_at": now} for uid in staff_ids])
    response_ids = _insert(Response.__table__, [
        {"round_id": round_.id, "user_id": uid, "state": ResponseState.submitted, "created_at": now,
         "updated_at": now, "submitted_at": now} for uid in staff_ids])

    rows = _bulk_answers(rng, round_, response_ids, library, now)
    db.session.commit()

    round_service.close_round(leader, round_)
    prefill = round_service.consensus_prefill(round_)
    round_service.record_consensus(leader, round_, [
        assessments.AreaData(area=code, justification="Drøftet i personalmøtet.", steps=[
            assessments.StepData(level=level, met=True, evidence_ids=[library[0].id])
            for level in range(1, found["steps_met"] + 1)])
        for code, found in prefill.items()])
    db.session.commit()
    return {"round_id": round_.id, "leader": (leader.id, leader.email), "seconds": time.perf_counter() - started,
            "rows": {"responses": len(response_ids), **rows}}


# --- measuring -----------------------------------------------------------------------------------

@contextmanager
def counting():
    """Collect the SQL statements sent inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def measure(action: Callable[[object], object], setup: Callable[[], object] = lambda: None,
            runs: int = RUNS) -> tuple[float, float, int]:
    """Median and fastest milliseconds over ``runs`` and the statements of one run.

    Each run starts with an empty session; ``setup`` (not timed, not counted) prepares the argument.
    """
    times, count = [], 0
    for _ in range(runs):
        db.session.expunge_all()
        argument = setup()
        with counting() as statements:
            started = time.perf_counter()
            action(argument)
            times.append((time.perf_counter() - started) * 1000)
        count = len(statements)
    return statistics.median(times), min(times), count


def run_backend(name: str, url: str) -> tuple[dict, list[tuple[str, float, float, int]]]:
    app = make_app(url)
    results: list[tuple[str, float, float, int]] = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        built = build()
        round_id = built["round_id"]
        summary = round_service.round_summary(db.session.get(Round, round_id))
        assert summary["submitted"] == PARTICIPANTS and not summary["withheld"], summary["submitted"]
        for label, fn in (("round_summary()", round_service.round_summary),
                          ("round_results()", round_service.round_results)):
            results.append((label, *measure(fn, lambda: db.session.get(Round, round_id))))
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"email": built["leader"][1], "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        for path in API:
            results.append(_http(client, "GET " + path, path.format(id=round_id), headers))
        assert client.post("/login", data={"email": built["leader"][1], "password": PASSWORD}).status_code == 302
        rules = {r.rule for r in app.url_map.iter_rules()}
        for path in PAGES:
            if path.replace("{id}", "<int:round_id>") in rules:
                results.append(_http(client, "GET " + path, path.format(id=round_id), {}))
        built["version"] = _version(name)
        db.session.remove()
        db.engine.dispose()
    return built, results


def _http(client, label: str, path: str, headers: dict) -> tuple[str, float, float, int]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return (label, *measure(lambda _arg: client.get(path, headers=headers), runs=HTTP_RUNS))


def _version(name: str) -> str:
    if name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return "PostgreSQL " + db.session.scalar(sa.text("SHOW server_version")).split()[0]


@contextmanager
def postgres_database():
    """A throwaway ``seqf_bench`` database, or None when no server answers."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL not reachable at {PG_ADMIN_URL}, skipped: {exc.orig}", file=sys.stderr)
        admin.dispose()
        yield None
        return
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"'))
        admin.dispose()


# --- reporting -----------------------------------------------------------------------------------

def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load_note(load: tuple[float, float]) -> str:
    """The one-minute load average at start and end, with a warning when other work shared the CPUs."""
    note = f"Load average (1 min) at start / end: {load[0]:.1f} / {load[1]:.1f}"
    if max(load) > 0.5 * (os.cpu_count() or 1):
        note += (" — other processes were using the CPUs during this run, so the times are higher and noisier "
                 "than on an idle machine (the fastest run is the better guide; statement counts are exact)")
    return note + "."


def report(runs: dict[str, tuple[dict, list]], load: tuple[float, float]) -> str:
    first = next(iter(runs.values()))[0]
    lines = [
        "# Benchmark: a round with 1,000 submitted responses",
        "",
        "Generated by `make bench` (`python -m bench.run`); every run rewrites this file. One organisation, "
        f"{PARTICIPANTS:,} staff and one leader invited, {first['rows']['responses']:,} submitted responses "
        f"over the nine SEQF areas ({first['rows']['area answers']:,} area answers, "
        f"{first['rows']['step answers']:,} step answers, {first['rows']['evidence links']:,} evidence links; "
        f"random scores with seed {SEED}), the round closed and the consensus recorded. Data is bulk-inserted "
        "with SQLAlchemy core; the round, close and consensus go through the services.",
        "",
        f"Times are the median and the fastest of {RUNS} runs ({HTTP_RUNS} for HTTP), each starting with an "
        "empty SQLAlchemy session (the service rows load the round before the clock starts); HTTP rows go "
        "through the Flask test client (no network, no web server), as the logged-in leader or with the "
        "leader's bearer token. *Statements* is the number of SQL statements of one run. The tests "
        "(`tests/web/test_summary_queries.py`) assert that this number does not grow with the number of "
        "responses; speed is only measured here.",
        "",
        f"Machine: {os.cpu_count()} cores ({_cpu()}), {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; " + "; ".join(built["version"] for built, _ in runs.values())
        + f". Run on {dt.date.today().isoformat()}. {_load_note(load)}",
        "",
        "| backend | what | median ms | fastest ms | statements |",
        "|---|---|---:|---:|---:|",
    ]
    for name, (built, results) in runs.items():
        lines.append(f"| {name} | build the data set (once) | {built['seconds'] * 1000:,.0f} | – | – |")
        for label, median, fastest, count in results:
            lines.append(f"| {name} | `{label}` | {median:,.1f} | {fastest:,.1f} | {count} |")
    lines += ["", "Reading the table: `round_summary()` reads the snapshot stored when the round was closed "
              "(the aggregates are computed once, at close, from the stored `score` of each answer), so a "
              "page costs the same whatever the number of responses. `round_results()` adds "
              "the consensus and the previous round. On the pages most of the time is template rendering: the "
              "overview and summary list all 1,001 participants by name (who has submitted, never what).", ""]
    return "\n".join(lines)


def main() -> None:
    load_at_start = os.getloadavg()[0]
    runs: dict[str, tuple[dict, list]] = {}
    with tempfile.TemporaryDirectory(prefix="seqf-bench-") as tmp:
        runs["SQLite"] = run_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}")
    with postgres_database() as url:
        if url is not None:
            runs["PostgreSQL"] = run_backend("postgresql", url)
    text = report(runs, (load_at_start, os.getloadavg()[0]))
    print(text)
    # bench/uploads.py keeps its own section at the end of the file
    previous = README.read_text(encoding="utf-8") if README.exists() else ""
    uploads = previous[previous.index("<!-- uploads:start -->"):] if "<!-- uploads:start -->" in previous else ""
    # bench/national keeps its section right after the title line
    start, end = "<!-- national:start -->", "<!-- national:end -->"
    if start in previous and end in previous:
        national = start + previous.split(start, 1)[1].split(end, 1)[0] + end
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{national}\n{rest}"
    README.write_text(text.rstrip("\n") + "\n\n" + uploads if uploads else text, encoding="utf-8")
    print(f"written to {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
