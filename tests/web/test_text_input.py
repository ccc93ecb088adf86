"""Text typed into the app: every error at once with its limit, nothing cut, names visible and unreversed.

The rule itself (``seqf.text``) has property tests in tests/unit/test_text.py; here a few forms and
API endpoints show that they use it.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import Evidence, Organisation, OwnArea, Round, User
from tests.evidence_files import PDF
from tests.web.helpers import count, text
from tests.web.round_helpers import open_round

INVISIBLE = "\u202e\u200b \u2066\u2069"
VISIBLE_MESSAGE = "Write at least one visible character (a letter, digit or symbol)."


@pytest.fixture
def team(make_org, make_user):
    org = make_org(name="Jobbvei AS")
    return SimpleNamespace(
        org=org,
        admin=make_user(roles=("admin",), name="Ada Admin", language="en"),
        leader=make_user(org=org, member_role="leader", name="Lise Leder", language="en"),
        staff=make_user(org=org, member_role="staff", name="Anna Andersen", language="en"),
        norwegian=make_user(org=org, member_role="leader", name="Nils Nordmann", language="nb"),
    )


def next_week() -> str:
    return (clock.today() + dt.timedelta(days=7)).isoformat()


# --- forms ------------------------------------------------------------------------------------------

def test_every_error_of_a_form_is_shown_at_once_with_its_limit(client, auth, team):
    auth.login(team.admin)
    response = client.post("/admin/users", data={"name": "x" * 121, "email": "not an address", "password": ""})
    assert response.status_code == 422
    page = text(response)
    assert "At most 120 characters (now 121)." in page
    assert "Invalid email address." in page
    assert count(User) == 4


def test_the_limit_is_stated_in_norwegian(client, auth, team):
    auth.login(team.norwegian)
    response = client.post(f"/organisations/{team.org.id}/rounds", data={"title": "R" * 201, "closes_on": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Høyst 200 tegn (nå 201)." in page
    assert "Dette feltet er påkrevd." in page  # the deadline, in the same answer
    assert count(Round) == 0


@pytest.mark.parametrize("title", [INVISIBLE, "\u3164\u3164", "\u200b"])
def test_a_round_title_needs_a_visible_character(client, auth, team, title):
    auth.login(team.leader)
    response = client.post(f"/organisations/{team.org.id}/rounds",
                           data={"title": title, "closes_on": next_week(), "who": "chosen",
                                 "emails": team.staff.email})
    assert response.status_code == 422
    assert VISIBLE_MESSAGE in text(response) or "This field is required." in text(response)
    assert count(Round) == 0


def test_an_organisation_name_is_stored_without_bidi_controls(client, auth, team):
    auth.login(team.admin)
    response = client.post("/admin/organisations", data={"name": "  \u202eNAV\u202c   Fjord\u2066byen\u2069 "})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Organisation.name).order_by(Organisation.id.desc())) == "NAV Fjordbyen"


def test_a_name_of_only_invisible_characters_is_refused_on_the_profile(client, auth, team):
    auth.login(team.staff)
    response = client.post("/profile", data={"name": "\u200b\u3164", "language": "en"})
    assert response.status_code == 422
    assert VISIBLE_MESSAGE in text(response)
    db.session.refresh(team.staff)
    assert team.staff.name == "Anna Andersen"


def test_an_over_long_evidence_title_is_refused_not_cut(client, auth, team):
    auth.login(team.staff)
    response = client.post(f"/organisations/{team.org.id}/evidence/new", content_type="multipart/form-data",
                           data={"title": "T" * 201, "file": (io.BytesIO(PDF), "a.pdf"), "description": ""})
    assert response.status_code == 422
    assert "At most 200 characters (now 201)." in text(response)
    assert count(Evidence) == 0


def test_an_own_area_with_invisible_titles_shows_every_error(client, auth, team):
    auth.login(team.leader)
    data = {"title": INVISIBLE, "description": ""}
    for n in range(1, 6):
        data[f"step_{n}-title"] = "\u200b" if n == 2 else f"Step {n}"
        data[f"step_{n}-indicators"] = "One indicator"
    response = client.post(f"/organisations/{team.org.id}/areas/new", data=data)
    assert response.status_code == 422
    page = text(response)
    assert page.count(VISIBLE_MESSAGE) + page.count("This field is required.") >= 2
    assert count(OwnArea) == 0


def test_an_over_long_search_is_refused_with_its_limit(client, auth, api, team):
    auth.login(team.staff)
    page = client.get(f"/organisations/{team.org.id}/evidence/", query_string={"q": "s" * 201})
    assert page.status_code == 200 and "At most 200 characters (now 201)." in text(page)
    response = api.get(f"/api/v1/organisations/{team.org.id}/evidence?q={'s' * 201}", team.staff)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"q"}
    assert "200" in response.get_json()["error"]["fields"]["q"]


# --- API ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/organisations", {"name": INVISIBLE}, "name"),
    ("/api/v1/organisations", {"name": "x" * 161}, "name"),
    ("/api/v1/users", {"email": "ny@example.org", "name": "\u202e\u202c", "password": ""}, "name"),
])
def test_api_refuses_invisible_or_over_long_names(api, team, path, body, field):
    before = (count(Organisation), count(User))
    response = api.post(path, team.admin, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert (count(Organisation), count(User)) == before


def test_api_round_title_is_cleaned_and_its_limit_counts_what_is_kept(api, team):
    path = f"/api/v1/organisations/{team.org.id}/rounds"
    response = api.post(path, team.leader, json={"title": "\u202e" + "R" * 200, "closes_on": next_week()})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "R" * 200
    too_long = api.post(path, team.leader, json={"title": "R" * 201, "closes_on": next_week()})
    assert too_long.status_code == 422
    assert "at most 200 characters" in too_long.get_json()["error"]["fields"]["title"]


def test_api_evidence_upload_refuses_an_invisible_title(api, team):
    response = api.post(f"/api/v1/organisations/{team.org.id}/evidence", team.staff,
                        data={"title": INVISIBLE, "file": (io.BytesIO(PDF), "a.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "title" in response.get_json()["error"]["fields"]
    assert count(Evidence) == 0


def test_api_own_area_titles_need_a_visible_character(api, team):
    steps = [{"title": "\u200b" if n == 3 else f"Step {n}", "indicators": ["One"]} for n in range(1, 6)]
    response = api.post(f"/api/v1/organisations/{team.org.id}/own-areas", team.leader,
                        json={"title": "IPS", "steps": steps})
    assert response.status_code == 422
    assert "steps.2.title" in response.get_json()["error"]["fields"]
    assert count(OwnArea) == 0


def test_round_helper_titles_still_work(team):
    # the service keeps its own check: a title reaching it unchecked is still cleaned
    round_ = open_round(team.leader, team.org, title="  Vår\u202erunden  ")
    assert round_.title == "Vårrunden"


@pytest.mark.parametrize("who, path", [
    ("admin", "/admin/users"), ("admin", "/admin/organisations"), ("leader", "/organisations/{org}/rounds"),
    ("staff", "/organisations/{org}/evidence/new"), ("leader", "/organisations/{org}/areas/new"),
    ("staff", "/profile"),
])
def test_no_input_cuts_what_is_pasted_into_it(client, auth, team, who, path):
    # a browser silently cuts pasted text at maxlength; the server states the limit instead
    auth.login(getattr(team, who))
    response = client.get(path.format(org=team.org.id))
    assert response.status_code == 200
    assert "maxlength" not in response.get_data(as_text=True)
