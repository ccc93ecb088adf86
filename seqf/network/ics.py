"""The network calendar of a year as iCalendar (RFC 5545), for the coordinator's own calendar program:
all-day events for visits, follow-ups due and certificate expiries. Stable UIDs, so a re-import
updates the events instead of duplicating them."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from icalendar import Calendar, Event

from seqf import clock
from seqf.network.labels import EVENT_LABELS, KIND_LABELS


def _uid(event: dict, host: str) -> str:
    key = f"review-{event['review_id']}" if event.get("review_id") else f"certificate-{event['certificate_id']}"
    return f"network-{event['type']}-{key}@{host}"


def calendar_ics(events: list[dict], year: int, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//seqf//network calendar//NB")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Network calendar %(year)d", year=year))
    stamp = clock.now()
    for event in events:
        entry = Event()
        entry.add("uid", _uid(event, host))
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event["date"])
        end = event.get("end") or event["date"]
        entry.add("dtend", end + dt.timedelta(days=1))  # all-day: the end is exclusive
        what = str(EVENT_LABELS[event["type"]])
        if event["type"] == "visit":
            what = f"{what} ({KIND_LABELS[event['kind']]})"
        entry.add("summary", f"{what}: {event['organisation']}")
        entry.add("transp", "TRANSPARENT")
        cal.add_component(entry)
    return cal.to_ical()
