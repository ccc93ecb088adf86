"""SQL statements and worker CPU per request, measured in-process: the Flask test client against the
bench database, logged in as the same user, with a ``before_cursor_execute`` listener; the second
request after ``WARM_RUNS`` is counted (those warm the caches a long-running worker has warm), and the CPU time
(``time.process_time``: the application, SQLAlchemy and psycopg, not the database server) is the
median of ``CPU_RUNS`` more. A submit spends a draft, so it is counted once and not timed.

The load run calls ``in_own_process``: the count runs in a fresh interpreter, because the load run's
own has locust's gevent patches, under which every wait for PostgreSQL goes through gevent's
``select`` (the CPU column came out 30–90 % higher than a worker's: 13.1 ms for a 7.6 ms page)."""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.national.pages import AUTOSAVE_BODY, Phase
from seqf import create_app
from seqf.extensions import db

CPU_RUNS = 15
SERVER_RUNS = 100  # PostgreSQL's CPU is read from /proc in 10 ms ticks: enough requests to see it
# psycopg prepares a statement on its sixth run (``prepare_threshold`` 5); a long-running worker has
# long since passed that, so the counted request and the timed ones come after it
WARM_RUNS = 6


def count(database_url: str, state: dict, phases: list[Phase],
          tokens: list[dict]) -> dict[str, tuple[int, float | None, float | None]]:
    """Per phase: (statements of one request, median CPU ms of one request or None, PostgreSQL's
    CPU ms per request or None)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-national-count",
                      "SMTP_HOST": None, "RATELIMIT_ENABLED": False})
    counts: dict[str, tuple[int, float | None, float | None]] = {}
    clients = {}
    server = _ServerCPU(database_url)
    with app.app_context():
        seen: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        for phase in phases:
            headers, body = {}, None
            if phase.who in ("small", "large", "coordinator", "revisor"):
                if phase.who not in clients:
                    client = app.test_client()
                    form = client.get("/login").get_data(as_text=True)
                    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
                    client.post("/login", data={"email": _email(state, phase.who), "password": state["password"],
                                                "csrf_token": found.group(1) if found else ""})
                    clients[phase.who] = client
                client = clients[phase.who]
            else:
                client = app.test_client()
            path = phase.path
            if phase.who.endswith("-token"):
                headers["Authorization"] = f"Bearer {state[phase.who[:-6]]['leader_token']}"
            if phase.who == "token":
                token = tokens.pop()
                headers["Authorization"] = f"Bearer {token['token']}"
                path = path.format(round=token["round_id"])
                body = json.dumps(AUTOSAVE_BODY) if phase.kind == "autosave" else None
                headers["Content-Type"] = "application/json"
            runs = 1 if phase.kind == "submit" else WARM_RUNS + 1
            for _ in range(runs):
                seen.clear()
                client.open(path, method=phase.method, headers=headers, data=body)
            statements = len(seen)
            cpu = None
            if phase.kind != "submit":
                times = []
                for _ in range(CPU_RUNS):
                    started = time.process_time()
                    client.open(path, method=phase.method, headers=headers, data=body)
                    times.append((time.process_time() - started) * 1000)
                cpu = statistics.median(times)
            postgres = None
            if phase.kind != "submit" and server.readable():
                before = server.seconds()
                for _ in range(SERVER_RUNS):
                    client.open(path, method=phase.method, headers=headers, data=body)
                postgres = (server.seconds(before) - sum(before.values())) * 1000 / SERVER_RUNS
            counts[phase.name] = (statements, cpu, postgres)
            db.session.remove()
    server.close()
    return counts


class _ServerCPU:
    """CPU time of the bench database's server processes, from ``/proc`` (a local PostgreSQL, as in
    the bench). The kernel counts it in ticks of 10 ms, so it is read over ``SERVER_RUNS`` requests."""

    def __init__(self, database_url: str) -> None:
        self._engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        self._tick = os.sysconf("SC_CLK_TCK")

    def _pids(self) -> list[int]:
        with self._engine.connect() as conn:
            return list(conn.scalars(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))

    def _of(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick

    def readable(self) -> bool:
        return any(self._of(pid) is not None for pid in self._pids())

    def seconds(self, before: dict[int, float] | None = None) -> dict[int, float] | float:
        """Per server process now; given ``before``, the total now of those and of any started since."""
        now = {pid: found for pid in self._pids() if (found := self._of(pid)) is not None}
        if before is None:
            return now
        return sum(now.values()) + sum(v for pid, v in before.items() if pid not in now)

    def close(self) -> None:
        self._engine.dispose()


def in_own_process(database_url: str, state_file: str,
                   tokens: list[dict]) -> dict[str, tuple[int, float | None, float | None]]:
    """``count`` in a fresh interpreter (``python -m bench.national.statements``), without gevent."""
    arguments = json.dumps({"database_url": database_url, "state_file": state_file, "tokens": tokens})
    done = subprocess.run([sys.executable, "-m", "bench.national.statements"], input=arguments, text=True,
                          capture_output=True, check=True)
    last = done.stdout.strip().splitlines()[-1]  # anything the app printed comes before it
    return {name: tuple(values) for name, values in json.loads(last).items()}


def main() -> None:
    from bench.national.pages import phases

    arguments = json.load(sys.stdin)
    state = json.loads(Path(arguments["state_file"]).read_text())
    counted = count(arguments["database_url"], state, phases(state), arguments["tokens"])
    sys.stdout.write("\n" + json.dumps(counted) + "\n")


def _email(state: dict, who: str) -> str:
    return {"small": state["small"]["leader"], "large": state["large"]["leader"],
            "coordinator": state["coordinator"], "revisor": state["small"]["lead_revisor"]}[who]


if __name__ == "__main__":
    main()
