"""A round without traps, on the server side: an area is answered only when the person says so,
and a too-large or refused file comes back inline in the same form with everything typed kept."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from seqf.extensions import db
from seqf.models import AreaAssessment, Evidence, Response, Round
from seqf.services import rounds as round_service
from tests.web.helpers import text
from tests.web.round_helpers import api_area, open_round

NOT_ANSWERED = "This area is not answered yet"


@pytest.fixture
def team(make_org, make_user):
    org = make_org(name="Uten feller AS")
    leader = make_user(org=org, member_role="leader", name="Lise Leder", language="en")
    person = make_user(org=org, member_role="staff", name="Anna Andersen", language="en")
    round_ = open_round(leader, org, title="Høstrunden")
    return SimpleNamespace(org=org, leader=leader, person=person, round=round_, rid=round_.id)


def codes(team, area: str, level: int) -> list[str]:
    area_def = next(a for a in round_service.round_areas(team.round) if a["code"] == area)
    return [i["code"] for i in area_def["steps"][level - 1]["indicators"]]


def rows(team) -> dict[str, AreaAssessment]:
    db.session.expire_all()
    response = round_service.response_of(db.session.get(Round, team.rid), team.person)
    return round_service.answers_of(response)


# --- an area is answered only when the person says so ----------------------------------------------

def test_save_and_next_with_nothing_ticked_does_not_answer_the_area(client, auth, team):
    auth.login(team.person)
    page = client.post(f"/rounds/{team.rid}/fill?area=1", data={"comment": "Usikker her", "action": "next",
                                                                 "version": "0"})
    assert page.status_code == 200  # the same form again, not the next area
    body = text(page)
    assert NOT_ANSWERED in body and "Usikker her" in body
    assert 'id="answer-required" role="alert"' in body and "Areas done: 0 of 9" in body
    assert rows(team) == {}


def test_none_yet_is_an_explicit_answer_counted_as_zero(client, auth, team):
    auth.login(team.person)
    saved = client.post(f"/rounds/{team.rid}/fill?area=1", data={"none_yet": "1", "action": "next", "version": "0"})
    assert saved.status_code == 302 and "area=2" in saved.headers["Location"]
    answer = rows(team)["1"]
    assert (answer.claimed, answer.score) == (0, 0)
    page = text(client.get(f"/rounds/{team.rid}/fill?area=1"))
    assert 'name="none_yet" value="1" id="none_yet" data-none-yet checked' in page
    assert "Areas done: 1 of 9" in page
    submit = text(client.get(f"/rounds/{team.rid}/submit"))
    assert "8 areas are not answered" in submit
    listed = re.search(r'<ul class="unanswered-list">(.*?)</ul>', submit, re.S).group(1)
    assert re.findall(r"fill\?area=(\w+)", listed) == [str(n) for n in range(2, 10)]


def test_unticking_everything_without_the_choice_removes_the_answer(client, auth, team):
    auth.login(team.person)
    url = f"/rounds/{team.rid}/fill/1/autosave"
    first = client.post(url, data={"step-1-indicators": codes(team, "1", 1)[:1], "version": "0"})
    assert first.get_json()["area_answered"] is True and first.get_json()["answered"] == 1
    cleared = client.post(url, data={"comment": "tenker", "version": str(first.get_json()["version"])})
    body = cleared.get_json()
    assert cleared.status_code == 200 and body["area_answered"] is False and body["answered"] == 0
    assert NOT_ANSWERED in body["notice"] and body["version"] == 0
    assert rows(team) == {}
    chosen = client.post(url, data={"none_yet": "1", "version": "0"})
    assert chosen.get_json()["area_answered"] is True and set(rows(team)) == {"1"}


def test_unticking_everything_and_pressing_save_removes_the_answer_and_says_why(client, auth, team):
    auth.login(team.person)
    client.post(f"/rounds/{team.rid}/fill?area=2", data={"step-1-indicators": codes(team, "2", 1), "action": "save",
                                                         "version": "0"})
    assert set(rows(team)) == {"2"}
    page = client.post(f"/rounds/{team.rid}/fill?area=2", data={"action": "save", "version": "1"})
    assert page.status_code == 200 and NOT_ANSWERED in text(page)
    assert rows(team) == {}


def test_api_an_area_is_answered_when_listed_and_removed_with_answered_false(api, team):
    path = f"/api/v1/rounds/{team.rid}/my-response"
    saved = api.put(path, team.person, json={"answers": [api_area("1", 0), api_area("2", 1)]})
    assert saved.status_code == 200 and saved.get_json()["answered"] == 2
    versions = {a["area"]: a["version"] for a in saved.get_json()["answers"]}
    assert versions == {"1": 1, "2": 1}
    removed = api.put(path, team.person, json={"answers": [{"area": "1", "answered": False, "version": 1}]})
    assert removed.status_code == 200 and removed.get_json()["answered"] == 1
    both = api.put(path, team.person, json={"answers": [api_area("2", 1), {"area": "2", "answered": False}]})
    assert both.status_code == 422 and both.get_json()["error"]["code"] == "duplicate_area"
    stale = api.put(path, team.person, json={"answers": [api_area("2", 2, version=0)]})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and error["current"]["2"]["version"] == 1
    assert error["current"]["2"]["steps"][0]["met"] is True


def test_api_consensus_version_stale_answers_409_with_the_current_areas(api, team, make_user):
    for i in range(3):
        staff = make_user(org=team.org, member_role="staff", name=f"Ansatt {i}")
        round_service.response_of(db.session.get(Round, team.rid), staff)
    round_service.close_round(team.leader, db.session.get(Round, team.rid))
    db.session.commit()
    path = f"/api/v1/rounds/{team.rid}/consensus"
    first = api.put(path, team.leader, json={"areas": [api_area("3", 1, justification="Enige", version=0)]})
    assert first.status_code == 200 and first.get_json()["assessments"][0]["version"] == 1
    stale = api.put(path, team.leader, json={"areas": [api_area("3", 2, version=0), api_area("4", 1, version=0)]})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and list(error["current"]) == ["3"]
    assert error["current"]["3"]["justification"] == "Enige"
    assert set(round_service.consensus_of(db.session.get(Round, team.rid))) == {"3"}  # nothing of it saved
    again = api.put(path, team.leader, json={"areas": [api_area("3", 2, version=1)]})
    assert again.status_code == 200


# --- files: refused inline, typed answers kept ----------------------------------------------------

def _post_with_file(client, team, data: bytes, filename: str = "rutine.pdf"):
    """A multipart post built in memory (the test client would spool a large body to a temporary
    file that nobody closes)."""
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    fields = MultiDict([("csrf_token", client.csrf_token()), ("comment", "Dette skrev jeg"), ("action", "next"),
                        ("version", "0"), ("step-1-file-title", "Rutine")]
                       + [("step-1-indicators", code) for code in codes(team, "1", 1)])
    fields.add("step-1-file", FileStorage(io.BytesIO(data), filename=filename, content_type="application/pdf"))
    boundary, body = encode_multipart(fields)
    return client.post(f"/rounds/{team.rid}/fill?area=1", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_a_file_slightly_over_the_limit_comes_back_inline_with_everything_typed(client, auth, team):
    auth.login(team.person)
    limit = client.application.config.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
    page = _post_with_file(client, team, b"%PDF-1.4\n" + b"0" * limit)
    assert page.status_code == 413
    body = text(page)
    assert 'id="step-1-file-error"' in body and "Choose the file again" in body
    assert 'aria-invalid="true"' in body and "Dette skrev jeg" in body
    assert all(f'value="{code}" checked' in body for code in codes(team, "1", 1))
    assert rows(team) == {} and db.session.query(Evidence).count() == 0  # the whole request rolled back


def test_a_refused_file_type_comes_back_inline(client, auth, team):
    auth.login(team.person)
    page = _post_with_file(client, team, b"MZ\x90\x00" + b"\x00" * 200, filename="rutine.exe")
    assert page.status_code in (415, 422)
    body = text(page)
    assert "Dette skrev jeg" in body and 'id="step-1-file-error"' in body and "Choose the file again" in body
    assert rows(team) == {}


def test_a_file_chosen_in_an_unanswered_area_is_not_dropped_silently(client, auth, team):
    import io

    auth.login(team.person)
    page = client.post(f"/rounds/{team.rid}/fill?area=1", content_type="multipart/form-data", data={
        "comment": "Dette skrev jeg", "action": "next", "version": "0",
        "step-2-file": (io.BytesIO(b"Rutine"), "rutine.txt")})
    body = text(page)
    assert page.status_code == 200 and NOT_ANSWERED in body
    assert "The file was not uploaded, because the area is not answered yet." in body
    assert 'id="step-2-file-error"' in body and "Dette skrev jeg" in body
    assert db.session.query(Evidence).count() == 0


def test_the_file_input_carries_the_limit_for_the_browser_check(client, auth, team):
    auth.login(team.person)
    page = text(client.get(f"/rounds/{team.rid}/fill?area=1"))
    assert f'data-max-bytes="{20 * 1024 * 1024}"' in page and "larger than 20 MB" in page


@pytest.fixture
def small_requests(app):
    app.config["MAX_CONTENT_LENGTH"] = 50_000


def test_far_too_large_request_gets_a_friendly_413_page(client, auth, team, small_requests):
    auth.login(team.person)
    page = _post_with_file(client, team, b"%PDF-1.4\n" + b"0" * 100_000)
    assert page.status_code == 413
    body = text(page)
    assert "saved automatically" in body and "Back to the form" in body
    assert f"/rounds/{team.rid}/fill?area=1" in body
    assert db.session.query(Response).count() == 0
