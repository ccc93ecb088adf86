"""Words for the register, the calendar and the trend: review kinds, certificate states and event types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "certification": _l("Certification"),
    "follow_up": _l("Follow-up"),
    "recertification": _l("Recertification"),
}
STATE_LABELS = {
    "active": _l("Valid"),  # the glossary: an active certificate is "gyldig"
    "expiring": _l("Expiring"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
    "none": _l("No certificate"),
}
EVENT_LABELS = {
    "visit": _l("Visit"),
    "follow_up_due": _l("Follow-up due"),
    "certificate_expiry": _l("Certificate expires"),
}
# certificate state → tag modifier (the text says the state; the colour only repeats it)
STATE_TAGS = {"active": "tag--success", "expiring": "tag--warning", "expired": "tag--error",
              "withdrawn": "tag--error", "none": "tag--neutral"}
