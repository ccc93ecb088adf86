"""Audit messages: meetings (issue 8)."""

from flask_babel import lazy_gettext as _l

MESSAGES: dict = {
    "meeting.approve": _l("Approved the minutes of a meeting"),
}
