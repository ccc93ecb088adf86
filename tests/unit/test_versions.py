"""The version rule for area assessments, as a property: a save is applied exactly when every area
it names was based on the stored version (0 for no answer; no version means "do not check"), and
then each saved area's version grows by one — so no sequence of saves overwrites one unseen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seqf.models import AreaAssessment
from seqf.services.assessments import AreaData, StaleVersion, check_versions

AREAS = ["1", "2", "3"]

saves = st.lists(
    st.lists(st.tuples(st.sampled_from(AREAS), st.one_of(st.none(), st.integers(0, 4))),
             min_size=1, max_size=3, unique_by=lambda t: t[0]),
    max_size=25,
)


@given(saves)
def test_a_save_is_applied_exactly_when_its_versions_are_current(sequence):
    stored: dict[str, AreaAssessment] = {}
    for save in sequence:
        given_data = [AreaData(area=area, version=version) for area, version in save]
        current = {area: stored[area].version if area in stored else 0 for area, _ in save}
        stale = {area for area, version in save if version is not None and version != current[area]}
        before = {a: s.version for a, s in stored.items()}
        try:
            check_versions(stored, given_data)
        except StaleVersion as exc:
            assert set(exc.current) == stale
            assert all((exc.current[a] or {}).get("version", 0) == current[a] for a in stale)
            assert {a: s.version for a, s in stored.items()} == before
            continue
        assert not stale
        for area, _ in save:  # what the service does after the check passes
            if area in stored:
                stored[area].version += 1
            else:
                stored[area] = AreaAssessment(area=area, version=1, steps=[])
        assert all(stored[a].version == current[a] + 1 for a, _ in save)
