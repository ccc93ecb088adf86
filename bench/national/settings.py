"""Sizes and names of the national data set. Scale 1.0 is the size issue 9 measured: 2,500
organisations, 50,000 users, 7,474 rounds, about 97,500 submitted responses and 3.3 million step answers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SEED = 20261207
PASSWORD = "benk-nasjonal-2026"
DATABASE = "seqf_national"
ADMIN_URL = os.environ.get("SEQF_BENCH_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/postgres")
STATE_FILE = Path(os.environ.get("SEQF_NATIONAL_STATE", "/tmp/seqf-national.json"))
SOCKET_DIR = Path(os.environ.get("SEQF_BENCH_POSTGRES_SOCKET", "/var/run/postgresql"))
README = Path(__file__).resolve().parent.parent / "README.md"
STAFF_TOKENS = 3_000  # staff with an API token and a draft, so autosave and submit run as distinct people


@dataclass(frozen=True)
class Scale:
    """Row targets for one scale factor; the large organisations shrink with it but keep their order."""

    factor: float

    def _n(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.factor))

    @property
    def organisations(self) -> int:
        return self._n(2_500, 6)

    @property
    def users(self) -> int:
        return self._n(50_000, 120)

    @property
    def rounds(self) -> int:
        return self._n(7_474, 12)

    @property
    def large(self) -> list[int]:
        """Members of the three large organisations (the first: 1,000 at full scale)."""
        return [self._n(size, 12) for size in (1_000, 750, 500)]

    @property
    def staff_tokens(self) -> int:
        return min(STAFF_TOKENS, self._n(STAFF_TOKENS, 30))

    def marker(self) -> str:
        """What the database comment says, so an existing build of the same scale and seed is reused."""
        return f"seqf-national scale={self.factor:g} seed={SEED}"


def database_url(name: str = DATABASE) -> str:
    base, _, _old = ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def server_database_url(name: str = DATABASE) -> str:
    """What gunicorn connects with. PostgreSQL on this machine is reached through its Unix socket,
    as docs/performance.md recommends for one host: a round trip costs the worker about a third less
    CPU and half the time of one over loopback TCP. Elsewhere, the TCP URL."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url(name))
    socket = SOCKET_DIR / f".s.PGSQL.{url.port or 5432}"
    if url.host not in ("127.0.0.1", "localhost") or not socket.exists():
        return database_url(name)
    return url._replace(host=None, port=None).update_query_dict({"host": str(SOCKET_DIR)}).render_as_string(
        hide_password=False)
