"""Audit messages: meeting series and meetings (issue 8)."""

from flask_babel import lazy_gettext as _l

MESSAGES: dict = {
    "meeting.approve": _l("Approved the minutes of a meeting"),
    "meeting.minutes_approved": _l("Approved the minutes of “%(title)s” held %(held_on)s"),
    "meeting.opened": _l("Opened the meeting “%(title)s” on %(held_on)s"),
    "meeting.agenda_regenerated": _l("Regenerated the agenda of “%(title)s” on %(held_on)s"),
    "meeting.minutes_saved": _l("Saved the minutes of “%(title)s” held %(held_on)s"),
    "meeting.attendance_recorded": _l("Recorded who attended “%(title)s” on %(held_on)s"),
    "meeting_series.created": _l("Created the meeting series “%(title)s”"),
    "meeting_series.edited": _l("Changed the meeting series “%(title)s”"),
    "meeting_series.occurrence_moved": _l("Moved the meeting “%(title)s” of %(planned_on)s to %(moved_to)s"),
    "meeting_series.occurrence_cancelled": _l("Cancelled the meeting “%(title)s” of %(planned_on)s"),
    "meeting_series.occurrence_restored": _l("Put the meeting “%(title)s” of %(planned_on)s back as planned"),
}
