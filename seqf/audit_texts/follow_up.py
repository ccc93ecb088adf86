"""Audit messages: follow_up (issue 8)."""

from flask_babel import lazy_gettext as _l  # noqa: F401

MESSAGES: dict = {
}
