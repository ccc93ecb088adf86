"""Words for the register, the calendar and the trend: review kinds, certificate states and event types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from seqf.review_labels import CERTIFICATE_STATE_LABELS, CERTIFICATE_STATE_TAGS, KIND_LABELS

__all__ = ["EVENT_LABELS", "KIND_LABELS", "STATE_LABELS", "STATE_TAGS"]

# the register adds "none" (an organisation without a certificate) to the certificate states
STATE_LABELS = {**CERTIFICATE_STATE_LABELS, "none": _l("No certificate")}
STATE_TAGS = {**CERTIFICATE_STATE_TAGS, "none": "tag--neutral"}
EVENT_LABELS = {
    "visit": _l("Visit"),
    "follow_up_due": _l("Follow-up due"),
    "certificate_expiry": _l("Certificate expires"),
}

