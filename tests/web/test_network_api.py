"""The network API: trend (members, coordinators; outsiders 404), register, calendar and workload
(coordinators and admins; 403 for everyone else), with filters, pages and bad input."""

from __future__ import annotations

import pytest

from seqf.models import ReviewState
from seqf.services import network_register as register
from tests.web.network_helpers import certified, report
from tests.web.review_helpers import make_review, review_cast

NETWORK = ["/api/v1/network/register", "/api/v1/network/calendar", "/api/v1/network/workload"]


@pytest.fixture
def cast(make_org, make_user):
    cast = review_cast(make_org, make_user, staff=1)
    cast.admin = make_user(roles=("admin",))
    cast.certificate = certified(cast.org, cast.lead, decided_days_ago=40)
    cast.other = make_org(name="Annen AS")
    make_review(cast.other, cast.co, [cast.lead], state=ReviewState.planned, starts_in_days=10)
    return cast


@pytest.mark.parametrize("who", ["leader", "org_admin", "staff", "lead", "co"])
def test_network_endpoints_refuse_everyone_but_coordinators(api, cast, who):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    for path in NETWORK:
        response = api.get(path, user=user)
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"]


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_register_for_coordinators_and_admins(api, cast, who):
    body = api.get("/api/v1/network/register", user=getattr(cast, who)).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 50, 2)
    rows = {r["name"]: r for r in body["items"]}
    jobb = rows["Jobbhuset AS"]
    assert jobb["state"] == "active"
    assert jobb["valid_until"] == cast.certificate.valid_until.isoformat()
    assert jobb["last_total"] == 27 and jobb["in_progress"] == 0
    assert rows["Annen AS"] == {**rows["Annen AS"], "state": "none", "in_progress": 1, "lead": "Carl Medrevisor"}


def test_register_filters_and_pages(api, cast, make_org):
    for i in range(55):
        make_org(name=f"Ekstra {i:02d}")
    get = lambda query: api.get("/api/v1/network/register" + query, user=cast.coordinator).get_json()  # noqa: E731
    assert get("")["total"] == 57 and len(get("")["items"]) == 50
    assert len(get("?page=2")["items"]) == 7
    assert [r["name"] for r in get("?q=jobb")["items"]] == ["Jobbhuset AS"]
    assert [r["name"] for r in get("?state=active")["items"]] == ["Jobbhuset AS"]
    assert [r["name"] for r in get("?in_progress=true")["items"]] == ["Annen AS"]
    assert [r["name"] for r in get("?due_within=400")["items"]] == ["Jobbhuset AS"]
    assert get("?q=ekstra&page=2")["total"] == 55


@pytest.mark.parametrize("query", ["?state=bogus", "?due_within=x", "?due_within=99999", "?page=0",
                                   "?in_progress=maybe", "?sort=size", "?q=" + "x" * 161])
def test_register_refuses_bad_filters(api, cast, query):
    response = api.get("/api/v1/network/register" + query, user=cast.coordinator)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"]


def test_calendar_and_workload(api, cast):
    year = cast.certificate.valid_from.year + 1
    body = api.get(f"/api/v1/network/calendar?year={year}", user=cast.coordinator).get_json()
    assert body["year"] == year
    assert any(e["type"] == "follow_up_due" and e["organisation"] == "Jobbhuset AS" for e in body["events"])
    visit_year = cast.certificate.review.visit_starts_on.year
    workload = api.get(f"/api/v1/network/workload?year={visit_year}", user=cast.coordinator).get_json()
    rita = next(r for r in workload["revisors"] if r["name"] == "Rita Revisor")
    assert rita["lead"] >= 1 and rita["visit_days"] >= 2
    assert api.get("/api/v1/network/workload?year=1800", user=cast.coordinator).status_code == 422
    assert api.get("/api/v1/network/calendar?year=abc", user=cast.coordinator).status_code == 422


@pytest.mark.parametrize("who", ["leader", "staff", "coordinator"])
def test_trend_for_members_and_coordinators(api, cast, who):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    follow = make_review(cast.org, cast.lead, state=ReviewState.published, starts_in_days=-3)
    report(follow, {"1": 4}, reasons={"1": "Bedre samarbeid"})
    body = api.get(f"/api/v1/organisations/{cast.org.id}/trend", user=user).get_json()
    area = next(a for a in body["areas"] if a["area"] == "1")
    assert [p["score"] for p in area["points"]] == [3, 4]
    assert area["points"][0]["source"] == "review" and area["points"][0]["kind"] == "certification"
    assert area["change"] == {"from": 3, "to": 4, "reason": "Bedre samarbeid", "review_id": follow.id}
    assert isinstance(area["title"], dict)


@pytest.mark.parametrize("who", ["lead", "other_revisor"])
def test_trend_hides_the_organisation_from_outsiders(api, cast, who):
    assert api.get(f"/api/v1/organisations/{cast.org.id}/trend", user=getattr(cast, who)).status_code == 404
    assert api.get("/api/v1/organisations/999999/trend", user=cast.coordinator).status_code == 404


def test_needs_a_token(api, cast):
    for path in [*NETWORK, f"/api/v1/organisations/{cast.org.id}/trend"]:
        assert api.get(path).status_code == 401


def test_register_statuses_are_the_documented_ones(app):
    from seqf.api.core import REGISTRY

    ops = {op.endpoint: op for op in REGISTRY if op.tag == "network"}
    assert set(ops) == {"network_trend", "network_register", "network_calendar", "network_workload"}
    assert register.PER_PAGE == 50
