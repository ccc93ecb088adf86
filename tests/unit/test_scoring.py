"""The progressive rule (DESIGN.md): worked examples and properties over all inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqf.scoring import (
    AreaScore,
    StepInput,
    claimed,
    claimed_total,
    next_to_document,
    score,
    score_area,
    step_documented,
    step_met,
    total,
)


def flags(*levels: int) -> dict[int, bool]:
    """``flags(1, 2)`` → steps 1 and 2 True, the rest of 1..5 False."""
    return {level: level in levels for level in range(1, 6)}


# --- worked examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "documented", "expected_claimed", "expected_score"),
    [
        (flags(1, 2, 3), flags(1), 3, 2),  # the example in the brief
        (flags(), flags(), 0, 0),
        (flags(1), flags(), 1, 1),  # step 1 needs no evidence
        (flags(1, 2), flags(), 2, 1),  # step 2 needs evidence on step 1
        (flags(1, 2), flags(1), 2, 2),
        (flags(1, 2, 3, 4, 5), flags(), 5, 1),
        (flags(1, 2, 3, 4, 5), flags(1, 2, 3, 4), 5, 5),  # step 5 itself needs no evidence
        (flags(1, 2, 3, 4, 5), flags(1, 2, 4), 5, 3),
        (flags(2, 3, 4, 5), flags(1, 2, 3, 4, 5), 0, 0),  # nothing counts without step 1
        (flags(1, 2, 4, 5), flags(1, 2, 3, 4, 5), 2, 2),  # a gap stops the run
        (flags(1, 2, 3), flags(2, 3), 3, 1),  # evidence above a hole does not help
    ],
)
def test_rule_examples(met, documented, expected_claimed, expected_score):
    assert claimed(met) == expected_claimed
    assert score(met, documented) == expected_score


def test_missing_levels_count_as_not_met_and_not_documented():
    assert claimed({1: True, 2: True}) == 2
    assert score({1: True, 2: True}, {}) == 1
    assert score({}, {}) == 0


def test_step_met_needs_every_indicator():
    codes = ["1.2.a", "1.2.b", "1.2.c"]
    assert step_met({"1.2.a": True, "1.2.b": True, "1.2.c": True}, codes)
    assert not step_met({"1.2.a": True, "1.2.b": False, "1.2.c": True}, codes)
    assert not step_met({"1.2.a": True, "1.2.b": True}, codes)  # missing → not met
    assert step_met({"1.2.a": True, "1.2.b": True, "1.2.c": True, "9.9.z": False}, codes)


def test_step_without_indicators_is_never_met():
    assert not step_met({"x": True}, [])


def test_step_documented():
    assert not step_documented(0)
    assert step_documented(1)
    assert StepInput(level=1, met=True, evidence_count=2).documented
    assert not StepInput(level=1, met=True).documented


def test_score_area_example():
    steps = [
        StepInput(level=1, met=True, evidence_count=1),
        StepInput(level=2, met=True, evidence_count=0),
        StepInput(level=3, met=True, evidence_count=4),
    ]
    result = score_area(steps)
    assert result == AreaScore(claimed=3, score=2)
    assert result.gap == 1


@pytest.mark.parametrize("level", [0, 6, -1])
def test_unknown_level_is_rejected(level):
    with pytest.raises(ValueError, match="unknown step level"):
        score_area([StepInput(level=level, met=True)])
    with pytest.raises(ValueError, match="unknown step level"):
        claimed({level: True})
    with pytest.raises(ValueError, match="unknown step level"):
        score({1: True}, {level: True})


def test_duplicate_level_and_negative_evidence_are_rejected():
    with pytest.raises(ValueError, match="more than once"):
        score_area([StepInput(level=1, met=True), StepInput(level=1, met=False)])
    with pytest.raises(ValueError, match="negative"):
        StepInput(level=1, met=True, evidence_count=-1)


def test_other_number_of_levels():
    met = {level: True for level in range(1, 8)}
    documented = {level: True for level in range(1, 8)}
    assert score(met, documented, levels=7) == 7
    with pytest.raises(ValueError):
        claimed(met, levels=5)


@pytest.mark.parametrize(
    ("met", "documented", "expected"),
    [
        (flags(1, 2, 3), flags(1), 2),
        (flags(1, 2, 3), flags(), 1),
        (flags(1, 2, 3), flags(1, 2), None),  # score already equals claimed
        (flags(1), flags(), None),  # step 1 counts without evidence
        (flags(), flags(), None),
        (flags(1, 2, 3, 4, 5), flags(1, 3), 2),
    ],
)
def test_next_to_document_examples(met, documented, expected):
    assert next_to_document(met, documented) == expected


def test_totals():
    scores = [AreaScore(claimed=3, score=2), AreaScore(claimed=5, score=5), AreaScore(0, 0)]
    assert total(scores) == 7
    assert claimed_total(scores) == 8
    assert total([]) == 0
    nine_perfect = [AreaScore(claimed=5, score=5)] * 9
    assert total(nine_perfect) == 45


# --- properties ------------------------------------------------------------------------------


@st.composite
def areas(draw, min_levels: int = 1, max_levels: int = 10):
    """(levels, met, documented) with every level 1..levels present in both mappings."""
    levels = draw(st.integers(min_levels, max_levels))
    met = draw(st.lists(st.booleans(), min_size=levels, max_size=levels))
    documented = draw(st.lists(st.booleans(), min_size=levels, max_size=levels))
    return (
        levels,
        {i + 1: value for i, value in enumerate(met)},
        {i + 1: value for i, value in enumerate(documented)},
    )


def reference_score(met, documented, levels):
    """DESIGN.md's wording taken literally: the highest qualifying L, by brute force."""
    qualifying = [
        top
        for top in range(1, levels + 1)
        if all(met[step] for step in range(1, top + 1))
        and all(documented[step] for step in range(1, top))
    ]
    return max(qualifying, default=0)


@given(areas())
def test_bounds(area):
    levels, met, documented = area
    assert 0 <= score(met, documented, levels) <= claimed(met, levels) <= levels


@given(areas())
def test_matches_the_literal_definition(area):
    levels, met, documented = area
    assert score(met, documented, levels) == reference_score(met, documented, levels)
    assert claimed(met, levels) == reference_score(met, dict.fromkeys(met, True), levels)


@given(areas(), st.data())
def test_adding_evidence_never_lowers_the_score(area, data):
    levels, met, documented = area
    step = data.draw(st.integers(1, levels))
    more = {**documented, step: True}
    assert score(met, more, levels) >= score(met, documented, levels)


@given(areas(), st.data())
def test_meeting_another_step_never_lowers_claimed_or_score(area, data):
    levels, met, documented = area
    step = data.draw(st.integers(1, levels))
    more = {**met, step: True}
    assert claimed(more, levels) >= claimed(met, levels)
    assert score(more, documented, levels) >= score(met, documented, levels)


@given(areas())
def test_all_met_steps_documented_gives_score_equal_to_claimed(area):
    levels, met, _ = area
    assert score(met, met, levels) == claimed(met, levels)


@given(areas(), st.data())
def test_steps_above_the_claimed_run_do_not_matter(area, data):
    levels, met, documented = area
    top = claimed(met, levels)
    changed_met, changed_doc = dict(met), dict(documented)
    for step in range(top + 2, levels + 1):  # step top+1 stays unmet: it ends the run
        changed_met[step] = data.draw(st.booleans())
    for step in range(max(top, 1), levels + 1):  # evidence on step `claimed` or above
        changed_doc[step] = data.draw(st.booleans())
    assert claimed(changed_met, levels) == top
    assert score(changed_met, changed_doc, levels) == score(met, documented, levels)


@given(areas())
def test_withdrawing_step_one_zeroes_everything(area):
    levels, met, documented = area
    met = {**met, 1: False}
    assert claimed(met, levels) == 0
    assert score(met, documented, levels) == 0


@given(areas())
def test_next_to_document_is_the_step_that_raises_the_score(area):
    levels, met, documented = area
    current = score(met, documented, levels)
    step = next_to_document(met, documented, levels)
    if step is None:
        assert current == claimed(met, levels)
        return
    assert step == current < claimed(met, levels)
    assert met[step] and not documented[step]
    assert score(met, {**documented, step: True}, levels) > current


@given(areas(), st.data(), st.randoms(use_true_random=False))
def test_score_area_agrees_and_ignores_order(area, data, rnd):
    levels, met, documented = area
    steps = [
        StepInput(level, met[level], data.draw(st.integers(1, 3)) if documented[level] else 0)
        for level in range(1, levels + 1)
    ]
    rnd.shuffle(steps)
    expected = AreaScore(claimed(met, levels), score(met, documented, levels))
    assert score_area(steps, levels) == expected


@given(areas(max_levels=5), st.data())
def test_score_area_with_omitted_steps(area, data):
    levels, met, documented = area
    keep = data.draw(st.sets(st.integers(1, levels)))
    steps = [StepInput(level, met[level], int(documented[level])) for level in sorted(keep)]
    kept_met = {level: met[level] and level in keep for level in met}
    kept_doc = {level: documented[level] and level in keep for level in documented}
    assert score_area(steps, levels) == AreaScore(
        claimed(kept_met, levels), score(kept_met, kept_doc, levels)
    )


@given(st.lists(areas(min_levels=5, max_levels=5), min_size=9, max_size=9))
def test_total_bounds_for_nine_areas(all_areas):
    scores = [AreaScore(claimed(m, lv), score(m, d, lv)) for lv, m, d in all_areas]
    assert 0 <= total(scores) <= claimed_total(scores) <= 45


@given(
    st.dictionaries(st.sampled_from("abcdef"), st.booleans()),
    st.sets(st.sampled_from("abcdef"), min_size=1),
)
def test_step_met_is_all_of_the_indicators(states, codes):
    assert step_met(states, codes) == all(states.get(code, False) for code in codes)
