"""``seqf.reports.ics_writer`` writes what the ``icalendar`` library wrote for the feeds, byte for byte:
canonical property order, TEXT escaping, DATE and zoned DATE-TIME values, UTC stamps and line folding
(long lines, multi-byte characters)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from seqf.reports import ics_writer as ics

OSLO = ZoneInfo("Europe/Oslo")
TEXTS = ["Ledermøte", "a, b; c\\d", "linje 1\nlinje 2\r\nlinje 3", "æøå " * 40, "x" * 74, "x" * 75,
         "😀" * 30 + "–" * 20, ""]


@pytest.mark.parametrize("text", TEXTS)
def test_same_bytes_as_the_icalendar_library(text):
    stamp = dt.datetime(2026, 12, 7, 12, 34, 56, 789, tzinfo=dt.UTC)
    day = dt.date(2026, 3, 29)
    begins = dt.datetime(2026, 3, 29, 9, 15, tzinfo=OSLO)
    url = "https://video.example/m?id=1,2;3"

    cal = Calendar()
    for key, value in (("prodid", "-//seqf//action plan//NB"), ("version", "2.0"), ("x-wr-calname", text),
                       ("x-wr-timezone", "Europe/Oslo")):
        cal.add(key, value)
    whole_day = Event()
    whole_day.add("uid", "seqf-goal-1@h")
    whole_day.add("dtstamp", stamp)
    whole_day.add("dtstart", day)
    whole_day.add("dtend", day + dt.timedelta(days=1))
    whole_day.add("summary", text or "x")
    whole_day.add("transp", "TRANSPARENT")
    whole_day["transp"] = "OPAQUE"
    timed = Event()
    timed.add("uid", "seqf-meeting-1@h")
    timed.add("dtstamp", stamp)
    timed.add("dtstart", begins)
    timed.add("dtend", begins + dt.timedelta(minutes=45))
    timed.add("summary", "Møte")
    timed.add("description", text or "x")
    timed.add("location", text or "x")
    timed.add("url", url)
    cal.add_component(whole_day)
    cal.add_component(timed)

    ours = ics.calendar()
    for key, value in (("prodid", "-//seqf//action plan//NB"), ("version", "2.0"), ("x-wr-calname", text),
                       ("x-wr-timezone", "Europe/Oslo")):
        ours.set_text(key, value)
    a = ics.event()
    a.set_text("uid", "seqf-goal-1@h")
    a.set("dtstamp", ics.utc_value(stamp))
    a.set("dtstart", ics.date_value(day))
    a.set("dtend", ics.date_value(day + dt.timedelta(days=1)))
    a.set_text("summary", text or "x")
    a.set_text("transp", "TRANSPARENT")
    a.set_text("transp", "OPAQUE")
    b = ics.event()
    b.set_text("uid", "seqf-meeting-1@h")
    b.set("dtstamp", ics.utc_value(stamp))
    b.set("dtstart", ics.zoned_value(begins))
    b.set("dtend", ics.zoned_value(begins + dt.timedelta(minutes=45)))
    b.set_text("summary", "Møte")
    b.set_text("description", text or "x")
    b.set_text("location", text or "x")
    b.set("url", url)
    ours.children = [a, b]

    assert ours.to_ical() == cal.to_ical()
