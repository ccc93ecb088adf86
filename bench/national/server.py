"""gunicorn as production runs it (4 sync workers, ``seqf.gunicorn_conf``), pointed at the bench
database; and the resident memory of its workers, read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(database_url: str, port: int, workers: int = 4) -> subprocess.Popen:
    env = {**os.environ, "SEQF_DATABASE_URL": database_url, "SEQF_SECRET_KEY": "bench-national-secret",
           "SEQF_BASE_URL": f"http://127.0.0.1:{port}"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen([gunicorn, "-c", "python:seqf.gunicorn_conf", "seqf:create_app()", "-w", str(workers),
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_rss_mb(process: subprocess.Popen) -> list[float]:
    """Resident memory of each worker (children of the gunicorn master) in MB."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sizes
