"""The dates of an organisation's meeting series, from the stored series and their moved or
cancelled occurrences (rules in ``seqf.meeting_dates``). The meeting pages, the agenda's "due before
the next meeting", the dashboard's "next meeting", the digest and the calendar feed all read them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import sqlalchemy as sa

from seqf import clock, meeting_dates
from seqf.extensions import db
from seqf.models import MeetingChange, MeetingSeries


@dataclass(frozen=True)
class SeriesOccurrence(meeting_dates.Occurrence):
    """A meeting of a series: its planned and held dates (``moved``) with the series."""

    series: MeetingSeries = field(kw_only=True)


def series_of(organisation_id: int) -> list[MeetingSeries]:
    return list(db.session.scalars(sa.select(MeetingSeries).where(
        MeetingSeries.organisation_id == organisation_id).order_by(MeetingSeries.title, MeetingSeries.id)))


def occurrences(series: MeetingSeries, start: dt.date, end: dt.date) -> list[SeriesOccurrence]:
    """The series' meetings from ``start`` to ``end`` (both included), without those after ``ends_on``."""
    if series.ends_on is not None:
        end = min(end, series.ends_on)
    if end < start:
        return []
    found = meeting_dates.occurrences(series.first_on, series.interval_days, start=start, end=end,
                                      moved=series.moved, cancelled=series.cancelled)
    return [SeriesOccurrence(o.planned_on, o.held_on, series=series) for o in found]


def upcoming(series: MeetingSeries, count: int = 6, today: dt.date | None = None) -> list[SeriesOccurrence]:
    today = today or clock.today()
    found = meeting_dates.upcoming(series.first_on, series.interval_days, today, count,
                                   moved=series.moved, cancelled=series.cancelled)
    return [SeriesOccurrence(o.planned_on, o.held_on, series=series) for o in found
            if series.ends_on is None or o.planned_on <= series.ends_on]


@dataclass(frozen=True)
class NextMeeting(meeting_dates.Occurrence):
    """The organisation's next meeting: the planned date, the day it is held and its series' title."""

    title: str = field(kw_only=True)


@functools.cache
def _meeting_dates_query() -> sa.Select:
    """Every series' dates with its moved and cancelled occurrences, built once with the organisation
    as a parameter (the front page and the digest ask it)."""
    return (sa.select(MeetingSeries.id, MeetingSeries.title, MeetingSeries.first_on, MeetingSeries.interval_days,
                      MeetingSeries.ends_on, MeetingChange.planned_on, MeetingChange.moved_to,
                      MeetingChange.cancelled)
            .outerjoin(MeetingChange, MeetingChange.series_id == MeetingSeries.id)
            .where(MeetingSeries.organisation_id == sa.bindparam("organisation_id"))
            .order_by(MeetingSeries.id, MeetingChange.id))


def next_meeting(organisation_id: int, today: dt.date | None = None) -> NextMeeting | None:
    """The organisation's next meeting of any series (today's included; the earliest, then the
    oldest series), from one statement of the series' dates and their moved and cancelled
    occurrences: no series objects, no participants."""
    today = today or clock.today()
    series: dict[int, tuple[sa.Row, dict[dt.date, dt.date], set[dt.date]]] = {}
    for row in db.session.execute(_meeting_dates_query(), {"organisation_id": organisation_id}):
        _first, moved, cancelled = series.setdefault(row.id, (row, {}, set()))
        if row.cancelled:
            cancelled.add(row.planned_on)
        elif row.moved_to is not None:
            moved[row.planned_on] = row.moved_to
    found = []
    for row, moved, cancelled in series.values():
        for occurrence in meeting_dates.upcoming(row.first_on, row.interval_days, today, 1, moved=moved,
                                                 cancelled=frozenset(cancelled)):
            if row.ends_on is None or occurrence.planned_on <= row.ends_on:
                found.append((occurrence.held_on, row.id, NextMeeting(occurrence.planned_on, occurrence.held_on,
                                                                      title=row.title)))
    return min(found, key=lambda item: item[:2])[2] if found else None


def next_after(series: MeetingSeries, day: dt.date) -> SeriesOccurrence | None:
    """The series' first meeting after ``day`` (for "tasks due before the next meeting")."""
    following = upcoming(series, 1, day + dt.timedelta(days=1))
    return following[0] if following else None
