"""Meeting series dates (issue 8 groundwork): pure functions, no Flask, no database.

A series meets every ``interval_days`` from ``first_on`` ("Ledermøte" every 14 days). One occurrence
may be moved to another day or cancelled without changing the rest of the series: occurrences are
identified by their *planned* date, so a moved meeting keeps its place in the series, and the
series never drifts. The meeting and agenda services (issue 8) build on these; they are here first
so the rules are tested alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MAX_INTERVAL_DAYS = 366


@dataclass(frozen=True)
class Occurrence:
    planned_on: dt.date  # the series date that identifies this occurrence
    held_on: dt.date  # the date it takes place: the planned date, or where it was moved

    @property
    def moved(self) -> bool:
        return self.planned_on != self.held_on


def planned_dates(first_on: dt.date, interval_days: int) -> Iterator[dt.date]:
    """Every planned date of the series, from ``first_on`` on, without end."""
    if not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        raise ValueError(f"interval_days must be 1–{MAX_INTERVAL_DAYS}, not {interval_days}")
    step = dt.timedelta(days=interval_days)
    day = first_on
    while True:
        yield day
        day += step


def is_planned_date(first_on: dt.date, interval_days: int, day: dt.date) -> bool:
    """Whether ``day`` is one of the series' planned dates (so it can be moved or cancelled)."""
    return day >= first_on and (day - first_on).days % interval_days == 0


def occurrences(first_on: dt.date, interval_days: int, *, start: dt.date, end: dt.date,
                moved: Mapping[dt.date, dt.date] | None = None,
                cancelled: frozenset[dt.date] | set[dt.date] = frozenset()) -> list[Occurrence]:
    """The meetings that take place from ``start`` to ``end`` (both included), in date order.

    ``moved`` maps a planned date to the day it takes place instead; ``cancelled`` holds planned
    dates that do not take place. A meeting moved into the window counts even when its planned date
    lies outside it, and one moved out of the window does not count.
    """
    moved = dict(moved or {})
    found: list[Occurrence] = []
    # a moved meeting may come from (or go to) outside the window: look at the planned dates that
    # can reach it, i.e. the window widened by the largest move
    reach = max((abs((held - planned).days) for planned, held in moved.items()), default=0)
    for planned in planned_dates(first_on, interval_days):
        if planned > end + dt.timedelta(days=reach):
            break
        if planned < start - dt.timedelta(days=reach) or planned in cancelled:
            continue
        held = moved.get(planned, planned)
        if start <= held <= end:
            found.append(Occurrence(planned_on=planned, held_on=held))
    return sorted(found, key=lambda o: (o.held_on, o.planned_on))


def upcoming(first_on: dt.date, interval_days: int, today: dt.date, count: int = 6,
             moved: Mapping[dt.date, dt.date] | None = None,
             cancelled: frozenset[dt.date] | set[dt.date] = frozenset()) -> list[Occurrence]:
    """The next ``count`` meetings from ``today`` on (today's included)."""
    if count <= 0:
        return []
    horizon = interval_days * (count + len(cancelled) + 1)
    window = occurrences(first_on, interval_days, start=today, end=today + dt.timedelta(days=horizon),
                         moved=moved, cancelled=cancelled)
    return window[:count]


def next_after(first_on: dt.date, interval_days: int, day: dt.date,
               moved: Mapping[dt.date, dt.date] | None = None,
               cancelled: frozenset[dt.date] | set[dt.date] = frozenset()) -> Occurrence | None:
    """The first meeting after ``day`` (for the agenda's "due before the next meeting")."""
    following = upcoming(first_on, interval_days, day + dt.timedelta(days=1), 1, moved, cancelled)
    return following[0] if following else None
