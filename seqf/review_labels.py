"""Translated names of a review's kind, mode and state, for pages, mail and calendar invitations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "certification": _l("Certification review"),
    "follow_up": _l("Follow-up"),
    "recertification": _l("Recertification"),
}
MODE_LABELS = {
    "on_site": _l("On site"),
    "video": _l("Video"),
}
STATE_LABELS = {
    "due": _l("due, not planned"),
    "planned": _l("planned"),
    "drafting": _l("drafting"),
    "comment_round": _l("comment round"),
    "published": _l("published"),
    "decided": _l("decided"),
}


# a certificate's state (seqf.certificates.certificate_state) → its word and tag colour; the text
# says the state, the colour only repeats it. The glossary calls an active certificate "gyldig".
CERTIFICATE_STATE_LABELS = {
    "active": _l("Valid"),
    "expiring": _l("Expiring"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}
CERTIFICATE_STATE_TAGS = {"active": "tag--success", "expiring": "tag--warning", "expired": "tag--neutral",
                          "withdrawn": "tag--error"}


def _label(labels: dict, value) -> str:
    value = getattr(value, "value", value)
    return str(labels.get(value, value))


def kind_label(kind) -> str:
    return _label(KIND_LABELS, kind)


def mode_label(mode) -> str:
    return _label(MODE_LABELS, mode)


def state_label(state) -> str:
    return _label(STATE_LABELS, state)
