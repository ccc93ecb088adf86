"""Which quality areas a review covers: every area of its instrument, or the areas a follow-up chose.

Reviews score the instrument's areas only (an organisation's own areas are for its self-assessment);
the maximum total is five per covered area (45 for SEQF).
"""

from __future__ import annotations

from typing import Any

from seqf.models import Review
from seqf.services import instruments as instrument_service

STEPS_PER_AREA = 5


def review_areas(review: Review) -> list[dict[str, Any]]:
    """The covered areas in instrument order, in the shape of ``instrument_service.instrument_areas``."""
    areas = instrument_service.instrument_areas(review.instrument)
    if review.areas:
        chosen = set(review.areas)
        areas = [a for a in areas if a["code"] in chosen]
    return areas


def max_total(review: Review) -> int:
    return STEPS_PER_AREA * len(review_areas(review))
