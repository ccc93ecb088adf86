"""Links from the network pages to other parts of the app."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import BuildError


def optional_url(endpoint: str, **values) -> str | None:
    """A link to another part's page, or None while that page does not exist (the link is left out)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
