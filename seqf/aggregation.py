"""Round aggregation and anonymity as pure functions (no Flask, no database).

A self-assessment round collects one score per area from each participant. Leaders see only what
is computed here: per area the number of responses, the distribution of scores, the median, the
spread and a disagreement flag, never what an individual answered. While fewer than the anonymity
threshold (at least 3) have submitted, aggregates and comments are withheld, and comments are
always shown without author and in random order so that nobody can be recognised by position.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

MIN_ANONYMITY_THRESHOLD = 3
DEFAULT_DISAGREEMENT_GAP = 3
DEFAULT_LEVELS = 5


@dataclass
class AreaSummary:
    """What leaders see of one area in a round."""

    area: str
    responses: int
    distribution: dict[str, int]
    median: float | None
    spread: int | None
    disagreement: bool

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the API's per-area summary plus ``spread``)."""
        return asdict(self)


def summarise_area(
    area_code: str,
    scores: Sequence[int],
    levels: int = DEFAULT_LEVELS,
    disagreement_gap: int = DEFAULT_DISAGREEMENT_GAP,
) -> AreaSummary:
    """Summarise the submitted scores of one area.

    The distribution always has the keys ``"0"``..``str(levels)`` so charts and tables keep a
    fixed shape. The median may be a half step (e.g. 2.5). Responses that differ by
    ``disagreement_gap`` steps or more are flagged: a large gap usually means people read the
    indicators differently, which is worth a conversation before the consensus.
    """
    bad = [value for value in scores if not 0 <= value <= levels]
    if bad:
        raise ValueError(f"area {area_code}: scores {bad} outside 0..{levels}")
    counts = Counter(scores)
    distribution = {str(level): counts.get(level, 0) for level in range(levels + 1)}
    if not scores:
        return AreaSummary(area_code, 0, distribution, None, None, False)
    spread = max(scores) - min(scores)
    return AreaSummary(
        area=area_code,
        responses=len(scores),
        distribution=distribution,
        median=float(statistics.median(scores)),
        spread=spread,
        disagreement=spread >= disagreement_gap,
    )


def summarise_round(
    scores_by_area: Mapping[str, Sequence[int]],
    levels: int = DEFAULT_LEVELS,
    disagreement_gap: int = DEFAULT_DISAGREEMENT_GAP,
) -> list[AreaSummary]:
    """``summarise_area`` for every area, in the mapping's order."""
    return [
        summarise_area(code, scores, levels, disagreement_gap)
        for code, scores in scores_by_area.items()
    ]


def effective_threshold(threshold: int) -> int:
    """The anonymity threshold actually applied: never below 3, whatever was configured."""
    return max(MIN_ANONYMITY_THRESHOLD, threshold)


def is_withheld(submitted: int, threshold: int) -> bool:
    """True while too few have submitted for aggregates and comments to be shown.

    With one or two responses a leader could work out what an individual answered.
    """
    return submitted < effective_threshold(threshold)


def consensus_prefill(median: float | None, levels: int = DEFAULT_LEVELS) -> int:
    """The step a consensus form starts from: the median rounded down, within 0..levels.

    Rounding down is the conservative choice: a half step means half the group did not see the
    higher step as met, so the group must argue its way up rather than down. No responses → 0.
    """
    if median is None:
        return 0
    return min(max(math.floor(median), 0), levels)


def shuffled_comments(comments: Iterable[str | None], seed: int | None = None) -> list[str]:
    """The non-blank comments, stripped, in random order and without any author.

    The order is shuffled so it cannot be matched with the order of submissions; ``seed`` only
    makes the order reproducible in tests.
    """
    kept = [comment.strip() for comment in comments if comment and comment.strip()]
    random.Random(seed).shuffle(kept)
    return kept
