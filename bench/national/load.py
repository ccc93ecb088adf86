# ruff: noqa: I001
"""The load run: ``python -m bench.national.load [--seconds 20] [--users 20]``.

Starts gunicorn on the national database, logs each role in once, then runs locust headless as a
library (FastHttpUser, 20 concurrent users) phase by phase: a warm-up, then a fixed time per page.
Per phase: requests/s, p50/p95/p99, errors (first error body printed), share of ``/healthz``; then
SQL statements per request (in-process) and unloaded p50/p95 (one client, sequential), and the
workers' resident memory. Returns the rows; ``bench.national.__main__`` writes them to the README.
"""

from __future__ import annotations

import gevent  # locust patches the standard library first, so it comes before the rest
from locust import FastHttpUser, constant, task
from locust.env import Environment

import argparse
import json
import signal
import statistics
import sys
import time
import urllib.request

import sqlalchemy as sa

from bench.national import server, sessions, statements
from bench.national.pages import AUTOSAVE_BODY, Phase, phases
from bench.national.settings import STATE_FILE, database_url, server_database_url


class TokenPool:
    """Staff tokens with a draft: autosave cycles through them, submit uses each once."""

    RESERVED = 60  # kept back from the load for the unloaded measurement (``release_reserve``)

    def __init__(self, tokens: list[dict]):
        self.autosave = tokens[: len(tokens) // 3] or tokens
        self.submit = list(tokens[len(tokens) // 3:])
        self.reserve, self.submit = self.submit[:self.RESERVED], self.submit[self.RESERVED:]
        self.turn = 0

    def release_reserve(self) -> None:
        self.submit += self.reserve
        self.reserve = []

    def next_autosave(self) -> dict:
        self.turn += 1
        return self.autosave[self.turn % len(self.autosave)]

    def next_submit(self) -> dict | None:
        return self.submit.pop() if self.submit else None


def reset_drafts(url: str, tokens: list[dict]) -> None:
    """Make the token holders' responses drafts again, so a rerun has something to submit."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for t in tokens:
            conn.execute(sa.text("UPDATE responses SET state = 'draft', submitted_at = NULL "
                                 "WHERE round_id = :r AND user_id = :u"), {"r": t["round_id"], "u": t["user_id"]})
    engine.dispose()


def request_of(phase: Phase, pool: TokenPool, cookies: dict[str, str], state: dict):
    """(method, path, headers, body) of one request, or None when the submit pool is empty."""
    headers = {}
    if phase.who in cookies:
        headers["Cookie"] = cookies[phase.who]
    if phase.who.endswith("-token"):
        headers["Authorization"] = f"Bearer {state[phase.who[:-6]]['leader_token']}"
    if phase.kind in ("autosave", "submit"):
        token = pool.next_autosave() if phase.kind == "autosave" else pool.next_submit()
        if token is None:
            return None
        headers |= {"Authorization": f"Bearer {token['token']}", "Content-Type": "application/json"}
        body = json.dumps(AUTOSAVE_BODY) if phase.kind == "autosave" else None
        return phase.method, phase.path.format(round=token["round_id"]), headers, body
    return phase.method, phase.path, headers, None


def run_phase(base: str, phase: Phase, make, users: int, warmup: float, seconds: float) -> dict:
    errors: list[str] = []
    ran_out: list[float] = []  # when ``make`` first had nothing left (the submit drafts are finite)

    class Visitor(FastHttpUser):
        host = base
        wait_time = constant(0)

        @task
        def visit(self):
            built = make()
            if built is None:
                if not ran_out:
                    ran_out.append(time.perf_counter())
                gevent.sleep(0.05)
                return
            method, path, headers, body = built
            with self.client.request(method, path, headers=headers, data=body, name=phase.name,
                                     catch_response=True, allow_redirects=False) as answer:
                status = answer.status_code or 0
                to_login = 300 <= status < 400 and "/login" in (answer.headers.get("Location") or "")
                if not 200 <= status < 400 or to_login:  # a lost session is an error, not a redirect
                    if not errors:
                        errors.append(f"{answer.status_code} {path}: {(answer.text or '')[:300]}")
                    answer.failure(f"status {answer.status_code}")

    env = Environment(user_classes=[Visitor])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    env.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - started
    if ran_out and ran_out[0] > started:  # requests/s over the seconds there was something to send
        elapsed = ran_out[0] - started
    entry = env.stats.get(phase.name, phase.method)
    row = {"page": phase.name, "requests": entry.num_requests, "rps": entry.num_requests / elapsed,
           "p50": entry.get_response_time_percentile(0.5), "p95": entry.get_response_time_percentile(0.95),
           "p99": entry.get_response_time_percentile(0.99), "errors": entry.num_failures,
           "first_error": errors[0] if errors else ""}
    runner.quit()
    return row


def unloaded(base: str, make, runs: int = 50) -> tuple[float, float]:
    """p50 and p95 in ms of ``runs`` sequential requests (one client)."""
    times = []
    for _ in range(runs):
        built = make()
        if built is None:
            break
        method, path, headers, body = built
        request = urllib.request.Request(base + path, method=method, headers=headers,
                                         data=body.encode() if body else None)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request) as answer:
                answer.read()
        except OSError:
            pass
        times.append((time.perf_counter() - started) * 1000)
    if not times:
        return 0.0, 0.0
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def run(state: dict, seconds: float = 20, warmup: float = 3, users: int = 20) -> dict:
    # a terminated run still stops its gunicorn (the ``finally`` below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url = database_url(state["database"])
    tokens = state["staff_tokens"]
    reset_drafts(url, tokens)
    port = server.free_port()
    base = f"http://127.0.0.1:{port}"
    process = server.start(server_database_url(state["database"]), port)
    load_start = _loadavg()
    rss_peak: list[float] = []

    def sample_memory():
        while True:
            rss_peak.append(max(server.worker_rss_mb(process), default=0))
            gevent.sleep(0.5)

    sampler = gevent.spawn(sample_memory)
    try:
        cookies = {who: sessions.login(base, email, state["password"]) for who, email in (
            ("small", state["small"]["leader"]), ("large", state["large"]["leader"]),
            ("coordinator", state["coordinator"]), ("revisor", state["small"]["lead_revisor"]))}
        pool = TokenPool(tokens)
        rows = []
        for phase in phases(state):
            make = lambda phase=phase: request_of(phase, pool, cookies, state)  # noqa: E731
            # a submit spends a draft: no warm-up, so the drafts go to the measured seconds
            row = run_phase(base, phase, make, users, 0 if phase.kind == "submit" else warmup, seconds)
            if phase.kind == "submit":
                pool.release_reserve()
            row["unloaded_p50"], row["unloaded_p95"] = unloaded(base, make)
            rows.append(row)
            print(f"{row['page']:<34} {row['rps']:7.1f}/s p50 {row['p50']:6.0f} p95 {row['p95']:6.0f} "
                  f"errors {row['errors']} {row['first_error']}", flush=True)
        rss_steady = server.worker_rss_mb(process)
    finally:
        sampler.kill()
        server.stop(process)
    reset_drafts(url, tokens)
    counted = statements.in_own_process(url, str(STATE_FILE), list(tokens))  # a submit spends one draft, reset below
    healthz = max(rows[0]["rps"], rows[-1]["rps"]) or 1
    for row in rows:
        row["share"] = row["rps"] / healthz
        row["statements"], row["cpu_ms"], row["postgres_ms"] = counted.get(row["page"], (None, None, None))
    reset_drafts(url, tokens)
    return {"rows": rows, "rss_steady": rss_steady, "rss_peak": max(rss_peak, default=0), "seconds": seconds,
            "users": users, "load_start": load_start, "load_end": _loadavg()}


def _loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args(argv)
    result = run(json.loads(STATE_FILE.read_text()), args.seconds, args.warmup, args.users)
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))


if __name__ == "__main__":
    main()
