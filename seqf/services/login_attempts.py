"""Counting failed log-ins in the database, so every process and node shares one count.

Five failures for one account from one client address within 15 minutes (``LOGIN_RATE_LIMIT``)
block that pair until the oldest of them is 15 minutes old; 50 failures from one address for any
accounts block the address the same way. The log-in form and ``POST /api/v1/tokens`` count together.
Rows older than the window are deleted whenever a new failure is written. A successful log-in
clears the failures of that account from that address (``clear_failures``); a wrong current
password on the password-change form counts as a failed log-in of the account.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import sqlalchemy as sa
from flask import current_app

from seqf.extensions import db
from seqf.models import FailedLogin, utcnow

_LIMIT = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d*)\s*(second|minute|hour|day)s?\s*$")
_UNIT = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_limit(text: str) -> tuple[int, dt.timedelta]:
    """``"5 per 15 minutes"`` → (5, 15 minutes)."""
    match = _LIMIT.match(text.lower())
    if not match:
        raise ValueError(f"cannot read the limit {text!r}")
    count, amount, unit = match.groups()
    return int(count), dt.timedelta(seconds=int(amount or 1) * _UNIT[unit])


def _limits() -> tuple[tuple[int, dt.timedelta], tuple[int, dt.timedelta]]:
    cfg = current_app.config
    return (parse_limit(cfg["LOGIN_RATE_LIMIT"]),
            parse_limit(cfg["LOGIN_ADDRESS_RATE_LIMIT"]))


def blocked_for(account: str, address: str) -> int | None:
    """Seconds until the next attempt is allowed, or None when it is allowed now."""
    now = utcnow()
    waits = []
    (per_account, window), (per_address, address_window) = _limits()
    checks = [(per_account, window, [FailedLogin.account == account]), (per_address, address_window, [])]
    for limit, span, extra in checks:
        times = db.session.scalars(
            sa.select(FailedLogin.at).where(FailedLogin.address == address, FailedLogin.at > now - span,
                                            *extra)
            .order_by(FailedLogin.at.desc()).limit(limit)
        ).all()
        if len(times) >= limit:
            waits.append(max(1, math.ceil((min(times) + span - now).total_seconds())))
    return max(waits) if waits else None


def record_failure(account: str, address: str) -> None:
    """Write one failure and prune the rows no limit looks at any more. Committed at once: the
    request itself answers with an error, and its transaction is rolled back."""
    now = utcnow()
    (_count, window), (_per_address, address_window) = _limits()
    db.session.rollback()  # the failed request changed nothing worth keeping
    db.session.execute(sa.delete(FailedLogin).where(FailedLogin.at < now - max(window, address_window)))
    db.session.add(FailedLogin(account=account[:254], address=address[:64], at=now))
    db.session.commit()


def clear_failures(account: str, address: str) -> None:
    """Forget the failures of one account from one address, after it logged in there. The rows of
    other accounts from the same address stay, so they still count towards the address's limit."""
    db.session.execute(sa.update(FailedLogin).where(FailedLogin.account == account, FailedLogin.address == address)
                       .values(account=""))
