"""Round rules through the services: anonymity threshold, locking, evidence, codes, progressive scoring."""

from __future__ import annotations

import json

import pytest

from seqf.extensions import db
from seqf.models import AreaAssessment, Response, ResponseState, RoundState, StepAssessment
from seqf.services import assessments
from seqf.services import rounds as round_service
from seqf.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from tests.web.helpers import count
from tests.web.round_helpers import (
    answer,
    area,
    close,
    fully_documented,
    link_evidence,
    make_team,
    open_round,
    reopen,
)


@pytest.fixture
def team(make_org, make_user):
    return make_team(make_org, make_user, staff=3)


def _keys(value) -> set[str]:
    """Every dictionary key anywhere in a JSON-like value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# --- participants --------------------------------------------------------------------------------

def test_default_participants_are_staff_and_leaders(make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=2)
    make_user(org=org, member_role="viewer")
    make_user(org=org, member_role="org_admin")
    make_user(org=org, member_role="staff", active=False)
    round_ = open_round(leader, org)
    assert round_service.participant_ids(round_) == {leader.id, *(u.id for u in staff)}
    assert round_.state == RoundState.open


def test_non_participant_cannot_start_a_response(team, make_user):
    org, leader, staff = team
    round_ = open_round(leader, org, participant_ids=[staff[0].id])
    with pytest.raises(NotFound):
        round_service.response_of(round_, staff[1], create=True)
    assert count(Response) == 0


def test_participants_must_be_members(team, make_user, make_org):
    org, leader, _staff = team
    outsider = make_user(org=make_org(), member_role="staff")
    with pytest.raises(RuleViolation) as caught:
        open_round(leader, org, participant_ids=[outsider.id])
    assert caught.value.code == "unknown_participant"


# --- anonymity threshold -------------------------------------------------------------------------

def test_summary_withheld_with_two_of_three_then_shown_with_three(team):
    org, leader, staff = team
    round_ = open_round(leader, org, participant_ids=[u.id for u in staff])
    evidence = link_evidence(leader, org)
    answer(staff[0], round_, {"1": 1, "2": 3}, evidence_id=evidence.id)
    answer(staff[1], round_, {"1": 4, "2": 3}, evidence_id=evidence.id)

    summary = round_service.round_summary(round_)
    assert (summary["invited"], summary["submitted"], summary["withheld"]) == (3, 2, True)
    for entry in summary["areas"]:
        assert entry["distribution"] is None and entry["median"] is None and entry["disagreement"] is None
        assert entry["comments"] is None and entry["responses"] is None

    answer(staff[2], round_, {"1": 2, "2": 3}, evidence_id=evidence.id)
    assert round_service.round_summary(round_)["withheld"] is True  # open: progress only, never figures
    close(leader, round_)
    summary = round_service.round_summary(round_)
    assert (summary["submitted"], summary["withheld"]) == (3, False)
    first = summary["areas"][0]
    assert first["area"] == "1"
    assert first["distribution"] == {"0": 0, "1": 1, "2": 1, "3": 0, "4": 1, "5": 0}
    assert first["median"] == 2 and first["disagreement"] is True
    second = summary["areas"][1]
    assert second["distribution"]["3"] == 3 and second["disagreement"] is False


def test_drafts_do_not_count(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    for user in staff:
        answer(user, round_, {"1": 2}, submit=False)
    summary = round_service.round_summary(round_)
    assert summary["submitted"] == 0 and summary["withheld"] is True


def test_area_with_fewer_answers_than_threshold_stays_withheld(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    answer(staff[0], round_, {"1": 2, "9": 5})
    answer(staff[1], round_, {"1": 2, "9": 1})
    answer(staff[2], round_, {"1": 2})
    close(leader, round_)
    summary = round_service.round_summary(round_)
    by_area = {a["area"]: a for a in summary["areas"]}
    assert summary["withheld"] is False
    assert by_area["1"]["distribution"]["1"] == 3
    # a withheld area does not even show how many answered it
    assert by_area["9"]["responses"] is None and by_area["9"]["distribution"] is None


def test_threshold_raised_by_the_organisation_is_respected(make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=4, anonymity_threshold=4)
    round_ = open_round(leader, org)
    assert round_.anonymity_threshold == 4
    for user in staff[:3]:
        answer(user, round_, {"1": 2})
    answer(leader, round_, {"1": 1})  # the leader's own answer never helps reach the threshold
    close(leader, round_)
    summary = round_service.round_summary(round_)
    assert (summary["submitted"], summary["threshold"], summary["withheld"], summary["needed"]) == (4, 4, True, 1)
    assert round_service.consensus_prefill(round_) == {}
    reopen(leader, round_)
    answer(staff[3], round_, {"1": 1})
    close(leader, round_)
    summary = round_service.round_summary(round_)
    assert summary["withheld"] is False
    assert summary["areas"][0]["distribution"] == {"0": 0, "1": 5, "2": 0, "3": 0, "4": 0, "5": 0}


def test_summary_never_shows_who_answered_what(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    for i, user in enumerate(staff):
        answer(user, round_, {"1": i + 1, "2": 5 - i}, comments={"1": f"Kommentar {i}"})
    close(leader, round_)
    summary = round_service.round_summary(round_)
    text = json.dumps(summary, ensure_ascii=False, default=str)
    for user in [leader, *staff]:
        assert user.name not in text and user.email not in text
    assert not _keys(summary) & {"user", "user_id", "users", "name", "email", "author", "response_id",
                                 "responses_by_user", "answers"}
    for entry in summary["areas"]:
        assert set(entry) <= {"area", "own", "responses", "distribution", "median", "spread", "disagreement",
                              "comments", "withheld", "released_at"}


def test_comments_are_shown_without_authors(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    texts = ["Vi mangler skriftlige rutiner.", "  Godt samarbeid med NAV.  ", ""]
    for user, comment in zip(staff, texts, strict=True):
        answer(user, round_, {"1": 2}, comments={"1": comment})
    close(leader, round_)
    entry = round_service.round_summary(round_)["areas"][0]
    assert sorted(entry["comments"]) == ["Godt samarbeid med NAV.", "Vi mangler skriftlige rutiner."]
    assert all(isinstance(c, str) for c in entry["comments"])
    assert "comments" not in round_service.round_summary(round_, with_comments=False)["areas"][0]


def test_submitted_names_show_who_not_what(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    answer(staff[0], round_, {"1": 3})
    names = dict(round_service.submitted_names(round_))
    assert names == {leader.name: False, staff[0].name: True, staff[1].name: False, staff[2].name: False}


# --- locking -------------------------------------------------------------------------------------

def test_save_after_submit_is_a_conflict(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = answer(staff[0], round_, {"1": 2})
    assert response.state == ResponseState.submitted and response.submitted_at is not None
    with pytest.raises(Conflict) as caught:
        round_service.save_answers(staff[0], response, [area("1", 5)])
    assert caught.value.status == 409
    with pytest.raises(Conflict):
        round_service.submit_response(staff[0], response)
    db.session.rollback()
    assert round_service.answers_of(response)["1"].claimed == 2


def test_save_after_close_is_a_conflict(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = answer(staff[0], round_, {"1": 2}, submit=False)
    round_service.close_round(leader, round_)
    db.session.commit()
    assert round_.closed_at is not None
    with pytest.raises(Conflict) as caught:
        round_service.save_answers(staff[0], response, [area("1", 4)])
    assert caught.value.code == "round_open"
    with pytest.raises(Conflict):
        round_service.submit_response(staff[0], response)


def test_only_the_author_edits_a_response(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = answer(staff[0], round_, {"1": 2}, submit=False)
    with pytest.raises(Forbidden):
        round_service.save_answers(leader, response, [area("1", 5)])
    with pytest.raises(Forbidden):
        round_service.submit_response(staff[1], response)


def test_staff_cannot_close_and_closed_round_cannot_close_again(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    with pytest.raises(Forbidden):
        round_service.close_round(staff[0], round_)
    round_service.close_round(leader, round_)
    with pytest.raises(Conflict):
        round_service.close_round(leader, round_)


def test_consensus_on_an_open_round_is_a_conflict(team):
    org, leader, _staff = team
    round_ = open_round(leader, org)
    with pytest.raises(Conflict) as caught:
        round_service.record_consensus(leader, round_, [area("1", 2)])
    assert caught.value.status == 409
    assert count(AreaAssessment) == 0


def test_staff_cannot_record_the_consensus(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    round_service.close_round(leader, round_)
    with pytest.raises(Forbidden):
        round_service.record_consensus(staff[0], round_, [area("1", 2)])


def test_reopen_allowed_until_the_consensus_is_recorded(team):
    org, leader, _staff = team
    round_ = open_round(leader, org)
    round_service.close_round(leader, round_)
    round_service.reopen_round(leader, round_)
    assert round_.state == RoundState.open and round_.closed_at is None
    round_service.close_round(leader, round_)
    round_service.record_consensus(leader, round_, [area("1", 1)])
    with pytest.raises(Conflict) as caught:
        round_service.reopen_round(leader, round_)
    assert caught.value.code == "no_consensus_recorded"


# --- evidence and codes --------------------------------------------------------------------------

def test_foreign_evidence_is_refused_and_nothing_is_stored(team, make_org, make_user):
    org, leader, staff = team
    other = make_org()
    foreign = link_evidence(make_user(org=other, member_role="leader"), other)
    own = link_evidence(leader, org)
    round_ = open_round(leader, org)
    response = round_service.response_of(round_, staff[0], create=True)
    with pytest.raises(RuleViolation) as caught:
        round_service.save_answers(staff[0], response, [
            area("1", 2, documented=(1,), evidence_id=own.id),
            area("2", 2, documented=(1,), evidence_id=foreign.id),
        ])
    assert (caught.value.code, caught.value.status) == ("foreign_evidence", 422)
    assert str(foreign.id) in caught.value.fields["evidence_ids"]
    assert count(AreaAssessment) == 0 and count(StepAssessment) == 0


def test_foreign_evidence_leaves_an_earlier_answer_unchanged(team, make_org, make_user):
    org, leader, staff = team
    other = make_org()
    foreign = link_evidence(make_user(org=other, member_role="leader"), other)
    round_ = open_round(leader, org)
    response = answer(staff[0], round_, {"1": 3}, submit=False)
    with pytest.raises(RuleViolation):
        round_service.save_answers(staff[0], response, [area("1", 5, documented=(1, 2), evidence_id=foreign.id)])
    db.session.rollback()
    stored = round_service.answers_of(response)["1"]
    assert (stored.claimed, len(stored.steps)) == (3, 3)


@pytest.mark.parametrize(("data", "code"), [
    (assessments.AreaData(area="10"), "unknown_area"),
    (assessments.AreaData(area="E1"), "unknown_area"),
    (assessments.AreaData(area="1", steps=[assessments.StepData(level=6, met=True)]), "unknown_step"),
    (assessments.AreaData(area="1", steps=[assessments.StepData(level=0, met=True)]), "unknown_step"),
    (assessments.AreaData(area="1", steps=[assessments.StepData(level=1, met=True),
                                           assessments.StepData(level=1, met=False)]), "unknown_step"),
    (assessments.AreaData(area="1", steps=[assessments.StepData(level=1, indicators=["9.9.z"])]),
     "unknown_indicator"),
    (assessments.AreaData(area="1", steps=[assessments.StepData(level=1, indicators=["2.1.a"])]),
     "unknown_indicator"),
])
def test_invalid_codes_are_refused(team, data, code):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = round_service.response_of(round_, staff[0], create=True)
    with pytest.raises(RuleViolation) as caught:
        round_service.save_answers(staff[0], response, [area("2", 1), data])
    assert (caught.value.code, caught.value.status) == (code, 422)
    assert count(AreaAssessment) == 0


def test_the_same_area_twice_is_refused(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = round_service.response_of(round_, staff[0], create=True)
    with pytest.raises(RuleViolation) as caught:
        round_service.save_answers(staff[0], response, [area("1", 1), area("1", 3)])
    assert caught.value.code == "duplicate_area"


# --- progressive scoring through the service -----------------------------------------------------

def test_evidence_on_step_one_only_scores_two_of_three(team):
    org, leader, staff = team
    evidence = link_evidence(staff[0], org)
    round_ = open_round(leader, org)
    response = round_service.response_of(round_, staff[0], create=True)
    round_service.save_answers(staff[0], response, [area("4", 3, documented=(1,), evidence_id=evidence.id)])
    stored = round_service.answers_of(response)["4"]
    assert (stored.claimed, stored.score) == (3, 2)
    assert assessments.hint(stored) == {"step": 2, "reaches": 3}
    assert assessments.as_dict(stored)["steps"][0]["evidence_ids"] == [evidence.id]
    result = round_service.response_result(response, round_)
    row = next(r for r in result["areas"] if r["area"] == "4")
    assert (row["claimed"], row["score"], row["answered"]) == (3, 2, True)
    assert (result["total"], result["claimed_total"], result["answered"]) == (2, 3, 1)


def test_a_gap_below_stops_the_count(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = round_service.response_of(round_, staff[0], create=True)
    data = assessments.AreaData(area="3", steps=[assessments.StepData(level=1, met=True),
                                                 assessments.StepData(level=3, met=True)])
    round_service.save_answers(staff[0], response, [data])
    assert (round_service.answers_of(response)["3"].claimed, round_service.answers_of(response)["3"].score) == (1, 1)


def test_step_is_met_only_when_every_indicator_is_ticked(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    codes = [i["code"] for i in round_service.round_areas(round_)[0]["steps"][0]["indicators"]]
    assert len(codes) >= 2
    response = round_service.response_of(round_, staff[0], create=True)
    partly = assessments.StepData(level=1, met=True, indicators=codes[:-1])
    round_service.save_answers(staff[0], response, [assessments.AreaData(area="1", steps=[partly])])
    stored = round_service.answers_of(response)["1"]
    assert (stored.steps[0].met, stored.claimed, stored.score) == (False, 0, 0)
    assert stored.steps[0].indicators == codes[:-1]

    all_ticked = assessments.StepData(level=1, indicators=list(reversed(codes)))
    round_service.save_answers(staff[0], response, [assessments.AreaData(area="1", steps=[all_ticked])])
    stored = round_service.answers_of(response)["1"]
    assert (stored.steps[0].met, stored.claimed, stored.score) == (True, 1, 1)


def test_saving_an_area_again_replaces_its_steps(team):
    org, leader, staff = team
    round_ = open_round(leader, org)
    response = answer(staff[0], round_, {"1": 5, "2": 2}, submit=False)
    round_service.save_answers(staff[0], response, [area("1", 1)])
    answers = round_service.answers_of(response)
    assert [s.level for s in answers["1"].steps] == [1]
    assert answers["2"].claimed == 2


# --- consensus, own areas, results ---------------------------------------------------------------

def _own_area(leader, org):
    from seqf.services import own_areas

    steps = [{"title": f"Trinn {n}", "indicators": [f"Indikator {n}a", f"Indikator {n}b"]} for n in range(1, 6)]
    own = own_areas.create_own_area(leader, org, title="Samarbeid med videregående skole", steps=steps)
    db.session.commit()
    return own


def test_own_area_is_scored_but_outside_the_seqf_total(team):
    org, leader, staff = team
    own = _own_area(leader, org)
    evidence = link_evidence(leader, org)
    round_ = open_round(leader, org)
    codes = [a["code"] for a in round_service.round_areas(round_)]
    assert codes == [*(str(n) for n in range(1, 10)), own.code]

    response = round_service.response_of(round_, staff[0], create=True)
    round_service.save_answers(staff[0], response, [fully_documented(own.code, 5, evidence.id),
                                                    fully_documented("1", 2, evidence.id)])
    result = round_service.response_result(response, round_)
    own_row = next(r for r in result["areas"] if r["area"] == own.code)
    assert (own_row["own"], own_row["score"]) == (True, 5)
    assert result["total"] == 2 and result["area_count"] == 10

    round_service.close_round(leader, round_)
    round_service.record_consensus(leader, round_, [fully_documented(own.code, 4, evidence.id),
                                                    fully_documented("1", 3, evidence.id)])
    consensus = round_service.consensus_result(round_)
    assert consensus["total"] == 3 and consensus["max_total"] == 45
    own_row = next(r for r in consensus["areas"] if r["area"] == own.code)
    assert (own_row["own"], own_row["recorded"], own_row["score"]) == (True, True, 4)


def test_own_area_edits_do_not_change_a_running_round(team):
    from seqf.services import own_areas

    org, leader, _staff = team
    own = _own_area(leader, org)
    round_ = open_round(leader, org)
    own_areas.deactivate_own_area(leader, own)
    db.session.commit()
    assert round_service.round_areas(round_)[-1]["code"] == own.code
    assert round_service.round_areas(open_round(leader, org, title="Neste"))[-1]["code"] == "9"


def test_consensus_prefilled_from_the_median(team):
    org, leader, staff = team
    evidence = link_evidence(leader, org)
    round_ = open_round(leader, org)
    for user, level in zip(staff, (2, 3, 4), strict=True):
        answer(user, round_, {"1": level, "2": 1}, evidence_id=evidence.id)
    answer(leader, round_, {"1": 3}, evidence_id=evidence.id)
    assert round_service.consensus_prefill(round_) == {}  # nothing before the close
    close(leader, round_)
    linked = {1: [evidence.id], 2: [evidence.id], 3: [evidence.id], 4: [evidence.id]}
    assert round_service.consensus_prefill(round_) == {
        "1": {"steps_met": 3, "evidence": linked}, "2": {"steps_met": 1, "evidence": {1: [evidence.id]}}}


def test_consensus_recorded_area_by_area_and_updated(team):
    org, leader, _staff = team
    evidence = link_evidence(leader, org)
    round_ = open_round(leader, org)
    round_service.close_round(leader, round_)
    round_service.record_consensus(leader, round_, [area("1", 3, documented=(1,), evidence_id=evidence.id)])
    round_service.record_consensus(leader, round_, [fully_documented("2", 4, evidence.id)])
    round_service.record_consensus(leader, round_, [fully_documented("1", 3, evidence.id)])
    db.session.commit()
    result = round_service.consensus_result(round_)
    scores = {r["area"]: (r["recorded"], r["claimed"], r["score"]) for r in result["areas"]}
    assert scores["1"] == (True, 3, 3) and scores["2"] == (True, 4, 4) and scores["3"] == (False, 0, 0)
    assert result["total"] == 7 and result["claimed_total"] == 7
    assert count(AreaAssessment, AreaAssessment.consensus_round_id == round_.id) == 2
    assert round_.consensus_recorded_at is not None


def test_results_show_the_change_since_the_previous_round(team):
    org, leader, staff = team
    evidence = link_evidence(leader, org)
    first = open_round(leader, org, title="Høst")
    round_service.close_round(leader, first)
    round_service.record_consensus(leader, first, [fully_documented("1", 2, evidence.id),
                                                   fully_documented("2", 3, evidence.id)])
    db.session.commit()
    assert round_service.round_results(first)["previous"] is None

    second = open_round(leader, org, title="Vår")
    for user in staff:
        answer(user, second, {"1": 4}, evidence_id=evidence.id)
    round_service.close_round(leader, second)
    round_service.record_consensus(leader, second, [fully_documented("1", 4, evidence.id),
                                                    fully_documented("2", 1, evidence.id)])
    db.session.commit()
    results = round_service.round_results(second)
    assert results["previous"] == {"round_id": first.id, "title": "Høst", "total": 5, "change": 0}
    rows = {r["area"]: r for r in results["areas"]}
    assert (rows["1"]["previous"], rows["1"]["score"], rows["1"]["change"], rows["1"]["median"]) == (2, 4, 2, 4)
    assert (rows["2"]["previous"], rows["2"]["change"]) == (3, -2)
    # no consensus on area 3 in either round: nothing to compare, rather than a change of 0
    assert rows["3"]["change"] is None and rows["3"]["median"] is None
    assert results["withheld"] is False


def test_rounds_without_consensus_are_not_the_previous_round(team):
    org, leader, _staff = team
    open_round(leader, org, title="Uten konsensus")
    later = open_round(leader, org, title="Senere")
    assert round_service.previous_round(later) is None
