"""Round aggregation and anonymity (DESIGN.md): examples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqf.aggregation import (
    AreaSummary,
    consensus_prefill,
    effective_threshold,
    is_withheld,
    shuffled_comments,
    summarise_area,
    summarise_round,
)

scores_0_to_5 = st.lists(st.integers(0, 5), max_size=40)


def test_summary_example():
    summary = summarise_area("3", [1, 2, 2, 4])
    assert summary == AreaSummary(
        area="3",
        responses=4,
        distribution={"0": 0, "1": 1, "2": 2, "3": 0, "4": 1, "5": 0},
        median=2.0,
        spread=3,
        disagreement=True,
    )


def test_half_step_median_and_no_disagreement():
    summary = summarise_area("1", [2, 3])
    assert summary.median == 2.5
    assert summary.spread == 1
    assert not summary.disagreement


def test_no_responses():
    summary = summarise_area("9", [])
    assert summary.responses == 0
    assert summary.distribution == {str(level): 0 for level in range(6)}
    assert summary.median is None
    assert summary.spread is None
    assert not summary.disagreement


def test_as_dict_is_json_ready():
    assert summarise_area("2", [5, 5, 4]).as_dict() == {
        "area": "2",
        "responses": 3,
        "distribution": {"0": 0, "1": 0, "2": 0, "3": 0, "4": 1, "5": 2},
        "median": 5.0,
        "spread": 1,
        "disagreement": False,
    }


@pytest.mark.parametrize("bad", [[6], [-1], [2, 9]])
def test_scores_outside_the_scale_are_rejected(bad):
    with pytest.raises(ValueError, match="outside"):
        summarise_area("1", bad)


def test_other_number_of_levels_and_gap():
    summary = summarise_area("x", [0, 2, 7], levels=7, disagreement_gap=8)
    assert list(summary.distribution) == [str(level) for level in range(8)]
    assert not summary.disagreement


def test_summarise_round_keeps_area_order():
    result = summarise_round({"2": [1, 2, 3], "1": [0, 0, 5]})
    assert [summary.area for summary in result] == ["2", "1"]
    assert result[1].disagreement


@pytest.mark.parametrize(
    ("submitted", "threshold", "withheld"),
    [(0, 3, True), (2, 3, True), (3, 3, False), (2, 1, True), (3, 0, False), (4, 5, True)],
)
def test_withholding(submitted, threshold, withheld):
    assert is_withheld(submitted, threshold) is withheld


def test_threshold_is_never_below_three():
    assert effective_threshold(1) == 3
    assert effective_threshold(3) == 3
    assert effective_threshold(6) == 6


@pytest.mark.parametrize(
    ("median", "expected"), [(None, 0), (0.0, 0), (2.5, 2), (3.0, 3), (4.5, 4), (5.0, 5)]
)
def test_consensus_prefill_rounds_down(median, expected):
    assert consensus_prefill(median, 5) == expected


def test_comments_lose_blanks_and_keep_content():
    comments = ["  Bra møter  ", "", None, "   ", "Mangler rutine"]
    assert sorted(shuffled_comments(comments, seed=1)) == ["Bra møter", "Mangler rutine"]


def test_comments_are_shuffled():
    comments = [f"kommentar {i}" for i in range(20)]
    orders = {tuple(shuffled_comments(comments, seed=seed)) for seed in range(5)}
    assert len(orders) > 1
    assert shuffled_comments(comments, seed=7) == shuffled_comments(comments, seed=7)


# --- properties ------------------------------------------------------------------------------


@given(scores_0_to_5)
def test_distribution_counts_every_response(scores):
    summary = summarise_area("1", scores)
    assert sum(summary.distribution.values()) == summary.responses == len(scores)
    assert set(summary.distribution) == {"0", "1", "2", "3", "4", "5"}


@given(scores_0_to_5.filter(bool))
def test_median_lies_between_min_and_max(scores):
    summary = summarise_area("1", scores)
    assert min(scores) <= summary.median <= max(scores)
    assert (summary.median * 2).is_integer()  # a whole or a half step


@given(scores_0_to_5.filter(bool), st.integers(1, 6))
def test_disagreement_iff_spread_reaches_the_gap(scores, gap):
    summary = summarise_area("1", scores, disagreement_gap=gap)
    assert summary.spread == max(scores) - min(scores)
    assert summary.disagreement == (summary.spread >= gap)


@given(st.integers(0, 1000), st.integers(-5, 50))
def test_withheld_iff_fewer_than_the_effective_threshold(submitted, threshold):
    assert is_withheld(submitted, threshold) == (submitted < max(3, threshold))


@given(st.integers(0, 2), st.integers(-5, 50))
def test_fewer_than_three_are_always_withheld(submitted, threshold):
    assert is_withheld(submitted, threshold)


@given(scores_0_to_5.filter(bool))
def test_prefill_is_a_step_not_above_the_median(scores):
    median = summarise_area("1", scores).median
    prefill = consensus_prefill(median, 5)
    assert prefill <= median < prefill + 1
    assert min(scores) <= prefill <= max(scores)


@given(st.lists(st.text(max_size=30)), st.integers())
def test_shuffled_comments_are_a_permutation_of_the_non_blank_ones(comments, seed):
    expected = sorted(comment.strip() for comment in comments if comment.strip())
    assert sorted(shuffled_comments(comments, seed=seed)) == expected
