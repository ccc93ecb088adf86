"""The one place that asks what time it is, so tests can freeze it.

Dates that people see (deadlines, reminders) are calendar days in Norway.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in Norway."""
    return now().astimezone(OSLO).date()
