"""Typeset PDFs kept per worker, keyed by the SHA-256 of the HTML they were typeset from.

WeasyPrint takes a second or more for a plan, a meeting's minutes or a report, while rendering the
HTML takes milliseconds. The key is the whole document: every name, date, task, health and the
language are in the HTML, so a changed plan, a new update, another day (the plan PDF says "as of")
or a correction gives other HTML and thus another key (see ``seqf.reports.derived_cache`` for why
that is correct under the privacy rules). At most 16 MB per worker, about 400 plans or reports.
"""

from __future__ import annotations

from collections.abc import Callable

from seqf.reports.derived_cache import DerivedCache, key_of

MAX_BYTES = 16 * 1024 * 1024

_cache = DerivedCache(MAX_BYTES)

__all__ = ["MAX_BYTES", "clear", "entries", "key_of", "size", "typeset"]


def typeset(html: str, make: Callable[[], bytes]) -> bytes:
    """The PDF of ``html``: from the cache, or made by ``make()`` and kept."""
    return _cache.get(html, make)


def clear() -> None:
    _cache.clear()


def size() -> int:
    return _cache.size()


def entries() -> int:
    return _cache.entries()
