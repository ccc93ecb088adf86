"""The release rule (``seqf.disclosure``): any two views a leader can obtain differ by at least the
threshold number of answers the leader did not write, or not at all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seqf.disclosure import Counted, decide_release, unknown_difference

AREAS = ("1", "2", "3")

# one submission: (is it by a reader?, the areas it answered — possibly none)
submission = st.tuples(st.booleans(), st.frozensets(st.sampled_from(AREAS)))
# the round's history: batches of submissions, with a close after each batch
history = st.lists(st.lists(submission, max_size=6), min_size=1, max_size=8)


def _run(batches, threshold):
    """Close after every batch; return per area the list of views released (sets of response ids)."""
    responses: list[Counted] = []
    previous_ids, previous_areas = None, {}
    views: dict[str, list[frozenset[int]]] = {code: [] for code in AREAS}
    round_views: list[frozenset[int]] = []
    for batch in batches:
        for reader, areas in batch:
            if areas:  # a response with no answered area does not count at all
                responses.append(Counted(len(responses) + 1, reader, areas))
        decision = decide_release(responses, threshold, previous_ids, previous_areas, AREAS)
        if decision.released:
            previous_ids = decision.response_ids
            round_views.append(decision.response_ids)
        previous_areas = decision.areas
        for code, ids in decision.areas.items():
            if not views[code] or views[code][-1] != ids:
                views[code].append(ids)
    readers = {r.id for r in responses if r.reader}
    return views, round_views, readers, responses


@settings(max_examples=300, deadline=None)
@given(history, st.integers(min_value=3, max_value=5))
def test_two_views_of_an_area_differ_by_the_threshold_or_not_at_all(batches, threshold):
    views, _round_views, readers, _responses = _run(batches, threshold)
    for code, released in views.items():
        seen = [frozenset(), *released]  # "nothing shown" is a view too
        for i, before in enumerate(seen):
            for after in seen[i + 1:]:
                assert unknown_difference(after, before, readers) >= threshold, (code, before, after)


@settings(max_examples=200, deadline=None)
@given(history, st.integers(min_value=3, max_value=5))
def test_readers_answers_count_in_the_figures_but_not_towards_the_threshold(batches, threshold):
    views, _round_views, readers, responses = _run(batches, threshold)
    for code, released in views.items():
        for ids in released:
            assert len(ids - readers) >= threshold
            # every counted answer to the area at that close is in the view, the readers' included
            assert all(code in r.areas for r in responses if r.id in ids)


@settings(max_examples=200, deadline=None)
@given(history, st.integers(min_value=3, max_value=5))
def test_enough_new_answers_from_staff_are_released(batches, threshold):
    """Withholding is not arbitrary: once an area has ``threshold`` new staff answers, the next close shows them."""
    views, _round_views, readers, responses = _run(batches, threshold)
    for code in AREAS:
        answered = frozenset(r.id for r in responses if code in r.areas)
        shown = views[code][-1] if views[code] else frozenset()
        assert unknown_difference(answered, shown, readers) < threshold


def test_the_fourth_answer_alone_is_never_released():
    three = [Counted(i, False, frozenset({"1"})) for i in (1, 2, 3)]
    first = decide_release(three, 3, None, {}, AREAS)
    assert first.released and first.areas == {"1": frozenset({1, 2, 3})}
    fourth = [*three, Counted(4, False, frozenset({"1"}))]
    second = decide_release(fourth, 3, first.response_ids, first.areas, AREAS)
    assert not second.released and second.areas == first.areas


def test_a_leaders_own_answer_does_not_reach_the_threshold():
    answers = [Counted(1, False, frozenset({"1"})), Counted(2, False, frozenset({"1"})),
               Counted(3, True, frozenset({"1"}))]
    decision = decide_release(answers, 3, None, {}, AREAS)
    assert not decision.released and decision.needed == 1 and decision.areas == {}


def test_an_area_is_released_only_with_enough_staff_answers_to_it():
    answers = [Counted(1, False, frozenset({"1", "2"})), Counted(2, False, frozenset({"1", "2"})),
               Counted(3, False, frozenset({"1"})), Counted(4, True, frozenset({"2"}))]
    decision = decide_release(answers, 3, None, {}, AREAS)
    assert decision.released and set(decision.areas) == {"1"}
