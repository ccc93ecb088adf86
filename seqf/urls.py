"""Absolute links for mail, and the ``int`` URL converter.

Links are built from ``BASE_URL``, never from the request's Host header, so a forged header cannot
plant a foreign host in a password-reset mail.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter

# ids are 32-bit integers in PostgreSQL; a larger number in a URL is simply not found
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that only matches 0…MAX_ID, so ``/organisations/99999999999999999999`` is a 404
    instead of a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base + path
