"""The round pages in the browser: who may open what, filling in, autosave, submit, summary,
consensus, results and exports — and that no page shows what an individual answered."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from seqf import clock
from seqf.extensions import db
from seqf.models import AreaAssessment, Evidence, Response, ResponseState, Round, RoundState
from seqf.services import rounds as round_service
from tests.web.helpers import count, location, text
from tests.web.round_helpers import answer, link_evidence, open_round

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def team(make_org, make_user):
    """Leader, three staff (participants), a viewer, an org admin and someone from outside; English UI."""
    org = make_org(name="Jobbvei AS")
    people = SimpleNamespace(
        org=org,
        leader=make_user(org=org, member_role="leader", name="Lise Leder", language="en"),
        staff=[make_user(org=org, member_role="staff", name=name, language="en")
               for name in ("Anna Andersen", "Bjørn Berg", "Cecilie Dahl")],
        viewer=make_user(org=org, member_role="viewer", name="Vera Viewer", language="en"),
        admin=make_user(org=org, member_role="org_admin", name="Ola Orgadmin", language="en"),
        outsider=make_user(name="Ute Utenfor", language="en"),
    )
    people.round = open_round(people.leader, org, title="Spring round")
    return people


def indicator_codes(round_: Round, area: str, level: int) -> list[str]:
    area_def = next(a for a in round_service.round_areas(round_) if a["code"] == area)
    return [i["code"] for i in area_def["steps"][level - 1]["indicators"]]


def stored(round_: Round, user, area: str) -> AreaAssessment | None:
    db.session.expire_all()
    response = round_service.response_of(round_, user)
    return round_service.answers_of(response).get(area)


def close(team) -> None:
    round_service.close_round(team.leader, db.session.get(Round, team.round.id))
    db.session.commit()


# --- the list and opening a round --------------------------------------------------------------

@pytest.mark.parametrize("who, status, form", [
    ("leader", 200, True), ("admin", 200, True), ("staff", 200, False), ("viewer", 200, False),
    ("outsider", 404, False),
])
def test_rounds_list_by_role(client, auth, team, who, status, form):
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    response = client.get(f"/organisations/{team.org.id}/rounds")
    assert response.status_code == status
    if status == 200:
        page = text(response)
        assert "Spring round" in page
        assert ("Open a new round" in page) is form


def test_leader_opens_a_round_with_chosen_participants(client, auth, team):
    """No checkbox per member (an organisation can have a thousand): everyone, or e-mail addresses."""
    auth.login(team.leader)
    page = text(client.get(f"/organisations/{team.org.id}/rounds"))
    assert re.search(r'value="everyone"[^>]*checked|checked[^>]*value="everyone"', page)
    assert 'type="checkbox"' not in page and "Vera Viewer" not in page and "Anna Andersen" not in page
    deadline = (clock.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Autumn round", "closes_on": deadline, "who": "chosen",
        "emails": f"{team.staff[0].email.upper()}\n {team.staff[1].email}, {team.staff[0].email}"})
    assert response.status_code == 302
    round_ = db.session.scalar(db.select(Round).where(Round.title == "Autumn round"))
    assert location(response) == f"/rounds/{round_.id}"
    assert round_service.participant_ids(round_) == {team.staff[0].id, team.staff[1].id}


def test_leader_opens_a_round_for_everyone_by_default(client, auth, team):
    auth.login(team.leader)
    deadline = (clock.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Everyone round", "closes_on": deadline, "who": "everyone", "emails": "ignored@example.no"})
    assert response.status_code == 302
    round_ = db.session.scalar(db.select(Round).where(Round.title == "Everyone round"))
    assert round_service.participant_ids(round_) == {team.leader.id, *(p.id for p in team.staff)}


@pytest.mark.parametrize(("emails", "message"), [
    ("nobody@example.no", "Not an active staff member, leader or organisation admin here: nobody@example.no"),
    ("", "Write the e-mail address of at least one participant."),
    (" , ; ", "Write the e-mail address of at least one participant."),
])
def test_unknown_or_missing_addresses_are_named_and_nothing_is_created(client, auth, team, emails, message):
    auth.login(team.leader)
    before = count(Round)
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Bad round", "closes_on": (clock.today() + dt.timedelta(days=10)).isoformat(), "who": "chosen",
        "emails": f"{team.staff[0].email}\n{emails}" if "nobody" in emails else emails})
    assert response.status_code == 422
    assert message in text(response)
    assert count(Round) == before


def test_a_viewer_an_outsider_or_someone_who_left_cannot_be_chosen(client, auth, team):
    team.staff[2].active = False
    db.session.commit()
    auth.login(team.leader)
    emails = [team.viewer.email, team.outsider.email, team.staff[2].email]
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Bad round", "closes_on": (clock.today() + dt.timedelta(days=10)).isoformat(), "who": "chosen",
        "emails": "\n".join([team.admin.email, *emails])})
    assert response.status_code == 422
    page = text(response)
    assert all(email in page for email in emails) and team.admin.email not in page.split("here:")[1].split("<")[0]
    assert count(Round, Round.title == "Bad round") == 0


def test_opening_a_round_in_the_past_is_refused(client, auth, team):
    auth.login(team.leader)
    before = count(Round)
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Too late", "closes_on": "2001-01-01", "who": "chosen", "emails": team.staff[0].email})
    assert response.status_code == 422
    assert "The deadline cannot be in the past." in text(response)
    assert count(Round) == before


def test_staff_cannot_open_a_round(client, auth, team):
    auth.login(team.staff[0])
    before = count(Round)
    response = client.post(f"/organisations/{team.org.id}/rounds", data={
        "title": "Mine", "closes_on": (clock.today() + dt.timedelta(days=5)).isoformat()})
    assert response.status_code == 403
    assert count(Round) == before


# --- filling in --------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("staff", 200), ("leader", 200), ("admin", 403), ("viewer", 403),
                                          ("outsider", 404)])
def test_fill_page_is_for_participants(client, auth, team, who, status):
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    response = client.get(f"/rounds/{team.round.id}/fill?area=3")
    assert response.status_code == status
    if status == 200:
        page = text(response)
        assert 'name="csrf-token"' in page and "js/autosave.js" in page
        assert f'name="step-1-indicators" value="{indicator_codes(team.round, "3", 1)[0]}"' in page
        assert "What this means" in page and "Examples of evidence" in page
        assert "Areas done: 0 of 9" in page


def test_unknown_area_is_404(client, auth, team):
    auth.login(team.staff[0])
    assert client.get(f"/rounds/{team.round.id}/fill?area=99").status_code == 404


@pytest.mark.parametrize("ticked, met", [("all", True), ("some", False)])
def test_a_step_is_met_only_when_all_its_indicators_are_ticked(client, auth, team, ticked, met):
    auth.login(team.staff[0])
    codes = indicator_codes(team.round, "2", 1)
    chosen = codes if ticked == "all" else codes[:-1]
    response = client.post(f"/rounds/{team.round.id}/fill?area=2",
                           data={"step-1-indicators": chosen, "comment": "Vi har begynt", "action": "next"})
    assert response.status_code == 302
    assert location(response) == f"/rounds/{team.round.id}/fill?area=3"
    assessment = stored(team.round, team.staff[0], "2")
    step = next(s for s in assessment.steps if s.level == 1)
    assert step.met is met and sorted(step.indicators) == sorted(chosen)
    assert (assessment.claimed, assessment.score) == ((1, 1) if met else (0, 0))
    assert assessment.comment == "Vi har begynt"
    page = text(client.get(f"/rounds/{team.round.id}/fill?area=2"))
    assert "Areas done: 1 of 9" in page


def test_evidence_from_the_library_and_a_new_upload_are_linked(client, auth, team):
    evidence = link_evidence(team.leader, team.org)
    auth.login(team.staff[0])
    response = client.post(f"/rounds/{team.round.id}/fill?area=5", content_type="multipart/form-data", data={
        "step-1-indicators": indicator_codes(team.round, "5", 1), "step-1-evidence": [str(evidence.id)],
        "step-2-indicators": indicator_codes(team.round, "5", 2),
        "step-2-file": (io.BytesIO("# Rutine\n\nSlik gjør vi det.\n".encode()), "rutine.md"),
        "step-2-file-title": "Rutine for oppstart", "action": "save"})
    assert response.status_code == 302
    assessment = stored(team.round, team.staff[0], "5")
    by_level = {s.level: s for s in assessment.steps}
    assert [e.id for e in by_level[1].evidence] == [evidence.id]
    uploaded = db.session.scalar(db.select(Evidence).where(Evidence.title == "Rutine for oppstart"))
    assert uploaded is not None and uploaded.organisation_id == team.org.id
    assert [e.id for e in by_level[2].evidence] == [uploaded.id]
    assert (assessment.claimed, assessment.score) == (2, 2)


def test_a_refused_upload_changes_nothing(client, auth, team):
    auth.login(team.staff[0])
    before = count(Evidence)
    response = client.post(f"/rounds/{team.round.id}/fill?area=5", content_type="multipart/form-data", data={
        "step-1-indicators": indicator_codes(team.round, "5", 1),
        "step-1-file": (io.BytesIO(b"MZ\x90\x00\x03binary"), "program.exe"), "action": "save"})
    assert response.status_code in (413, 422)
    assert count(Evidence) == before
    assert count(Response) == 0


def test_autosave_requires_the_csrf_header_and_answers_json(client, auth, team):
    auth.login(team.staff[0])
    url = f"/rounds/{team.round.id}/fill/4/autosave"
    data = {"step-1-indicators": indicator_codes(team.round, "4", 1)}
    refused = client.post(url, data=data, csrf=False, headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert refused.is_json and "error" in refused.get_json()
    assert count(Response) == 0
    saved = client.post(url, data=data, csrf=False,
                        headers={"X-CSRFToken": client.csrf_token(), "Accept": "application/json"})
    assert saved.status_code == 200 and saved.is_json
    body = saved.get_json()
    assert body["claimed"] == 1 and body["score"] == 1 and body["answered"] == 1
    assert body["saved_at"].startswith("Saved ")
    assert body["steps"][0] == {"level": 1, "met": True, "label": "Met"}
    assert stored(team.round, team.staff[0], "4").claimed == 1


def test_autosave_of_an_unknown_area_is_a_json_404(client, auth, team):
    auth.login(team.staff[0])
    response = client.post(f"/rounds/{team.round.id}/fill/x9/autosave", csrf=False,
                           headers={"X-CSRFToken": client.csrf_token(), "Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "unknown_area"


# --- submitting and locking --------------------------------------------------------------------

def test_submit_asks_for_confirmation_then_locks_the_response(client, auth, team):
    auth.login(team.staff[0])
    client.post(f"/rounds/{team.round.id}/fill?area=1",
                data={"step-1-indicators": indicator_codes(team.round, "1", 1), "action": "save"})
    page = text(client.get(f"/rounds/{team.round.id}/submit"))
    assert "8 areas are not answered and will not count." in page
    assert "After submitting you cannot change your answers." in page
    response = client.post(f"/rounds/{team.round.id}/submit")
    assert response.status_code == 302
    db.session.expire_all()
    assert round_service.response_of(team.round, team.staff[0]).state == ResponseState.submitted

    changed = client.post(f"/rounds/{team.round.id}/fill?area=1", data={"comment": "endret", "action": "save"})
    assert changed.status_code == 409
    assert "submitted and locked" in text(changed)
    autosaved = client.post(f"/rounds/{team.round.id}/fill/1/autosave", data={"comment": "endret"}, csrf=False,
                            headers={"X-CSRFToken": client.csrf_token(), "Accept": "application/json"})
    assert autosaved.status_code == 409 and autosaved.get_json()["error"]["code"]
    assessment = stored(team.round, team.staff[0], "1")
    assert assessment.comment == "" and assessment.claimed == 1

    readonly = text(client.get(f"/rounds/{team.round.id}/fill?area=1"))
    assert "read-only" in readonly and "disabled" in readonly and "js/autosave.js" not in readonly
    again = client.get(f"/rounds/{team.round.id}/submit")
    assert again.status_code == 302


def test_a_closed_round_refuses_changes(client, auth, team):
    answer(team.staff[0], team.round, {"1": 1}, submit=False)
    close(team)
    auth.login(team.staff[0])
    response = client.post(f"/rounds/{team.round.id}/fill?area=1", data={"comment": "for sent", "action": "save"})
    assert response.status_code == 409
    assert "The round is closed" in text(response)
    assert client.post(f"/rounds/{team.round.id}/submit").status_code == 409
    assert stored(team.round, team.staff[0], "1").comment == ""


# --- leading: summary, close, reopen -----------------------------------------------------------

@pytest.mark.parametrize("path", ["", "/summary"])
def test_summary_is_withheld_below_the_threshold(client, auth, team, path):
    answer(team.staff[0], team.round, {"1": 3}, comments={"1": "Hemmelig kommentar A"})
    answer(team.staff[1], team.round, {"1": 1}, comments={"1": "Hemmelig kommentar B"})
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}{path}"))
    assert "The results are shown when the round is closed" in page
    assert "Submitted 2 of 4" in page
    assert "Hemmelig kommentar" not in page
    assert "dist-chart" not in page
    assert "Anna Andersen" in page and "Bjørn Berg" in page  # who, never what


def test_summary_shows_aggregates_but_never_who_said_what(client, auth, team):
    for person, level, comment in zip(team.staff, (1, 2, 5), ("Kommentar én", "Kommentar to", "Kommentar tre"),
                                      strict=True):
        answer(person, team.round, {"2": level}, comments={"2": comment}, evidence_id=link_evidence(
            team.leader, team.org, title=f"Dok {person.id}").id)
    close(team)
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}/summary"))
    assert "The results are shown when the round is closed" not in page
    assert "Disagreement" in page  # 1 and 5 differ by 4 steps
    comments = re.search(r'<ul class="comments">(.*?)</ul>', page, re.S).group(1)
    assert {"Kommentar én", "Kommentar to", "Kommentar tre"} == set(re.findall(r"<li>(.*?)</li>", comments))
    people = re.search(r'<ul class="people">(.*?)</ul>', page, re.S).group(1)
    for item in re.findall(r"<li.*?</li>", people, re.S):
        assert not re.search(r"\d", re.sub(r"<[^>]+>", "", item))  # a name and a status, no score
        assert "Kommentar" not in item
    for person in team.staff:
        assert person.name in people
        assert person.name not in page.replace(people, "")


@pytest.mark.parametrize("who, status", [("staff", 403), ("viewer", 403), ("outsider", 404)])
def test_summary_is_for_leaders(client, auth, team, who, status):
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    assert client.get(f"/rounds/{team.round.id}/summary").status_code == status


def test_staff_see_only_their_own_status(client, auth, team):
    answer(team.staff[1], team.round, {"1": 2})
    auth.login(team.staff[0])
    page = text(client.get(f"/rounds/{team.round.id}"))
    assert "Your answers" in page and "Fill in" in page
    assert "Bjørn Berg" not in page and "Close the round" not in page


def test_leader_closes_and_reopens(client, auth, team):
    auth.login(team.staff[0])
    assert client.post(f"/rounds/{team.round.id}/close").status_code == 403
    auth.logout()
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}"))
    assert "Close the round" in page and "Reopen the round" not in page
    response = client.post(f"/rounds/{team.round.id}/close")
    assert response.status_code == 302 and location(response) == f"/rounds/{team.round.id}/consensus"
    db.session.expire_all()
    assert db.session.get(Round, team.round.id).state == RoundState.closed
    assert client.post(f"/rounds/{team.round.id}/close").status_code == 409
    assert client.post(f"/rounds/{team.round.id}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Round, team.round.id).state == RoundState.open


# --- consensus and results ---------------------------------------------------------------------

def test_consensus_needs_a_closed_round_and_a_leader(client, auth, team):
    auth.login(team.leader)
    response = client.get(f"/rounds/{team.round.id}/consensus")
    assert response.status_code == 409 and "Close the round first" in text(response)
    assert client.post(f"/rounds/{team.round.id}/consensus?area=1", data={"step-1-met": "1"}).status_code == 409
    assert round_service.consensus_of(team.round) == {}
    close(team)
    auth.logout()
    auth.login(team.staff[0])
    assert client.get(f"/rounds/{team.round.id}/consensus").status_code == 403


def test_consensus_is_prefilled_from_the_median_and_saved(client, auth, team):
    evidence = link_evidence(team.leader, team.org)
    for person, level in zip(team.staff, (2, 3, 3), strict=True):
        answer(person, team.round, {"6": level}, evidence_id=evidence.id)
    close(team)
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}/consensus?area=6"))
    assert "Suggested from the staff median: steps 1–3 met." in page
    for level in (1, 2, 3):
        assert re.search(rf'name="step-{level}-met" value="1" checked', page)
    assert not re.search(r'name="step-4-met" value="1" checked', page)
    response = client.post(f"/rounds/{team.round.id}/consensus?area=6", data={
        "step-1-met": "1", "step-1-evidence": str(evidence.id), "step-2-met": "1", "action": "next",
        "justification": "Rutinen er i bruk", "strengths": "Godt samarbeid",
        "recommendations": "Mål effekten\n\nSkriv det ned"})
    assert response.status_code == 302 and location(response) == f"/rounds/{team.round.id}/consensus?area=7"
    agreed = round_service.consensus_of(team.round)["6"]
    assert (agreed.claimed, agreed.score) == (2, 2)
    assert agreed.justification == "Rutinen er i bruk"
    assert agreed.recommendations == ["Mål effekten", "Skriv det ned"]
    page = text(client.get(f"/rounds/{team.round.id}/consensus?area=6"))
    assert "Agreed: met 2, documented score 2." in page
    reopened = client.post(f"/rounds/{team.round.id}/reopen")
    assert reopened.status_code == 409 and "cannot be reopened" in text(reopened)


@pytest.mark.parametrize("who, status", [("leader", 200), ("staff", 200), ("viewer", 200), ("outsider", 404)])
def test_results_with_radar_chart_for_every_member(client, auth, team, who, status):
    for person, level in zip(team.staff, (1, 2, 2), strict=True):
        answer(person, team.round, {"1": level})
    close(team)
    round_service.record_consensus(team.leader, db.session.get(Round, team.round.id), [
        round_service.assessments.AreaData(area="1", steps=[round_service.assessments.StepData(1, met=True)])])
    db.session.commit()
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    response = client.get(f"/rounds/{team.round.id}/results")
    assert response.status_code == status
    if status == 200:
        page = text(response)
        assert "of 45" in page and "Staff median" in page
        svgs = re.findall(r"<svg xmlns=.*?</svg>", page, re.S)
        assert len(svgs) == 2  # full labels for wide screens, area codes on a phone
        for svg in svgs:
            root = ET.fromstring(svg)
            assert root.get("role") == "img"
            assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
            assert len(root.findall(f".//{SVG}polygon")) == 2  # consensus and staff median
            assert not any("style" in el.attrib for el in root.iter())
        assert ("Export the aggregates" in page) is (who == "leader")


def test_results_wait_for_the_consensus(client, auth, team):
    auth.login(team.staff[0])
    page = text(client.get(f"/rounds/{team.round.id}/results"))
    assert "shown when the group has agreed the consensus" in page and "<svg" not in page


# --- exports -----------------------------------------------------------------------------------

def _three_answers(team) -> None:
    for person, level, comment in zip(team.staff, (1, 3, 4), ("Kommentar én", "Kommentar to", "Kommentar tre"),
                                      strict=True):
        answer(person, team.round, {"3": level}, comments={"3": comment},
               evidence_id=link_evidence(team.leader, team.org, title=f"Dok {person.id}").id)
    close(team)


def test_csv_export_holds_aggregates_only(client, auth, team):
    _three_answers(team)
    auth.login(team.leader)
    response = client.get(f"/rounds/{team.round.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    body = response.data.decode("utf-8-sig")
    assert body.count("\r\n") == 10 and "\n" not in body.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert rows[0][:5] == ["Area", "Title", "Own area", "Responses", "Level 0"]
    assert rows[0][-4:] == ["Median", "Disagreement", "Consensus met (claimed)", "Consensus score"]
    assert len(rows) == 10
    assert rows[3][:12] == ["3", "People management", "no", "3", "0", "1", "0", "1", "1", "0", "3", "yes"]
    assert rows[1][3:5] == ["withheld", "withheld"]  # area 1 had no answers: not even a count
    for person in team.staff:
        assert person.name not in body
    assert "Kommentar" not in body


def test_xlsx_export_holds_aggregates_only(client, auth, team):
    _three_answers(team)
    auth.login(team.leader)
    response = client.get(f"/rounds/{team.round.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 10 and rows[0][0] == "Area"
    assert rows[3][:4] == ("3", "People management", "no", 3)
    cells = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    for person in team.staff:
        assert person.name not in cells
    assert "Kommentar" not in cells


def test_exports_are_refused_until_results_are_released(client, auth, team):
    answer(team.staff[0], team.round, {"3": 2})
    auth.login(team.leader)
    for kind in ("csv", "xlsx"):
        assert client.get(f"/rounds/{team.round.id}/export.{kind}").status_code == 409
    close(team)  # one answer: nothing is released
    for kind in ("csv", "xlsx"):
        assert client.get(f"/rounds/{team.round.id}/export.{kind}").status_code == 409


def test_csv_median_uses_a_decimal_comma(client, auth, team):
    for person, level in zip(team.staff, (1, 2, 3), strict=True):
        answer(person, team.round, {"3": level}, evidence_id=link_evidence(team.leader, team.org).id)
    answer(team.leader, team.round, {"3": 4}, evidence_id=link_evidence(team.leader, team.org).id)
    close(team)
    auth.login(team.leader)
    body = client.get(f"/rounds/{team.round.id}/export.csv").data.decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(body, newline=""), delimiter=";") if r[0] == "3")
    assert row[3] == "4" and row[10] == "2,5"


@pytest.mark.parametrize("who, status", [("staff", 403), ("viewer", 403), ("outsider", 404)])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_are_for_leaders(client, auth, team, who, status, kind):
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    assert client.get(f"/rounds/{team.round.id}/export.{kind}").status_code == status


# --- dashboard and demo ------------------------------------------------------------------------

def test_dashboard_lists_open_rounds_with_progress(client, auth, team):
    answer(team.staff[0], team.round, {"1": 1, "2": 1}, submit=False)
    auth.login(team.staff[0])
    page = text(client.get("/dashboard"))
    assert "Your self-assessments" in page and "Spring round" in page
    assert "Areas done: 2 of 9" in page
    auth.logout()
    auth.login(team.viewer)
    assert "Your self-assessments" not in text(client.get("/dashboard"))


def test_demo_rounds_are_added_once(app):
    from seqf import demo

    demo.load()
    demo.load()
    db.session.commit()
    rounds_ = db.session.scalars(db.select(Round).order_by(Round.created_at)).all()
    assert len(rounds_) == 3
    older, spring, current = rounds_
    assert spring.consensus_recorded_at is not None and spring.state == RoundState.closed
    assert round_service.round_results(spring)["previous"]["round_id"] == older.id
    summary = round_service.round_summary(current)
    assert current.state == RoundState.open and summary["submitted"] == 2 and summary["withheld"]
