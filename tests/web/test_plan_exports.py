"""The action plan as PDF (for the board) and XLSX: contents, members only, the API form."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from seqf.extensions import db
from seqf.services import goal_updates
from tests.web.plan_helpers import add_goal, add_task, plan_cast


@pytest.fixture
def cast(app, make_org, make_user):
    with app.test_request_context():
        cast = plan_cast(make_org, make_user)
        cast.goal = add_goal(cast, "Bedre samarbeid med NAV")
        cast.second = add_goal(cast, "Flere jobbstarter", areas=("5",))
        add_task(cast, cast.goal, "Avtal møte med NAV-kontoret", assignee=cast.staff[1])
        add_task(cast, cast.second, "=HYPERLINK(\"http://x\")")
        goal_updates.add_update(cast.leader, cast.goal, "at_risk", "Ny kontaktperson hos NAV")
        db.session.commit()
    return cast


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_plan_pdf_holds_the_goals_and_their_tasks(client, auth, cast):
    auth.login(cast.staff[0])
    response = client.get(f"/organisations/{cast.org.id}/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    for expected in ("Bedre samarbeid med NAV", "Flere jobbstarter", "Avtal møte med NAV-kontoret",
                     "Lise Leder", "Ny kontaktperson hos NAV", "Jobbvei Plan AS"):
        assert expected in text


def test_the_plan_xlsx_has_goals_tasks_and_updates(client, auth, cast):
    auth.login(cast.viewer)
    response = client.get(f"/organisations/{cast.org.id}/plan.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Goals", "Tasks", "Updates"]
    goals = [row for row in book["Goals"].iter_rows(min_row=2, values_only=True)]
    assert {g[1] for g in goals} == {"Bedre samarbeid med NAV", "Flere jobbstarter"}
    tasks = {row[1]: row for row in book["Tasks"].iter_rows(min_row=2, values_only=True)}
    assert tasks["Avtal møte med NAV-kontoret"][2] == "Bedre samarbeid med NAV"
    assert tasks["Avtal møte med NAV-kontoret"][3] == cast.staff[1].name
    # a title that looks like a formula is written as text
    assert not any(str(title).startswith("=") for title in tasks)
    updates = list(book["Updates"].iter_rows(min_row=2, values_only=True))
    assert [(u[1], u[2], u[3]) for u in updates] == [("Bedre samarbeid med NAV", "at_risk", "Ny kontaktperson hos NAV")]


@pytest.mark.parametrize("who,status", [("leader", 200), ("viewer", 200), ("outsider", 404), ("coordinator", 200)])
def test_plan_readers_download_it(client, auth, api, cast, who, status):
    user = getattr(cast, who)
    auth.login(user)
    for ext in ("pdf", "xlsx"):
        assert client.get(f"/organisations/{cast.org.id}/plan.{ext}").status_code == status
        assert api.get(f"/api/v1/organisations/{cast.org.id}/plan.{ext}", user=user).status_code == status


def test_unknown_organisation_is_404(client, auth, api, cast):
    auth.login(cast.leader)
    assert client.get("/organisations/999999/plan.pdf").status_code == 404
    assert api.get("/api/v1/organisations/999999/plan.xlsx", user=cast.leader).status_code == 404


def test_the_api_pdf(api, cast):
    response = api.get(f"/api/v1/organisations/{cast.org.id}/plan.pdf", user=cast.leader)
    assert response.status_code == 200
    assert "Bedre samarbeid med NAV" in _pdf_text(response.data)


def test_an_empty_plan_exports(client, auth, cast):
    auth.login(cast.outsider)
    text = _pdf_text(client.get(f"/organisations/{cast.other.id}/plan.pdf").data)
    assert "Annen Virksomhet" in text and "Bedre samarbeid med NAV" not in text
    book = load_workbook(io.BytesIO(client.get(f"/organisations/{cast.other.id}/plan.xlsx").data))
    assert book["Goals"].max_row == 1
