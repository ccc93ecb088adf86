"""Translated display names for enumerations, shared by templates and mail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "org_admin": _l("organisation admin"),
    "leader": _l("leader"),
    "staff": _l("staff member"),
    "viewer": _l("viewer"),
    "admin": _l("platform admin"),
    "coordinator": _l("network coordinator"),
    "revisor": _l("revisor"),
}

# a goal's health, as the goal page, the meeting page and its print name it
HEALTH_LABELS = {"on_track": _l("On track"), "at_risk": _l("At risk"), "off_track": _l("Off track")}


def translated(labels: dict) -> dict[str, str]:
    """A dict of lazy labels in the reader's language, for a page that shows one per row: translated
    once per page instead of once per row (each lazy label looks the catalogue up again)."""
    return {key: str(label) for key, label in labels.items()}


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(value, value))
