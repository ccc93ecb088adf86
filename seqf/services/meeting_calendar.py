"""The dates of an organisation's meeting series, from the stored series and their moved or
cancelled occurrences (rules in ``seqf.meeting_dates``). The meeting pages, the agenda's "due before
the next meeting", the dashboard's "next meeting", the digest and the calendar feed all read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock, meeting_dates
from seqf.extensions import db
from seqf.models import MeetingSeries


@dataclass(frozen=True)
class SeriesOccurrence:
    series: MeetingSeries
    planned_on: dt.date
    held_on: dt.date

    @property
    def moved(self) -> bool:
        return self.planned_on != self.held_on


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
    return [SeriesOccurrence(series, o.planned_on, o.held_on) for o in found]


def upcoming(series: MeetingSeries, count: int = 6, today: dt.date | None = None) -> list[SeriesOccurrence]:
    today = today or clock.today()
    found = meeting_dates.upcoming(series.first_on, series.interval_days, today, count,
                                   moved=series.moved, cancelled=series.cancelled)
    return [SeriesOccurrence(series, o.planned_on, o.held_on) for o in found
            if series.ends_on is None or o.planned_on <= series.ends_on]


def next_meeting(organisation_id: int, today: dt.date | None = None) -> SeriesOccurrence | None:
    """The organisation's next meeting of any series (today's included). The series are read with their
    moved and cancelled dates, without their participants (an eager default the dates do not need)."""
    series_list = db.session.scalars(
        sa.select(MeetingSeries).where(MeetingSeries.organisation_id == organisation_id)
        .options(so.lazyload(MeetingSeries.participants)))
    found = [o for s in series_list for o in upcoming(s, 1, today)]
    return min(found, key=lambda o: (o.held_on, o.series.id)) if found else None


def next_after(series: MeetingSeries, day: dt.date) -> SeriesOccurrence | None:
    """The series' first meeting after ``day`` (for "tasks due before the next meeting")."""
    following = upcoming(series, 1, day + dt.timedelta(days=1))
    return following[0] if following else None
