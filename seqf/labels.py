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


def role_label(role) -> str:
    value = getattr(role, "value", role)
    return str(ROLE_LABELS.get(value, value))
