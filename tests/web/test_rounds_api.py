"""The rounds API: contract shapes, statuses, permissions, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from seqf import clock
from seqf.models import AreaAssessment, AuditEvent, OutboxMessage, Response, Round, StepAssessment
from tests.web.helpers import count
from tests.web.round_helpers import answer, api_area, close, link_evidence, make_team, open_round

MODELS = (Round, Response, AreaAssessment, StepAssessment, OutboxMessage, AuditEvent)


def rows() -> dict[str, int]:
    return {model.__name__: count(model) for model in MODELS}


def in_days(days: int = 14) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def team(make_org, make_user):
    return make_team(make_org, make_user, staff=3)


@pytest.fixture
def round_(team):
    org, leader, _staff = team
    return open_round(leader, org)


def error(response) -> dict:
    return response.get_json()["error"]


# --- opening and reading rounds ------------------------------------------------------------------

def test_leader_opens_a_round(api, team):
    org, leader, staff = team
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader,
                        json={"instrument": "seqf", "title": "  Vår   2025 ", "closes_on": in_days()})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("state", "title", "closes_on", "instrument", "invited", "submitted",
                                 "anonymity_threshold")} == {
        "state": "open", "title": "Vår 2025", "closes_on": in_days(), "instrument": "seqf", "invited": 4,
        "submitted": 0, "anonymity_threshold": 3}
    assert isinstance(body["id"], int) and len(body["instrument_version"]) == 12
    assert body["participant"] is True and body["my_state"] is None
    assert count(OutboxMessage) == 4  # one invitation per participant
    assert count(AuditEvent, AuditEvent.action == "round.opened") == 1


def test_participants_can_be_chosen(api, team):
    org, leader, staff = team
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader,
                        json={"title": "Liten runde", "closes_on": in_days(), "participant_ids": [s.id for s in staff]})
    assert response.status_code == 201
    assert response.get_json()["invited"] == 3 and response.get_json()["participant"] is False


def test_org_admin_may_open_a_round(api, team, make_user):
    org, _leader, _staff = team
    admin = make_user(org=org, member_role="org_admin")
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", admin, json={"title": "R", "closes_on": in_days()})
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_other_members_may_not_open_a_round(api, team, make_user, role):
    org, _leader, _staff = team
    user = make_user(org=org, member_role=role)
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", user, json={"title": "R", "closes_on": in_days()})
    assert response.status_code == 403
    assert count(Round) == 0


def test_outsiders_get_404(api, team, make_org, make_user):
    org, _leader, _staff = team
    stranger = make_user(org=make_org(), member_role="leader")
    body = {"title": "R", "closes_on": in_days()}
    assert api.post(f"/api/v1/organisations/{org.id}/rounds", stranger, json=body).status_code == 404
    assert api.post("/api/v1/organisations/99999/rounds", stranger, json=body).status_code == 404
    assert api.get(f"/api/v1/organisations/{org.id}/rounds", stranger).status_code == 404


def test_unauthenticated_calls_get_401(client, round_):
    assert client.get(f"/api/v1/rounds/{round_.id}").status_code == 401
    assert client.put(f"/api/v1/rounds/{round_.id}/my-response", json={"answers": []}).status_code == 401


def test_members_list_and_read_rounds(api, team, round_, make_user):
    org, leader, staff = team
    viewer = make_user(org=org, member_role="viewer")
    listed = api.get(f"/api/v1/organisations/{org.id}/rounds", staff[0])
    assert listed.status_code == 200
    assert [r["id"] for r in listed.get_json()] == [round_.id]
    answer(staff[0], round_, {"1": 2})
    for user in (leader, staff[0], viewer):
        body = api.get(f"/api/v1/rounds/{round_.id}", user).get_json()
        assert {k: body[k] for k in ("id", "state", "title", "closes_on", "invited", "submitted")} == {
            "id": round_.id, "state": "open", "title": "Vårrunden", "closes_on": round_.closes_on.isoformat(),
            "invited": 4, "submitted": 1}
    assert api.get(f"/api/v1/rounds/{round_.id}", staff[0]).get_json()["my_state"] == "submitted"
    assert api.get(f"/api/v1/rounds/{round_.id}", viewer).get_json()["participant"] is False


def test_unknown_and_foreign_rounds_are_404(api, team, round_, make_org, make_user):
    other_org = make_org()
    stranger = make_user(org=other_org, member_role="leader")
    for path in ("", "/summary", "/my-response", "/consensus", "/results", "/participants"):
        assert api.get(f"/api/v1/rounds/{round_.id}{path}", stranger).status_code == 404, path
        assert api.get(f"/api/v1/rounds/99999{path}", stranger).status_code == 404, path
    for path in ("/close", "/reopen", "/my-response/submit"):
        assert api.post(f"/api/v1/rounds/{round_.id}{path}", stranger).status_code == 404, path
    assert api.put(f"/api/v1/rounds/{round_.id}/my-response", stranger,
                   json={"answers": [api_area("1", 1)]}).status_code == 404
    assert api.put(f"/api/v1/rounds/{round_.id}/consensus", stranger,
                   json={"areas": [api_area("1", 1)]}).status_code == 404
    assert error(api.get(f"/api/v1/rounds/{round_.id}", stranger))["code"] == "not_found"


# --- bad input when opening changes nothing ------------------------------------------------------

@pytest.mark.parametrize(("body", "status", "field"), [
    ({"title": "R", "closes_on": "2030-13-01"}, 422, "closes_on"),
    ({"title": "R", "closes_on": "01.05.2030"}, 422, "closes_on"),
    ({"title": "R", "closes_on": "2030-05-01T10:00:00"}, 422, "closes_on"),
    ({"title": "R", "closes_on": 20300501}, 422, "closes_on"),
    ({"title": "R", "closes_on": "2000-01-01"}, 422, "closes_on"),
    ({"title": "R"}, 422, "closes_on"),
    ({"title": "x" * 201, "closes_on": "2030-05-01"}, 422, "title"),
    ({"title": "   ", "closes_on": "2030-05-01"}, 422, "title"),
    ({"title": 5, "closes_on": "2030-05-01"}, 422, "title"),
    ({"title": "R", "closes_on": "2030-05-01", "participant_ids": "1"}, 422, "participant_ids"),
    ({"title": "R", "closes_on": "2030-05-01", "participant_ids": [99999]}, 422, "participant_ids"),
    ({"title": "R", "closes_on": "2030-05-01", "participant_ids": [2**40]}, 422, "participant_ids.0"),
    ({"title": "R", "closes_on": "2030-05-01", "participant_ids": []}, 422, "participant_ids"),
    ({"title": "R", "closes_on": "2030-05-01", "instrument": "ips-fidelity"}, 422, "instrument"),
    ({"title": "R", "closes_on": "2030-05-01", "colour": "blue"}, 422, "colour"),
])
def test_bad_round_requests_change_nothing(api, team, body, status, field):
    org, leader, _staff = team
    api.token(leader)
    before = rows()
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader, json=body)
    assert response.status_code == status, response.get_json()
    assert field in error(response).get("fields", {}), error(response)
    assert rows() == before


@pytest.mark.parametrize("data", ["{not json", '{"title": "R",}', "[1, 2"])
def test_malformed_json_is_400(api, team, data):
    org, leader, _staff = team
    api.token(leader)
    before = rows()
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader, data=data,
                        content_type="application/json")
    assert response.status_code == 400
    assert error(response)["code"] == "malformed_json"
    assert rows() == before


def test_a_json_array_body_is_422(api, team):
    org, leader, _staff = team
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader, json=["title"])
    assert response.status_code == 422


# --- answering -----------------------------------------------------------------------------------

def test_participant_saves_and_reads_own_answers(api, team, round_):
    org, _leader, staff = team
    evidence = link_evidence(staff[0], org)
    empty = api.get(f"/api/v1/rounds/{round_.id}/my-response", staff[0]).get_json()
    assert (empty["state"], empty["total"], empty["answers"], empty["answered"]) == ("draft", 0, [], 0)

    response = api.put(f"/api/v1/rounds/{round_.id}/my-response", staff[0], json={"answers": [
        api_area("4", 3, {1: [evidence.id]}, comment="Vi dokumenterer for lite."),
        api_area("1", 1),
    ]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == "draft"
    rows_ = {a["area"]: a for a in body["areas"]}
    assert len(rows_) == 9
    assert {k: rows_["4"][k] for k in ("area", "claimed", "score")} == {"area": "4", "claimed": 3, "score": 2}
    assert rows_["4"]["hint"] == {"step": 2, "reaches": 3}
    assert (rows_["1"]["claimed"], rows_["1"]["score"]) == (1, 1)
    assert (rows_["2"]["claimed"], rows_["2"]["answered"]) == (0, False)
    assert body["total"] == 3

    mine = api.get(f"/api/v1/rounds/{round_.id}/my-response", staff[0]).get_json()
    saved = {a["area"]: a for a in mine["answers"]}
    assert saved["4"]["comment"] == "Vi dokumenterer for lite."
    first_step = saved["4"]["steps"][0]
    assert (first_step["step"], first_step["met"], first_step["evidence_ids"]) == (1, True, [evidence.id])
    assert first_step["indicators"] and all(code.startswith("4.1.") for code in first_step["indicators"])
    assert [s["step"] for s in saved["4"]["steps"]] == [1, 2, 3]


def test_ticked_indicators_decide_whether_a_step_is_met(api, team, round_):
    _org, _leader, staff = team
    areas = api.get("/api/v1/instruments/seqf", staff[0]).get_json()["areas"]
    codes = [i["code"] for i in areas[0]["steps"][0]["indicators"]]
    path = f"/api/v1/rounds/{round_.id}/my-response"
    partly = {"answers": [{"area": "1", "steps": [{"step": 1, "met": True, "indicators": codes[:1]}]}]}
    assert api.put(path, staff[0], json=partly).get_json()["areas"][0]["claimed"] == 0
    every = {"answers": [{"area": "1", "steps": [{"step": 1, "indicators": codes}]}]}
    assert api.put(path, staff[0], json=every).get_json()["areas"][0]["claimed"] == 1


def test_submit_locks_the_response(api, team, round_):
    _org, _leader, staff = team
    path = f"/api/v1/rounds/{round_.id}/my-response"
    api.put(path, staff[0], json={"answers": [api_area("2", 1)]})
    response = api.post(f"{path}/submit", staff[0])
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "submitted" and body["total"] == 1 and body["submitted_at"].endswith("Z")
    assert {k: body["areas"][1][k] for k in ("area", "claimed", "score")} == {"area": "2", "claimed": 1, "score": 1}

    before = rows()
    again = api.put(path, staff[0], json={"answers": [api_area("2", 5)]})
    assert again.status_code == 409 and error(again)["code"] == "wrong_state"
    assert api.post(f"{path}/submit", staff[0]).status_code == 409
    assert rows() == before
    assert api.get(path, staff[0]).get_json()["areas"][1]["claimed"] == 1


def test_submit_without_answers_is_allowed(api, team, round_):
    _org, _leader, staff = team
    response = api.post(f"/api/v1/rounds/{round_.id}/my-response/submit", staff[0])
    assert response.status_code == 200 and response.get_json()["state"] == "submitted"


def test_answers_after_close_are_409(api, team, round_):
    _org, leader, staff = team
    path = f"/api/v1/rounds/{round_.id}/my-response"
    api.put(path, staff[0], json={"answers": [api_area("2", 1)]})
    assert api.post(f"/api/v1/rounds/{round_.id}/close", leader).status_code == 200
    before = rows()
    response = api.put(path, staff[0], json={"answers": [api_area("2", 2)]})
    assert response.status_code == 409 and error(response)["code"] == "round_open"
    assert api.post(f"{path}/submit", staff[0]).status_code == 409
    assert api.put(path, staff[1], json={"answers": [api_area("2", 2)]}).status_code == 409
    after = rows()
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def test_non_participants_cannot_answer(api, team, make_user):
    org, leader, staff = team
    round_ = open_round(leader, org, participant_ids=[staff[0].id])
    viewer = make_user(org=org, member_role="viewer")
    for user in (staff[1], viewer, leader):
        api.token(user)
    before = rows()
    for user in (staff[1], viewer, leader):
        response = api.put(f"/api/v1/rounds/{round_.id}/my-response", user, json={"answers": [api_area("1", 1)]})
        assert response.status_code == 403, user.name
        assert api.post(f"/api/v1/rounds/{round_.id}/my-response/submit", user).status_code == 403
        assert api.get(f"/api/v1/rounds/{round_.id}/my-response", user).status_code == 403
    assert rows() == before


def test_viewers_cannot_be_chosen_as_participants(api, team, make_user):
    org, leader, staff = team
    viewer = make_user(org=org, member_role="viewer")
    api.token(leader)
    before = rows()
    response = api.post(f"/api/v1/organisations/{org.id}/rounds", leader,
                        json={"instrument": "seqf", "title": "Med leser", "closes_on": in_days(),
                              "participant_ids": [staff[0].id, viewer.id]})
    assert response.status_code == 422 and error(response)["code"] == "unknown_participant"
    assert str(viewer.id) in error(response)["fields"]["participant_ids"]
    assert rows() == before


def _bad_answers(foreign_id: int) -> list[tuple[object, int, str]]:
    return [
        ({"answers": [api_area("10", 1)]}, 422, "unknown_area"),
        ({"answers": [api_area("1", 6)]}, 422, "unknown_step"),
        ({"answers": [{"area": "1", "steps": [{"step": 1, "indicators": ["1.1.z"]}]}]}, 422, "unknown_indicator"),
        ({"answers": [api_area("1", 1), api_area("2", 2, {1: [foreign_id]})]}, 422, "foreign_evidence"),
        ({"answers": [api_area("1", 2, {1: [987654]})]}, 422, "foreign_evidence"),
        ({"answers": [api_area("1", 1), api_area("1", 2)]}, 422, "duplicate_area"),
        ({"answers": [{"area": "1", "steps": [{"step": "1", "met": True}]}]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "steps": [{"step": 1, "met": "yes"}]}]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "steps": [{"step": 1, "met": True, "evidence_ids": "3"}]}]}, 422,
         "validation_failed"),
        ({"answers": [{"area": 1, "steps": []}]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "steps": [], "colour": "red"}]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "comment": "x" * 20_001}]}, 422, "validation_failed"),
        ({"answers": {"area": "1"}}, 422, "validation_failed"),
        ({"answers": [api_area("1", 2, {1: [2**40]})]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "comment": "null\x00byte"}]}, 422, "validation_failed"),
        ({"answers": [{"area": "1", "steps": [{"step": 1, "met": None}]}]}, 422, "validation_failed"),
        ({}, 422, "validation_failed"),
    ]


def test_bad_answers_change_nothing(api, team, round_, make_org, make_user):
    org, _leader, staff = team
    other = make_org()
    foreign = link_evidence(make_user(org=other, member_role="leader"), other)
    path = f"/api/v1/rounds/{round_.id}/my-response"
    api.put(path, staff[0], json={"answers": [api_area("3", 2)]})
    before = rows()
    for body, status, code in _bad_answers(foreign.id):
        response = api.put(path, staff[0], json=body)
        assert (response.status_code, error(response)["code"]) == (status, code), body
        assert rows() == before, body
    bad = api.put(path, staff[0], data="{", content_type="application/json")
    assert bad.status_code == 400
    assert rows() == before
    mine = api.get(path, staff[0]).get_json()
    assert [a["area"] for a in mine["answers"]] == ["3"] and mine["total"] == 1


def test_first_bad_save_creates_no_response(api, team, round_):
    _org, _leader, staff = team
    api.token(staff[1])
    before = rows()
    response = api.put(f"/api/v1/rounds/{round_.id}/my-response", staff[1], json={"answers": [api_area("12", 1)]})
    assert response.status_code == 422
    assert rows() == before


# --- leading: summary, close, consensus, results --------------------------------------------------

def test_summary_withheld_then_shown(api, team, round_):
    org, leader, staff = team
    evidence = link_evidence(leader, org)
    answer(staff[0], round_, {"1": 1}, comments={"1": "Hemmelig mening"}, evidence_id=evidence.id)
    answer(staff[1], round_, {"1": 4}, evidence_id=evidence.id)

    withheld = api.get(f"/api/v1/rounds/{round_.id}/summary", leader)
    assert withheld.status_code == 200
    body = withheld.get_json()
    assert (body["invited"], body["submitted"], body["withheld"]) == (4, 2, True)
    assert len(body["areas"]) == 9
    for entry in body["areas"]:
        assert entry["withheld"] is True
        assert entry["distribution"] is None and entry["median"] is None and entry["disagreement"] is None
        assert entry["comments"] is None and entry["responses"] is None
    assert "Hemmelig mening" not in withheld.get_data(as_text=True)

    answer(staff[2], round_, {"1": 2}, evidence_id=evidence.id)
    assert api.get(f"/api/v1/rounds/{round_.id}/summary", leader).get_json()["withheld"] is True  # still open
    close(leader, round_)
    shown = api.get(f"/api/v1/rounds/{round_.id}/summary", leader)
    body = shown.get_json()
    assert body["withheld"] is False
    first = body["areas"][0]
    assert {k: first[k] for k in ("area", "responses", "distribution", "median", "disagreement")} == {
        "area": "1", "responses": 3, "distribution": {"0": 0, "1": 1, "2": 1, "3": 0, "4": 1, "5": 0},
        "median": 2.0, "disagreement": True}
    assert first["comments"] == ["Hemmelig mening"] and first["withheld"] is False
    text = shown.get_data(as_text=True)
    for user in [leader, *staff]:
        assert user.name not in text and user.email not in text
    assert "user_id" not in text and "author" not in text


def test_summary_for_leaders_only(api, team, round_, make_user):
    org, _leader, staff = team
    admin = make_user(org=org, member_role="org_admin")
    viewer = make_user(org=org, member_role="viewer")
    assert api.get(f"/api/v1/rounds/{round_.id}/summary", admin).status_code == 200
    for user in (staff[0], viewer):
        response = api.get(f"/api/v1/rounds/{round_.id}/summary", user)
        assert response.status_code == 403 and error(response)["code"] == "forbidden"
        assert api.get(f"/api/v1/rounds/{round_.id}/participants", user).status_code == 403


def test_participants_show_who_submitted(api, team, round_):
    _org, leader, staff = team
    answer(staff[1], round_, {"1": 1})
    body = api.get(f"/api/v1/rounds/{round_.id}/participants", leader).get_json()
    assert {p["name"]: p["submitted"] for p in body} == {
        leader.name: False, staff[0].name: False, staff[1].name: True, staff[2].name: False}
    assert set(body[0]) == {"user_id", "name", "submitted"}


def test_close_and_reopen(api, team, round_):
    _org, leader, staff = team
    path = f"/api/v1/rounds/{round_.id}"
    assert api.post(f"{path}/close", staff[0]).status_code == 403
    closed = api.post(f"{path}/close", leader)
    assert closed.status_code == 200
    assert closed.get_json()["state"] == "closed" and closed.get_json()["closed_at"]
    assert api.post(f"{path}/close", leader).status_code == 409
    assert api.post(f"{path}/reopen", staff[0]).status_code == 403
    reopened = api.post(f"{path}/reopen", leader)
    assert reopened.status_code == 200 and reopened.get_json()["state"] == "open"
    assert api.post(f"{path}/reopen", leader).status_code == 409


def test_consensus_needs_a_closed_round(api, team, round_):
    _org, leader, _staff = team
    api.token(leader)
    before = rows()
    response = api.put(f"/api/v1/rounds/{round_.id}/consensus", leader, json={"areas": [api_area("1", 2)]})
    assert response.status_code == 409 and error(response)["code"] == "wrong_state"
    assert rows() == before


def test_consensus_recorded_and_read(api, team, round_, make_user):
    org, leader, staff = team
    evidence = link_evidence(leader, org)
    for user, level in zip(staff, (2, 3, 3), strict=True):
        answer(user, round_, {"1": level}, evidence_id=evidence.id)
    api.post(f"/api/v1/rounds/{round_.id}/close", leader)
    path = f"/api/v1/rounds/{round_.id}/consensus"
    prefill = api.get(path, leader).get_json()
    assert prefill["prefill"] == {"1": 3} and prefill["total"] == 0 and prefill["assessments"] == []

    assert api.put(path, staff[0], json={"areas": [api_area("1", 2)]}).status_code == 403
    response = api.put(path, leader, json={"areas": [
        api_area("1", 3, {1: [evidence.id], 2: [evidence.id]}, justification="Rutinene er i bruk.",
                 strengths="Godt samarbeid", recommendations=["Måle resultatene"]),
        api_area("2", 3, {1: [evidence.id]}),
    ]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    areas = {a["area"]: a for a in body["areas"]}
    assert {k: areas["1"][k] for k in ("area", "claimed", "score")} == {"area": "1", "claimed": 3, "score": 3}
    assert (areas["2"]["claimed"], areas["2"]["score"]) == (3, 2)
    assert body["total"] == 5 and body["max_total"] == 45
    saved = {a["area"]: a for a in api.get(path, leader).get_json()["assessments"]}
    assert saved["1"]["justification"] == "Rutinene er i bruk."
    assert saved["1"]["recommendations"] == ["Måle resultatene"]

    results = api.get(f"/api/v1/rounds/{round_.id}/results", leader).get_json()
    first = results["areas"][0]
    assert (first["score"], first["median"], first["previous"]) == (3, 3.0, None)
    assert results["total"] == 5 and results["previous"] is None
    # once the consensus is recorded every member sees the same aggregate results as the leader
    assert api.get(f"/api/v1/rounds/{round_.id}/results", staff[0]).get_json() == results
    assert api.post(f"/api/v1/rounds/{round_.id}/reopen", leader).status_code == 409


def test_results_are_for_leaders_until_the_consensus_is_recorded(api, team, round_):
    _org, leader, staff = team
    path = f"/api/v1/rounds/{round_.id}/results"
    assert api.get(path, leader).status_code == 200
    response = api.get(path, staff[0])
    assert response.status_code == 403 and error(response)["code"] == "forbidden"


def test_bad_consensus_changes_nothing(api, team, round_, make_org, make_user):
    org, leader, _staff = team
    other = make_org()
    foreign = link_evidence(make_user(org=other, member_role="leader"), other)
    api.post(f"/api/v1/rounds/{round_.id}/close", leader)
    before = rows()
    path = f"/api/v1/rounds/{round_.id}/consensus"
    for body, code in [
        ({"areas": []}, "validation_failed"),
        ({"areas": [api_area("0", 1)]}, "unknown_area"),
        ({"areas": [api_area("1", 1), api_area("2", 2, {1: [foreign.id]})]}, "foreign_evidence"),
        ({"areas": [api_area("1", 1, recommendations="do more")]}, "validation_failed"),
        ({"areas": [api_area("1", 1, justification="x" * 20_001)]}, "validation_failed"),
        ({"areas": [api_area("1", 1, comment="not here")]}, "validation_failed"),
    ]:
        response = api.put(path, leader, json=body)
        assert (response.status_code, error(response)["code"]) == (422, code), body
        assert rows() == before, body


def test_own_area_listed_beside_the_total(api, team):
    from seqf.extensions import db
    from seqf.services import own_areas

    org, leader, _staff = team
    steps = [{"title": f"Trinn {n}", "indicators": [f"Indikator {n}"]} for n in range(1, 6)]
    own = own_areas.create_own_area(leader, org, title="Arbeidsgiversamarbeid", steps=steps)
    db.session.commit()
    evidence = link_evidence(leader, org)
    round_ = open_round(leader, org)
    api.post(f"/api/v1/rounds/{round_.id}/close", leader)
    documented = {level: [evidence.id] for level in range(1, 6)}
    response = api.put(f"/api/v1/rounds/{round_.id}/consensus", leader, json={"areas": [
        api_area(own.code, 5, documented), api_area("9", 2, documented)]})
    body = response.get_json()
    areas = {a["area"]: a for a in body["areas"]}
    assert areas[own.code]["own"] is True and areas[own.code]["score"] == 5
    assert areas["9"]["own"] is False and body["total"] == 2 and body["max_total"] == 45


def test_openapi_documents_the_round_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/organisations/{org}/rounds", "/rounds/{round_id}", "/rounds/{round_id}/my-response",
                 "/rounds/{round_id}/my-response/submit", "/rounds/{round_id}/summary", "/rounds/{round_id}/close",
                 "/rounds/{round_id}/consensus", "/rounds/{round_id}/results"):
        assert path in paths, path
    assert set(paths["/rounds/{round_id}/my-response"]) == {"get", "put"}
    summary = json.dumps(paths["/rounds/{round_id}/summary"])
    assert "403" in summary
