"""The staff's aggregated answers to one area (distribution chart, responses, median, range) as HTML.

The summary and consensus pages show this block for every area; rendering the small SVG chart in
Jinja is a large part of their cost (a translated label per level and area on every request). The
block is a pure function of the figures shown and the reader's language, so it is rendered once
per distinct input and kept: nothing about a person, a round or a release is part of the key
beyond the aggregate figures already on the page, and the figures of a release never change (a new
release has new figures, hence a new key). The cache is bounded (``MAX_BLOCKS``).
"""

from __future__ import annotations

from functools import lru_cache

from flask import render_template_string
from flask_babel import get_locale
from markupsafe import Markup

MAX_BLOCKS = 4096
BLOCK = '{% from "rounds/_macros.html" import area_stats with context %}{{ area_stats(entry) }}'


def area_stats_html(entry: dict) -> Markup:
    """The ``area_stats`` macro of ``rounds/_macros.html`` for ``entry`` (a released area's figures)."""
    distribution = tuple((str(k), v) for k, v in (entry.get("distribution") or {}).items())
    return _rendered(distribution, entry.get("responses"), entry.get("median"), entry.get("spread"),
                     str(get_locale()))


@lru_cache(maxsize=MAX_BLOCKS)
def _rendered(distribution: tuple, responses, median, spread, locale: str) -> Markup:
    entry = {"distribution": dict(distribution), "responses": responses, "median": median, "spread": spread}
    return Markup(render_template_string(BLOCK, entry=entry))
