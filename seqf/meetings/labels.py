"""Words for the agenda's codes (health, kinds of change, coming dates), shared by the pages and the PDF."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from seqf.i18n import date_text
from seqf.labels import HEALTH_LABELS

CHANGES = {
    "goal.created": _l("Goal created"), "goal.edited": _l("Goal changed"),
    "goal.state_changed": _l("Goal state changed"),
    "task.created": _l("Task added"), "task.edited": _l("Task changed"), "task.done": _l("Task done"),
    "task.reopened": _l("Task reopened"), "goal.update_recorded": _l("Progress update"),
}
COMING = {"review": _l("Review visit"), "follow_up": _l("Follow-up"),
          "certificate_expiry": _l("Certificate expires")}


def health_label(code: str | None) -> str:
    return str(HEALTH_LABELS.get(code or "", code or ""))


def change_label(code: str) -> str:
    return str(CHANGES.get(code, code))


def coming_label(code: str) -> str:
    return str(COMING.get(code, code))


def day(value: str | None) -> str:
    """An ISO date or timestamp from the stored agenda, as a date in the reader's language (formatted
    by ``seqf.i18n.date_text``, which keeps each text per value, format, locale and time zone: an
    agenda names the same few days again and again)."""
    if not value:
        return ""
    try:
        return date_text(dt.date.fromisoformat(str(value)[:10]), "medium")
    except ValueError:
        return str(value)


def register(app) -> None:
    app.add_template_global(day, "meeting_day")
    app.add_template_global(health_label, "meeting_health_label")
    app.add_template_global(change_label, "meeting_change_label")
    app.add_template_global(coming_label, "meeting_coming_label")
