"""The organisation sub-menu: each entry shows only when the caller may open it.

Blueprints added later (evidence, rounds, plans …) add their entries to ``ENTRIES``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from seqf import permissions

# (endpoint, label, predicate(user, organisation_id))
ENTRIES: list[tuple[str, object, Callable]] = [
    ("organisations.overview", _l("Overview"), permissions.can_see_organisation),
    ("organisations.members", _l("Members"), permissions.can_manage_members),
    ("organisations.audit_events", _l("Audit log"), permissions.can_read_audit),
    ("organisations.settings", _l("Settings"), permissions.can_manage_members),
]


def add_entry(endpoint: str, label, predicate: Callable, position: int | None = None) -> None:
    entry = (endpoint, label, predicate)
    if any(e[0] == endpoint for e in ENTRIES):
        return
    ENTRIES.insert(len(ENTRIES) - 2 if position is None else position, entry)


def register(app: Flask) -> None:
    @app.context_processor
    def navigation() -> dict:
        def org_nav_links(organisation):
            """Worked out once per request and organisation (a page may draw the menu twice)."""
            cache = g.setdefault("org_nav_links", {})
            if organisation.id not in cache:
                cache[organisation.id] = [(endpoint, label, True) for endpoint, label, allowed in ENTRIES
                                          if allowed(current_user, organisation.id)]
            return cache[organisation.id]

        return {"org_nav_links": org_nav_links}
