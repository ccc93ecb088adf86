"""Names and titles as one line of visible text: one helper for the forms, the API and the services.

A name is shown in lists, headings, mails and the audit log, so it must be one line that reads as
typed. ``clean_single_line`` removes the Unicode bidirectional controls (which can make
"Kari" display as reversed or hide what follows), turns line breaks, tabs and other control
characters into spaces, collapses runs of spaces and trims both ends. It never shortens a name
otherwise: a name over its limit is refused with the limit in the message, never cut.
``has_visible`` then requires at least one letter, digit, punctuation mark or symbol, so a name
of only spaces, zero-width or other invisible characters is refused.

WTForms fields use ``NAME_FILTERS`` and ``name_validators(limit)``; pydantic schemas use
``name_type(limit)``; services call ``clean_single_line`` and ``has_visible`` themselves.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from wtforms.validators import DataRequired, Length, ValidationError

# LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI; LRM, RLM; the Arabic letter mark.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Invisible characters with no use in a name (zero-width space, word joiner, BOM, Mongolian vowel
# separator). The zero-width joiner and non-joiner stay: some scripts and emoji need them.
INVISIBLE_REMOVED = frozenset("\u200b\u2060\ufeff\u180e")
# Letters and symbols by category that show nothing at all.
BLANK_GRAPHEMES = frozenset("\u115f\u1160\u3164\uffa0\u2800")
VISIBLE_CATEGORIES = frozenset("LNPS")


def clean_single_line(value: str | None) -> str | None:
    """``value`` as one trimmed line without bidi controls; ``None`` stays ``None`` (a WTForms filter)."""
    if value is None:
        return None
    kept = []
    for char in value:
        if char in BIDI_CONTROLS or char in INVISIBLE_REMOVED:
            continue
        kept.append(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char)
    return " ".join("".join(kept).split())


def is_visible(char: str) -> bool:
    return unicodedata.category(char)[0] in VISIBLE_CATEGORIES and char not in BLANK_GRAPHEMES


def has_visible(value: str | None) -> bool:
    """At least one letter, digit, punctuation mark or symbol that shows on screen."""
    return any(is_visible(char) for char in value or "")


def shorten(value: str, limit: int) -> str:
    """An explicit cut for a column of fixed size, never for what a person typed (that is refused):
    text over ``limit`` ends in "…", so a reader sees that something was left out."""
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


# --- WTForms --------------------------------------------------------------------------------------

NAME_FILTERS = (clean_single_line,)


VISIBLE_MESSAGE = _l("Write at least one visible character (a letter, digit or symbol).")


class VisibleText:
    """Refuses a value that holds only spaces or invisible characters (after ``clean_single_line``)."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not has_visible(field.data):
            raise ValidationError(self.message or VISIBLE_MESSAGE)


class MaxLength(Length):
    """``Length(max=…)`` without the ``maxlength`` attribute on the input: a browser cuts pasted text
    at ``maxlength`` without a word, so the server refuses it instead, with the limit in the message."""

    def __init__(self, limit: int):
        super().__init__(max=limit, message=_l("At most %(max)d characters (now %(length)d)."))
        self.field_flags = {}


def max_length(limit: int) -> MaxLength:
    return MaxLength(limit)


def name_validators(limit: int) -> list:
    """A required one-line name of at most ``limit`` characters with something visible in it."""
    return [DataRequired(), max_length(limit), VisibleText()]


# --- pydantic -------------------------------------------------------------------------------------

def _clean_if_text(value: Any) -> Any:
    return clean_single_line(value) if isinstance(value, str) else value


def name_type(limit: int) -> Any:
    """A pydantic string type: cleaned first, then at most ``limit`` characters with something visible."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"String should have at most {limit} characters, not {len(value)}")
        if not has_visible(value):
            raise ValueError("must contain at least one visible character (a letter, digit or symbol)")
        return value

    schema = {"type": "string", "minLength": 1, "maxLength": limit,
              "description": "One line with at least one visible character; bidi controls are removed."}
    return Annotated[str, BeforeValidator(_clean_if_text), AfterValidator(check), WithJsonSchema(schema)]
