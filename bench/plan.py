"""The action plan of a long-lived service: six goals, 200 tasks, three years of fortnightly updates.

Run from the repository root with ``python -m bench.plan`` (``make bench`` runs it too; add
``--sqlite-only`` to skip PostgreSQL). It seeds a fresh SQLite database and, when a server answers, a
throwaway PostgreSQL database (as ``bench.run``) with the data of ``bench/plan_data.py`` (the same
builder ``tests/web/test_plan_queries.py`` uses), then, as the logged-in leader, times the
organisation dashboard, the plan as PDF and XLSX (page and API) and the follow-up review's plan
API, and counts the SQL statements of one run. The table goes to stdout and into the plan section of
``bench/README.md`` (between its markers; the rest of the file is left alone).

The meeting whose page (with its generated agenda) is timed is opened through the meetings
service, as a leader would.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

import bench.run as base
from bench.plan_data import SEED, populate_plan
from bench.run import PASSWORD, _cpu, _load_note, _version, make_app, measure
from seqf import clock
from seqf.extensions import db
from seqf.models import (
    Goal,
    MemberRole,
    Membership,
    Organisation,
    Review,
    ReviewKind,
    ReviewRevisor,
    ReviewState,
    RevisorRole,
    User,
)
from seqf.passwords import hash_password
from seqf.services import instruments as instrument_service

HTTP_RUNS = 7
README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- plan:start -->", "<!-- plan:end -->"
PATHS = [("organisation dashboard", "/organisations/{org}/"),
         ("plan as PDF", "/organisations/{org}/plan.pdf"),
         ("plan as XLSX", "/organisations/{org}/plan.xlsx"),
         ("API plan as XLSX", "/api/v1/organisations/{org}/plan.xlsx"),
         ("API follow-up plan (review)", "/api/v1/reviews/{review}/plan"),
         ("follow-up plan page (review)", "/reviews/{review}/action-plan")]
PLAN_PATHS = [("plan page", "/organisations/{org}/plan"),
              ("goal page (timeline)", "/goals/{goal}"),
              ("API goal list", "/api/v1/organisations/{org}/goals"),
              ("meeting page (generated agenda)", "{agenda}"),
              ("API meeting with agenda", "/api/v1/meetings/{meeting}")]


def _open_meeting(leader: User, organisation: Organisation) -> int:
    """The leader meeting series and today's meeting, opened (its agenda generated) by the service."""
    from seqf.services import meetings

    series = meetings.create_series(leader, organisation, {
        "title": "Ledermøte", "interval_days": 14, "first_on": clock.today(), "participant_ids": [leader.id]})
    meeting, _created = meetings.open_meeting(leader, series, clock.today())
    db.session.commit()
    return meeting.id


def build() -> dict:
    started = time.perf_counter()
    password_hash = hash_password(PASSWORD)
    org = Organisation(name="Plan Benk AS")
    leader = User(email="leder@planbenk.test", name="Lise Leder", password_hash=password_hash)
    lead = User(email="revisor@planbenk.test", name="Rita Revisor", password_hash=password_hash)
    staff = [User(email=f"ansatt{n}@planbenk.test", name=f"Ansatt {n}", password_hash=password_hash)
             for n in range(8)]
    db.session.add_all([org, leader, lead, *staff])
    db.session.flush()
    db.session.add(Membership(user=leader, organisation=org, role=MemberRole.leader))
    db.session.add_all([Membership(user=u, organisation=org, role=MemberRole.staff) for u in staff])
    from seqf.models import UserRole

    db.session.add(UserRole(user_id=lead.id, role="revisor"))
    rows = populate_plan(org, [leader, *staff])
    review = Review(organisation=org, instrument=instrument_service.current_instrument("seqf"),
                    kind=ReviewKind.follow_up, state=ReviewState.planned,
                    visit_starts_on=clock.today() + dt.timedelta(days=20),
                    visit_ends_on=clock.today() + dt.timedelta(days=20))
    review.revisors = [ReviewRevisor(user=lead, role=RevisorRole.lead, position=0)]
    db.session.add(review)
    db.session.commit()
    built = {"org": org.id, "review": review.id, "leader": leader.email, "lead": lead.email, "rows": rows,
             "seconds": time.perf_counter() - started}
    built["meeting"] = _open_meeting(leader, org)
    built["agenda"] = f"/meetings/{built['meeting']}"
    built["goal"] = db.session.scalar(sa.select(sa.func.min(Goal.id)).where(Goal.organisation_id == org.id))
    return built


def _time(client, label: str, path: str, headers: dict, results: list) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    results.append((label, path, *measure(lambda _arg: client.get(path, headers=headers).get_data(),
                                          runs=HTTP_RUNS)))


def run_backend(name: str, url: str) -> tuple[dict, list]:
    app = make_app(url)
    results: list = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        built = build()
        for who in ("leader", "lead"):
            client = app.test_client()
            token = client.post("/api/v1/tokens", json={"email": built[who], "password": PASSWORD})
            headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
            assert client.post("/login", data={"email": built[who], "password": PASSWORD}).status_code == 302
            paths = [p for p in PATHS if ("{review}" in p[1]) == (who == "lead")]
            if who == "leader":
                paths += PLAN_PATHS
            for label, template in paths:
                path = template.format(org=built["org"], review=built["review"], agenda=built["agenda"],
                                       goal=built["goal"], meeting=built["meeting"])
                _time(client, label, path, headers if path.startswith("/api/") else {}, results)
        built["version"] = _version(name)
        db.session.remove()
        db.engine.dispose()
    return built, results


def report(runs: dict[str, tuple[dict, list]], load: tuple[float, float]) -> str:
    rows = next(iter(runs.values()))[0]["rows"]
    lines = [
        START, "", "## Action plan: six goals, 200 tasks, three years of updates", "",
        "Generated by `python -m bench.plan`, which rewrites only this section. One organisation with "
        f"{rows['goals']} active goals, {rows['tasks']} tasks and {rows['updates']} progress updates "
        f"(fortnightly for three years; seed {SEED}; `bench/plan_data.py`), bulk-inserted, and a planned "
        "follow-up review. Each row is a GET through the Flask test client as the logged-in leader (the "
        f"review rows as its lead revisor; bearer token for the API): median and fastest of {HTTP_RUNS} "
        "runs, and the SQL statements of one run (session and login check included). "
        "`tests/web/test_plan_queries.py` asserts the dashboard's and the exports' counts are the same for "
        "a small plan and this one. The follow-up plan costs four statements per goal (its timeline) — "
        "at most six active goals plus those closed since the last review.", "",
        f"Machine: {os.cpu_count()} cores ({_cpu()}); "
        + "; ".join(built["version"] for built, _ in runs.values())
        + f". Run on {dt.date.today().isoformat()}. {_load_note(load)}", "",
        "| backend | what | median ms | fastest ms | statements |",
        "|---|---|---:|---:|---:|",
    ]
    for name, (built, results) in runs.items():
        lines.append(f"| {name} | build the data set (once) | {built['seconds'] * 1000:,.0f} | – | – |")
        for label, path, median, fastest, count in results:
            lines.append(f"| {name} | {label} (`{path}`) | {median:,.1f} | {fastest:,.1f} | {count} |")
    lines += ["", END]
    return "\n".join(lines)


def main() -> None:
    load_at_start = os.getloadavg()[0]
    runs: dict[str, tuple[dict, list]] = {}
    with tempfile.TemporaryDirectory(prefix="seqf-bench-") as tmp:
        runs["SQLite"] = run_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}")
    if "--sqlite-only" not in sys.argv:
        base.PG_DATABASE = "seqf_bench_plan"
        with base.postgres_database() as url:
            if url is not None:
                runs["PostgreSQL"] = run_backend("postgresql", url)
    text = report(runs, (load_at_start, os.getloadavg()[0]))
    print(text)
    previous = README.read_text(encoding="utf-8") if README.exists() else ""
    if START in previous and END in previous:
        updated = previous[:previous.index(START)] + text + previous[previous.index(END) + len(END):]
    else:
        updated = previous.rstrip("\n") + "\n\n" + text + "\n"
    README.write_text(updated, encoding="utf-8")
    print(f"written to {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
