"""The planning API: POST /organisations/{org}/reviews, GET /reviews and /reviews/{id},
GET /organisations/{org}/reviews, PATCH (change the plan, or plan a due follow-up) and DELETE."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import AuditEvent, OutboxMessage, Review, ReviewKind, ReviewRevisor, ReviewState
from tests.web.helpers import count
from tests.web.review_helpers import make_review, review_cast


@pytest.fixture
def cast(app, make_org, make_user):
    return review_cast(make_org, make_user)


def day(n: int = 30) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def body(cast, **overrides) -> dict:
    data = {"kind": "certification", "instrument": "seqf", "revisor_ids": [cast.lead.id, cast.co.id],
            "mode": "on_site", "visit_starts_on": day(), "visit_ends_on": day(31)}
    data.update(overrides)
    return data


def rows():
    return count(Review), count(ReviewRevisor), count(OutboxMessage), count(AuditEvent)


def person(cast, who):
    return cast.staff[0] if who == "staff" else getattr(cast, who)


def test_coordinator_plans_a_review(api, cast):
    response = api.post(f"/api/v1/organisations/{cast.org.id}/reviews", user=cast.coordinator, json=body(cast))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["state"] == "planned" and data["kind"] == "certification" and data["mode"] == "on_site"
    assert data["revisors"] == [{"id": cast.lead.id, "name": "Rita Revisor", "role": "lead"},
                                {"id": cast.co.id, "name": "Carl Medrevisor", "role": "co"}]
    assert data["organisation_id"] == cast.org.id and data["version"] == 1
    assert data["visit_starts_on"] == day() and data["areas"] == [] and data["previous_review_id"] is None
    assert {"round_id", "certificate_id", "due_on", "instrument_version"} <= set(data)


@pytest.mark.parametrize("overrides, code, field", [
    ({"visit_ends_on": day(29)}, "visit_order", "visit_ends_on"),
    ({"revisor_ids": []}, "no_revisor", "revisor_ids"),
    ({"revisor_ids": [1, 1]}, "duplicate_revisor", "revisor_ids"),
    ({"revisor_ids": [999_999]}, "unknown_revisor", "revisor_ids"),
    ({"mode": "video", "meeting_url": "file:///etc/passwd"}, "meeting_url_invalid", "meeting_url"),
    ({"round_id": 999_999}, "unusable_round", "round_id"),
    ({"kind": "follow_up", "areas": ["1", "x"]}, "unknown_area", "areas"),
    ({"areas": ["1"]}, "areas_not_allowed", "areas"),
    ({"instrument": "nope"}, "unknown_instrument", "instrument"),
    ({"kind": "audit"}, "validation_failed", "kind"),
    ({"visit_starts_on": "2026-02-30"}, "validation_failed", "visit_starts_on"),
    ({"visit_starts_on": 20260101}, "validation_failed", "visit_starts_on"),
    ({"revisor_ids": ["1"]}, "validation_failed", "revisor_ids.0"),
    ({"extra": 1}, "validation_failed", "extra"),
])
def test_bad_plans_are_refused_with_422_and_change_nothing(api, cast, overrides, code, field):
    before = rows()
    response = api.post(f"/api/v1/organisations/{cast.org.id}/reviews", user=cast.coordinator,
                        json=body(cast, **overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and field in error["fields"], error
    assert rows() == before


def test_conflict_of_interest_is_refused_naming_the_person(api, cast, make_user):
    insider = make_user(org=cast.org, member_role="staff", roles=("revisor",), name="Ida Innenfor")
    before = rows()
    response = api.post(f"/api/v1/organisations/{cast.org.id}/reviews", user=cast.coordinator,
                        json=body(cast, revisor_ids=[insider.id]))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "conflict_of_interest" and "Ida Innenfor" in error["message"]
    assert rows() == before


@pytest.mark.parametrize("who, status", [("leader", 403), ("org_admin", 403), ("staff", 403), ("lead", 404)])
def test_only_coordinators_plan(api, cast, who, status):
    before = rows()
    response = api.post(f"/api/v1/organisations/{cast.org.id}/reviews", user=person(cast, who), json=body(cast))
    assert response.status_code == status
    assert rows() == before


def test_an_unknown_organisation_is_404(api, cast):
    assert api.post("/api/v1/organisations/999999/reviews", user=cast.coordinator,
                    json=body(cast)).status_code == 404


@pytest.mark.parametrize("who, status", [("coordinator", 200), ("lead", 200), ("co", 200), ("leader", 200),
                                         ("org_admin", 200), ("staff", 403), ("other_revisor", 404)])
def test_reading_a_review_by_role(api, cast, who, status):
    review = make_review(cast.org, cast.lead, co=[cast.co])
    response = api.get(f"/api/v1/reviews/{review.id}", user=person(cast, who))
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["state"] == "planned"
    else:
        assert response.get_json()["error"]["code"] in ("forbidden", "not_found")


def test_lists(api, cast, make_org):
    mine = make_review(cast.org, cast.lead)
    elsewhere = make_review(make_org(name="Annen AS"), cast.other_revisor)
    assert [r["id"] for r in api.get("/api/v1/reviews", user=cast.lead).get_json()] == [mine.id]
    assert {r["id"] for r in api.get("/api/v1/reviews", user=cast.coordinator).get_json()} == {mine.id, elsewhere.id}
    assert api.get("/api/v1/reviews", user=cast.staff[0]).get_json() == []
    path = f"/api/v1/organisations/{cast.org.id}/reviews"
    assert [r["id"] for r in api.get(path, user=cast.leader).get_json()] == [mine.id]
    assert [r["id"] for r in api.get(path, user=cast.coordinator).get_json()] == [mine.id]
    assert api.get(path, user=cast.staff[0]).status_code == 403
    assert api.get(path, user=cast.lead).status_code == 404


def test_patch_changes_the_plan_and_a_stale_version_is_409(api, cast):
    review = make_review(cast.org, cast.lead, co=[cast.co])
    path = f"/api/v1/reviews/{review.id}"
    response = api.patch(path, user=cast.coordinator, json={"version": 1, "mode": "video",
                                                            "meeting_url": "https://meet.example.no/r"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["mode"] == "video"
    before = rows()
    stale = api.patch(path, user=cast.coordinator, json={"version": 1, "mode": "on_site"})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert rows() == before
    assert api.get(path, user=cast.coordinator).get_json()["mode"] == "video"


@pytest.mark.parametrize("who, status", [("lead", 403), ("leader", 403), ("staff", 403), ("other_revisor", 404)])
def test_patch_and_delete_are_for_coordinators(api, cast, who, status):
    review = make_review(cast.org, cast.lead)
    before = rows()
    path = f"/api/v1/reviews/{review.id}"
    assert api.patch(path, user=person(cast, who), json={"version": 1, "mode": "video"}).status_code == status
    assert api.delete(path, user=person(cast, who)).status_code == status
    assert rows() == before


def test_patch_plans_a_due_follow_up(api, cast):
    review = make_review(cast.org, cast.lead, state=ReviewState.due, kind=ReviewKind.follow_up,
                         due_on=clock.today() + dt.timedelta(days=90), suggested_lead_id=cast.lead.id)
    review.revisors = []
    db.session.commit()
    path = f"/api/v1/reviews/{review.id}"
    incomplete = api.patch(path, user=cast.coordinator, json={"version": 1, "revisor_ids": [cast.lead.id]})
    assert incomplete.status_code == 422
    response = api.patch(path, user=cast.coordinator, json={
        "version": 1, "revisor_ids": [cast.lead.id], "meeting_url": "https://meet.example.no/f",
        "visit_starts_on": day(90), "visit_ends_on": day(90), "areas": ["2", "7"]})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["state"] == "planned" and data["mode"] == "video" and data["areas"] == ["2", "7"]


def test_delete_cancels_and_refuses_late(api, cast):
    review = make_review(cast.org, cast.lead)
    response = api.delete(f"/api/v1/reviews/{review.id}?reason=Flyttet", user=cast.coordinator)
    assert response.status_code == 204 and not response.data
    assert count(Review) == 0
    published = make_review(cast.org, cast.lead, state=ReviewState.published)
    assert api.delete(f"/api/v1/reviews/{published.id}", user=cast.coordinator).status_code == 409
    assert count(Review) == 1


def test_anonymous_callers_get_401(api, cast):
    review = make_review(cast.org, cast.lead)
    for method, path in (("GET", "/api/v1/reviews"), ("GET", f"/api/v1/reviews/{review.id}"),
                         ("POST", f"/api/v1/organisations/{cast.org.id}/reviews"),
                         ("GET", f"/api/v1/organisations/{cast.org.id}/reviews"),
                         ("DELETE", f"/api/v1/reviews/{review.id}")):
        assert api.client.open(path, method=method, json={}).status_code == 401, path


# --- races -----------------------------------------------------------------------------------------

def test_two_coordinators_changing_one_plan_at_once_one_wins_the_other_gets_409(app, cast, make_user):
    from tests.web.test_round_races import Caller, statuses, together

    second = make_user(roles=("coordinator",), name="Kåre Koordinator")
    review = make_review(cast.org, cast.lead, co=[cast.co])
    review_id = review.id
    callers = [Caller(app, cast.coordinator), Caller(app, second)]
    for attempt in range(3):
        db.session.expire_all()
        version = db.session.get(Review, review_id).version
        ends = [day(40 + attempt), day(45 + attempt)]  # both differ from the stored plan

        def change(i, version=version, ends=ends):
            return lambda: callers[i].client.patch(f"/api/v1/reviews/{review_id}", headers=callers[i].headers,
                                                   json={"version": version, "visit_starts_on": day(35),
                                                         "visit_ends_on": ends[i]})

        results = together(app, change(0), change(1))
        assert statuses(results) == [200, 409], [r.get_json() for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        db.session.expire_all()
        stored = db.session.get(Review, review_id)
        assert stored.visit_ends_on.isoformat() == ends[winner] and stored.version == version + 1


def test_a_change_racing_a_cancel_never_fails_with_500(app, cast, make_user):
    from tests.web.test_round_races import Caller, together

    second = make_user(roles=("coordinator",))
    first, other = Caller(app, cast.coordinator), Caller(app, second)
    for _attempt in range(4):
        review_id = make_review(cast.org, cast.lead).id
        path = f"/api/v1/reviews/{review_id}"
        results = together(
            app,
            lambda path=path: first.client.patch(path, headers=first.headers, json={
                "version": 1, "mode": "video", "meeting_url": "https://meet.example.no/r"}),
            lambda path=path: other.client.delete(path, headers=other.headers))
        codes = sorted(r.status_code for r in results)
        assert codes in ([200, 204], [204, 404]), [(r.status_code, r.get_data(as_text=True)) for r in results]
        assert count(Review) == 0
