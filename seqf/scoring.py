"""The SEQF progressive rule as pure functions over plain data (no Flask, no database).

For one area with steps 1..levels:

- a step is *met* when all its key indicators are met;
- a step is *documented* when at least one piece of evidence is linked to it;
- ``claimed`` is the highest L such that steps 1..L are all met (0 if step 1 is not met);
- ``score`` is the highest L such that steps 1..L are met and steps 1..L-1 are documented
  (0 if step 1 is not met): step 1 counts without evidence, step 2 needs evidence on step 1, ...

A higher score is reached only when it is documented that the preceding steps are met. Showing both
numbers tells the organisation what to document: the gap between them is evidence, not practice.
The same rule scores a staff member's own response, a round's consensus and a revisor's findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_LEVELS = 5


def step_met(indicator_states: Mapping[str, bool], indicator_codes: Iterable[str]) -> bool:
    """True when every key indicator of the step is met.

    An indicator missing from ``indicator_states`` counts as not met: nobody has said it is. A step
    without indicators is never met, so a broken definition cannot hand out steps for free.
    """
    codes = list(indicator_codes)
    return bool(codes) and all(indicator_states.get(code, False) is True for code in codes)


def step_documented(evidence_count: int) -> bool:
    """True when at least one piece of evidence is linked to the step."""
    return evidence_count > 0


def _check_levels(levels: int, *mappings: Mapping[int, bool]) -> None:
    """Reject a level outside 1..levels: it is a caller's mistake, not a step that is not met."""
    if levels < 1:
        raise ValueError(f"levels must be at least 1, got {levels}")
    for mapping in mappings:
        unknown = sorted(level for level in mapping if not 1 <= level <= levels)
        if unknown:
            raise ValueError(f"unknown step level(s) {unknown}; steps are 1..{levels}")


def claimed(met: Mapping[int, bool], levels: int = DEFAULT_LEVELS) -> int:
    """The highest L such that steps 1..L are all met; 0 if step 1 is not met.

    A met step above an unmet one does not count: the steps describe rising maturity, and a
    higher step builds on the ones below it.
    """
    _check_levels(levels, met)
    result = 0
    for level in range(1, levels + 1):
        if not met.get(level, False):
            break
        result = level
    return result


def score(
    met: Mapping[int, bool], documented: Mapping[int, bool], levels: int = DEFAULT_LEVELS
) -> int:
    """The highest L such that steps 1..L are met and steps 1..L-1 are documented.

    Step 1 needs no evidence to count; every further step needs evidence on the step below it.
    So the score never exceeds ``claimed`` and equals it when every step below it is documented.
    """
    _check_levels(levels, met, documented)
    result = 0
    for level in range(1, levels + 1):
        if not met.get(level, False):
            break
        if level > 1 and not documented.get(level - 1, False):
            break
        result = level
    return result


def next_to_document(
    met: Mapping[int, bool], documented: Mapping[int, bool], levels: int = DEFAULT_LEVELS
) -> int | None:
    """The step whose evidence would raise the score, or None if evidence alone cannot.

    It is the lowest undocumented step below ``claimed`` (which always equals the current score
    when the score is below ``claimed``). Used for the hint "document step N to raise the score".
    """
    top = claimed(met, levels)
    _check_levels(levels, documented)
    for level in range(1, top):
        if not documented.get(level, False):
            return level
    return None


@dataclass(frozen=True)
class StepInput:
    """One step of an answer: its level, whether it is met and how much evidence is linked."""

    level: int
    met: bool
    evidence_count: int = 0

    def __post_init__(self) -> None:
        if self.evidence_count < 0:
            raise ValueError(f"evidence_count must not be negative, got {self.evidence_count}")

    @property
    def documented(self) -> bool:
        """True when at least one piece of evidence is linked."""
        return step_documented(self.evidence_count)


@dataclass(frozen=True)
class AreaScore:
    """The result for one area: what is claimed as met and what counts under the rule."""

    claimed: int
    score: int

    @property
    def gap(self) -> int:
        """Steps met but not yet counted for lack of evidence."""
        return self.claimed - self.score


def score_area(steps: Iterable[StepInput], levels: int = DEFAULT_LEVELS) -> AreaScore:
    """Score one area from its step inputs; steps not given count as not met.

    A level outside 1..levels or given twice raises ValueError, since it would silently
    change the result.
    """
    met: dict[int, bool] = {}
    documented: dict[int, bool] = {}
    for step in steps:
        if step.level in met:
            raise ValueError(f"step level {step.level} given more than once")
        met[step.level] = step.met
        documented[step.level] = step.documented
    return AreaScore(claimed=claimed(met, levels), score=score(met, documented, levels))


def total(scores: Iterable[AreaScore]) -> int:
    """Sum of the area scores (SEQF: 0–45)."""
    return sum(area.score for area in scores)


def claimed_total(scores: Iterable[AreaScore]) -> int:
    """Sum of the claimed levels, shown next to ``total``."""
    return sum(area.claimed for area in scores)
