"""Dates formatted once per distinct day in a page.

Babel's ``format_date`` costs 20–40 µs a call; a list that shows the same few days on every row
(the evidence library, the front page's trend) formats each day once with this memo instead. The
result is exactly what the ``|date`` filter gives: a datetime is moved into the user's time zone
first and only its date part is shown.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date, to_user_timezone


class DateTexts:
    """Per page (never kept across requests: the locale and time zone belong to the request)."""

    def __init__(self, fmt: str = "medium") -> None:
        self.fmt = fmt
        self._seen: dict[dt.date, str] = {}

    def __call__(self, value: dt.date | dt.datetime | None) -> str:
        if not value:
            return ""
        day = to_user_timezone(value).date() if isinstance(value, dt.datetime) else value
        text = self._seen.get(day)
        if text is None:
            text = self._seen[day] = format_date(day, self.fmt)
        return text
