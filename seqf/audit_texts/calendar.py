"""Audit messages: absences (dates only, never a reason) and calendar feed links."""

from flask_babel import lazy_gettext as _l

MESSAGES: dict = {
    "absence.recorded": _l("Recorded an absence for %(name)s from %(starts_on)s to %(ends_on)s"),
    "absence.deleted": _l("Removed the absence of %(name)s from %(starts_on)s to %(ends_on)s"),
    "calendar_feed.created": _l("Made a new secret calendar link (the previous one no longer works)"),
}
