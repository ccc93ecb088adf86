"""Disclosure control for round aggregates, as pure functions (no Flask, no database).

Withholding aggregates below the anonymity threshold is not enough: a leader who reads the summary
with three responses and again with four subtracts the two and has the fourth person's answer. So
aggregates are computed only when a round is closed, and a new computation is *released* only when
it differs from the one in force by at least the threshold number of responses that the reader
could not know already. Every aggregate view a leader can obtain is then either the same as another
one or differs from it by at least ``threshold`` unknown answers.

Who is "known": a response by someone who can read aggregates (a leader or organisation admin of
the organisation) is known to its reader, so it never helps reach the threshold (it still counts in
the figures). Only submitted responses with at least one answered area count at all.

Each area is judged on its own: an area is released when at least ``threshold`` answers to it come
from staff, and its release changes only when its answers from staff changed by at least
``threshold`` since it was last released. Submitted responses never change, so a release only
ever grows, in steps of at least ``threshold`` unknown answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Counted:
    """One counted response at a close: its id, whether its author reads aggregates, the areas answered."""

    id: int
    reader: bool
    areas: frozenset[str]


@dataclass
class Decision:
    """What a close releases.

    ``released``: whether the close releases anything new at all. ``needed``: how many more answers
    from staff the first release still needs (0 once released). ``areas``: per area, the ids of the
    responses behind the release in force after this close (absent: withheld). ``changed``: the
    areas whose release this close computes anew (the others keep theirs).
    """

    released: bool
    needed: int
    response_ids: frozenset[int]
    areas: dict[str, frozenset[int]] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)


def unknown_difference(now: Iterable[int], before: Iterable[int], readers: Iterable[int]) -> int:
    """How many responses two views differ by that a reader did not write: |(now Δ before) − readers|."""
    return len((set(now) ^ set(before)) - set(readers))


def decide_release(responses: Iterable[Counted], threshold: int, previous_ids: Iterable[int] | None,
                   previous_areas: Mapping[str, Iterable[int]], area_codes: Iterable[str]) -> Decision:
    """The release after a close.

    ``previous_ids`` are the responses counted at the latest release (None: nothing released yet),
    ``previous_areas`` the responses behind each area's release in force. Each area is judged on
    its own, so an area that reaches the threshold is never held back by the others.
    """
    responses = list(responses)
    readers = {r.id for r in responses if r.reader}
    ids = frozenset(r.id for r in responses)
    kept = {code: frozenset(ids_) for code, ids_ in previous_areas.items()}
    staff = len(ids - readers)
    needed = max(0, threshold - staff) if previous_ids is None else 0
    areas = dict(kept)
    changed: set[str] = set()
    for code in area_codes:
        answered = frozenset(r.id for r in responses if code in r.areas)
        if len(answered - readers) < threshold:
            continue  # withheld, or its earlier release stays
        if unknown_difference(answered, kept.get(code, ()), readers) >= threshold:
            areas[code] = answered
            changed.add(code)
    if not changed:
        return Decision(released=False, needed=needed,
                        response_ids=frozenset(previous_ids) if previous_ids is not None else frozenset(),
                        areas=kept)
    return Decision(released=True, needed=0, response_ids=ids, areas=areas, changed=changed)
