"""Absolute links for mail, and the ``int`` URL converter.

Links are built from ``BASE_URL``, never from the request's Host header, so a forged header cannot
plant a foreign host in a password-reset mail.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter

# ids are 32-bit integers in PostgreSQL; a larger number in a URL is simply not found
MAX_ID = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1…``limit`` without leading zeros.

    ``digits_up_to(345)`` is ``[1-9]\\d{0,1}|[1-2]\\d{2}|3[0-3]\\d|34[0-5]``.
    """
    text = str(limit)
    options = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        low = 1 if i == 0 else 0
        high = int(digit) - (1 if i < len(text) - 1 else 0)
        if high >= low:
            rest = len(text) - i - 1
            options.append(text[:i] + f"[{low}-{high}]" + (rf"\d{{{rest}}}" if rest else ""))
    return "|".join(f"(?:{option})" for option in options)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that only matches 1…MAX_ID, so ``/organisations/99999999999999999999``, ``/…/0``,
    ``/…/-1`` and ``/…/007`` are a plain 404 instead of a database error.

    The range is in the regular expression, not only in ``to_python``: a rule whose pattern matched
    but whose value was refused would still count as "the path exists" for Werkzeug, and a request
    with another method would get 405 instead of 404.
    """

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if not fixed_digits and not signed and min == 1:
            self.regex = digits_up_to(max)


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base + path
