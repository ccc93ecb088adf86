"""Helpers for the meeting tests: a series made through the service, a meeting opened through it."""

from __future__ import annotations

import datetime as dt

from seqf import clock
from seqf.extensions import db
from seqf.services import meetings as service


def add_series(cast, first_on: dt.date | None = None, interval_days: int = 14, **fields):
    series = service.create_series(cast.leader, cast.org, {
        "title": "Ledermøte", "interval_days": interval_days, "first_on": first_on or clock.today(),
        "participant_ids": [cast.leader.id, cast.staff[0].id], **fields})
    db.session.commit()
    return series


def open_on(cast, series, planned_on: dt.date, actor=None):
    meeting, _created = service.open_meeting(actor or cast.leader, series, planned_on)
    db.session.commit()
    return meeting
