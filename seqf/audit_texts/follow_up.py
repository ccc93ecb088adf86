"""Audit messages: follow_up (issue 8)."""

from flask_babel import lazy_gettext as _l

MESSAGES: dict = {
    "follow_up.goal_commented": _l("Commented on the goal “%(title)s” in the follow-up"),
}
