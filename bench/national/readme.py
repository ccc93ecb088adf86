"""The national section of ``bench/README.md`` (between its markers, at the top; the rest is left alone)."""

from __future__ import annotations

import os
import platform

from bench.national.settings import README

START, END = "<!-- national:start -->", "<!-- national:end -->"


def _cpu() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def section(state: dict, result: dict) -> str:
    rows = state["rows"]
    lines = [START, "## National scale under load (issue 9)", "",
             f"Machine: {os.cpu_count()} cores, {_cpu()}; load average {result['load_start']} at the start, "
             f"{result['load_end']} at the end. gunicorn 4 sync workers, PostgreSQL, {result['users']} concurrent "
             f"locust users, {result['seconds']:g} s per page after a warm-up.", "",
             f"Data set (scale {state['scale']:g}, built in {state['build_seconds']:.0f} s, "
             f"{state.get('database_bytes', 0) / 1e6:.0f} MB): "
             + ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in rows.items()) + ".", "",
             "| page | requests/s | p50 | p95 | p99 | errors | share of /healthz | statements | worker CPU "
             "| PostgreSQL CPU | machine CPU under load | unloaded p95 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["rows"]:
        statements = "" if r.get("statements") is None else str(r["statements"])
        cpu = "" if r.get("cpu_ms") is None else f"{r['cpu_ms']:.1f} ms"
        postgres = "" if r.get("postgres_ms") is None else f"{r['postgres_ms']:.1f} ms"
        machine = f"{(os.cpu_count() or 1) * 1000 / r['rps']:.1f} ms" if r["rps"] else ""
        lines.append(f"| {r['page']} | {r['rps']:.1f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['p99']:.0f} ms | "
                     f"{r['errors']} | {r['share']:.0%} | {statements} | {cpu} | {postgres} | {machine} | "
                     f"{r['unloaded_p95']:.0f} ms |")
    steady = ", ".join(f"{mb:.0f}" for mb in result["rss_steady"])
    lines += ["", f"Worker memory (RSS) after the run: {steady} MB; peak during the run (sampled every 0.5 s) "
                  f"{result['rss_peak']:.0f} MB.", "",
              "Reproduce: `make bench` (or `python -m bench.national [--scale 1.0] [--seconds 20] [--rebuild]`; "
              "`SEQF_BENCH_POSTGRES_URL` is the admin URL, default `postgresql+psycopg://127.0.0.1:5432/postgres`). "
              "The data set is rebuilt only when its scale or seed changed. Statements are counted in-process "
              "(Flask test client, same user, after six warm-up requests, in an interpreter without locust's "
              "gevent patches); *worker CPU* is the median CPU time of one request in-process (application, "
              "SQLAlchemy, psycopg); *PostgreSQL CPU* is the database server's CPU time per request over 100 "
              "more (from /proc); *machine CPU under load* is the cores divided by requests/s: what one request "
              "cost the whole machine in the load run (worker, PostgreSQL, gunicorn, locust, kernel); unloaded "
              "p95 is 50 sequential requests.", END]
    return "\n".join(lines)


def write(state: dict, result: dict) -> None:
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    new = section(state, result)
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + new + rest.split(END, 1)[1]
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{new}\n{body}"
    README.write_text(text)
