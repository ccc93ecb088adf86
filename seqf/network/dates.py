"""Dates formatted as the ``|date`` filter does, once per process for each (locale, date).

Formatting a date with Babel costs tens of microseconds and a register page shows up to 150 dates;
the text depends only on the locale and the date (no time zone for a date), so the cache is exact.
"""

from __future__ import annotations

import datetime as dt
import functools

from flask_babel import format_date, get_locale


@functools.lru_cache(maxsize=8192)
def _medium(locale: str, value: dt.date) -> str:
    return format_date(value, "medium")


def medium_date(value: dt.date | None) -> str:
    """``value|date`` (medium format in the request's locale); "" for no date."""
    if not value:
        return ""
    return _medium(str(get_locale()), value)
