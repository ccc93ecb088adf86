"""The JSON API for people and organisations, as API.md writes it, and its answers to bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import ApiToken, AuditEvent, Membership, Organisation, OutboxMessage, User, utcnow
from tests.conftest import PASSWORD
from tests.web.helpers import count

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")
GOOD_PASSWORD = "et-langt-og-godt-passord"


@pytest.fixture
def people(make_org, make_user, api):
    """An organisation with members, network roles and an outsider; every caller already has a token."""
    org = make_org(name="Jobbvei AS")
    people = {
        "org": org,
        "admin": make_user(roles=("admin",), name="Ada Admin"),
        "coordinator": make_user(roles=("coordinator",)),
        "org_admin": make_user(org=org, member_role="org_admin"),
        "leader": make_user(org=org, member_role="leader"),
        "staff": make_user(org=org, member_role="staff"),
        "outsider": make_user(name="Ute Utenfor"),
    }
    for role in ("admin", "coordinator", "org_admin", "leader", "staff"):
        api.token(people[role])
    return people


def snapshot() -> dict[str, int]:
    """Row counts of everything a people-API call can change."""
    return {model.__name__: count(model) for model in
            (User, Organisation, Membership, AuditEvent, OutboxMessage, ApiToken)}


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) <= {"code", "message", "fields"}
    assert re.fullmatch(r"[a-z_]+", body["error"]["code"])
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# --- tokens -------------------------------------------------------------------------------------

def test_token_for_email_and_password(client, people):
    response = client.post("/api/v1/tokens", json={"email": people["staff"].email.upper(), "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert ISO_UTC.match(body["expires_at"])
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert dt.timedelta(days=1) < expires - utcnow() <= dt.timedelta(days=31)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["id"] == people["staff"].id


@pytest.mark.parametrize("credentials", [
    {"email": "person-unknown@example.no", "password": PASSWORD},
    {"email": "{staff}", "password": "wrong-password-here"},
])
def test_wrong_credentials_are_401_with_one_message(client, people, credentials):
    credentials = {k: v.format(staff=people["staff"].email) for k, v in credentials.items()}
    error = assert_error(client.post("/api/v1/tokens", json=credentials, headers={"Accept-Language": "en"}), 401)
    assert error["message"] == "Wrong e-mail or password."
    assert count(ApiToken, ApiToken.user_id == people["staff"].id) == 1  # only the fixture's


def test_api_messages_follow_accept_language(client, app):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("nb"):
        norwegian = gettext("Wrong e-mail or password.")
    wrong = {"email": "nobody@example.no", "password": "wrong-password-1"}
    for header, expected in (({"Accept-Language": "en-GB,en;q=0.8"}, "Wrong e-mail or password."),
                             ({"Accept-Language": "nb-NO,nb;q=0.9"}, norwegian), ({}, norwegian)):
        assert client.post("/api/v1/tokens", json=wrong, headers=header).get_json()["error"]["message"] == expected


def test_inactive_user_gets_no_token(client, make_user):
    user = make_user(active=False)
    assert_error(client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}), 401)


def test_token_is_stored_hashed(client, people):
    secret = client.post("/api/v1/tokens", json={"email": people["staff"].email, "password": PASSWORD}
                         ).get_json()["token"]
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert count(ApiToken, ApiToken.token_hash == digest) == 1
    for row in db.session.execute(sa.select(ApiToken.__table__)).all():
        assert all(secret not in str(value) for value in row)


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-real-token", "Token abc",
])
def test_missing_or_invalid_token_is_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    assert_error(client.get("/api/v1/me", headers=headers), 401, "not_authenticated")


def test_expired_token_is_401(api, people):
    staff = people["staff"]
    assert api.get("/api/v1/me", staff).status_code == 200
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == staff.id))
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert_error(api.get("/api/v1/me", staff), 401, "not_authenticated")


def test_token_of_a_deactivated_user_stops_working(api, people):
    staff = people["staff"]
    assert api.get("/api/v1/me", staff).status_code == 200
    staff.active = False
    db.session.commit()
    assert_error(api.get("/api/v1/me", staff), 401)


def test_api_ignores_the_session_cookie(client, auth, people):
    """The API authenticates by bearer token only; a browser session is not enough."""
    auth.login(people["admin"])
    assert_error(client.get("/api/v1/me"), 401)


# --- me -----------------------------------------------------------------------------------------

def test_me(api, people, make_org):
    other = make_org(name="NAV Fjordbyen")
    leader = people["leader"]
    db.session.add(Membership(user_id=leader.id, organisation_id=other.id, role="viewer"))
    db.session.commit()
    body = api.get("/api/v1/me", leader).get_json()
    assert {"id", "email", "name", "global_roles", "memberships"} <= set(body)
    assert (body["id"], body["email"], body["name"]) == (leader.id, leader.email, leader.name)
    assert body["global_roles"] == []
    assert sorted(body["memberships"], key=lambda m: m["organisation_id"]) == sorted([
        {"organisation_id": people["org"].id, "role": "leader"},
        {"organisation_id": other.id, "role": "viewer"},
    ], key=lambda m: m["organisation_id"])


def test_me_lists_global_roles(api, make_user):
    user = make_user(roles=("coordinator", "revisor"))
    assert api.get("/api/v1/me", user).get_json()["global_roles"] == ["coordinator", "revisor"]


# --- users --------------------------------------------------------------------------------------

@pytest.mark.parametrize("creator", ["admin", "coordinator"])
def test_create_user(api, people, creator):
    body = {"email": "Ny.Revisor@Example.no", "name": "Ny Revisor", "password": GOOD_PASSWORD,
            "global_roles": ["revisor"]}
    response = api.post("/api/v1/users", people[creator], json=body)
    assert response.status_code == 201
    created = response.get_json()
    assert {"id", "email", "name", "global_roles"} <= set(created)
    assert created["email"] == "ny.revisor@example.no"
    assert created["global_roles"] == ["revisor"]
    user = db.session.get(User, created["id"])
    assert user.is_revisor and user.name == "Ny Revisor"
    assert count(AuditEvent, AuditEvent.action == "user.created", AuditEvent.object_id == user.id) == 1
    token = api.client.post("/api/v1/tokens", json={"email": "ny.revisor@example.no", "password": GOOD_PASSWORD})
    assert token.status_code == 201


def test_create_user_without_roles(api, people):
    response = api.post("/api/v1/users", people["admin"],
                        json={"email": "vanlig@example.no", "name": "Vanlig", "password": GOOD_PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["global_roles"] == []


def test_only_an_admin_makes_admins(api, people):
    body = {"email": "ny.admin@example.no", "name": "Ny", "password": GOOD_PASSWORD, "global_roles": ["admin"]}
    before = snapshot()
    assert_error(api.post("/api/v1/users", people["coordinator"], json=body), 403)
    assert snapshot() == before
    assert api.post("/api/v1/users", people["admin"], json=body).status_code == 201


@pytest.mark.parametrize("email", ["Person.Dup@example.no", "person.dup@example.no", "PERSON.DUP@EXAMPLE.NO",
                                   " person.dup@example.no "])
def test_duplicate_email_regardless_of_case(api, people, make_user, email):
    make_user(email="person.dup@example.no")
    before = snapshot()
    error = assert_error(api.post("/api/v1/users", people["admin"],
                                  json={"email": email, "name": "Dup", "password": GOOD_PASSWORD}), 422)
    assert "email" in error["fields"]
    assert snapshot() == before


def test_get_user(api, people):
    staff = people["staff"]
    body = api.get(f"/api/v1/users/{staff.id}", people["admin"]).get_json()
    assert (body["id"], body["email"]) == (staff.id, staff.email)
    assert api.get(f"/api/v1/users/{staff.id}", staff).status_code == 200
    assert_error(api.get(f"/api/v1/users/{people['admin'].id}", staff), 403)
    assert_error(api.get("/api/v1/users/999999", people["admin"]), 404)


# --- organisations ------------------------------------------------------------------------------

def test_create_organisation(api, people):
    response = api.post("/api/v1/organisations", people["coordinator"], json={"name": "  Nytt   Team  "})
    assert response.status_code == 201
    body = response.get_json()
    assert {"id", "name"} <= set(body)
    assert body["name"] == "Nytt Team"
    assert db.session.get(Organisation, body["id"]).name == "Nytt Team"
    assert count(AuditEvent, AuditEvent.action == "organisation.created", AuditEvent.organisation_id == body["id"]) == 1
    listed = api.get("/api/v1/organisations", people["coordinator"]).get_json()
    assert {"id": body["id"], "name": "Nytt Team"} in listed


def test_new_organisations_get_the_configured_anonymity_threshold(app, api, people):
    app.config["ANONYMITY_THRESHOLD"] = 5
    body = api.post("/api/v1/organisations", people["admin"], json={"name": "Terskel AS"}).get_json()
    assert db.session.get(Organisation, body["id"]).anonymity_threshold == 5


def test_organisation_name_is_unique_regardless_of_case(api, people):
    before = snapshot()
    error = assert_error(api.post("/api/v1/organisations", people["admin"], json={"name": "JOBBVEI as"}), 422)
    assert "name" in error["fields"]
    assert snapshot() == before


def test_get_organisation(api, people):
    org = people["org"]
    body = api.get(f"/api/v1/organisations/{org.id}", people["staff"]).get_json()
    assert (body["id"], body["name"]) == (org.id, "Jobbvei AS")


def test_list_organisations_shows_only_own_to_members(api, people, make_org):
    make_org(name="Annen organisasjon")
    names = [o["name"] for o in api.get("/api/v1/organisations", people["staff"]).get_json()]
    assert names == ["Jobbvei AS"]
    assert len(api.get("/api/v1/organisations", people["admin"]).get_json()) == 2


@pytest.mark.parametrize("path", ["/api/v1/organisations/999999", "/api/v1/organisations/999999/members",
                                  "/api/v1/organisations/999999/audit-events",
                                  "/api/v1/organisations/99999999999999999999999"])
def test_unknown_organisation_is_404(api, people, path):
    assert_error(api.get(path, people["admin"]), 404, "not_found")


# --- members ------------------------------------------------------------------------------------

@pytest.mark.parametrize("adder", ["admin", "coordinator"])
def test_add_member(api, people, adder):
    org, outsider = people["org"], people["outsider"]
    response = api.post(f"/api/v1/organisations/{org.id}/members", people[adder],
                        json={"user_id": outsider.id, "role": "viewer"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["user_id"], body["organisation_id"], body["role"]) == (outsider.id, org.id, "viewer")
    assert count(Membership, Membership.user_id == outsider.id, Membership.organisation_id == org.id) == 1
    assert count(AuditEvent, AuditEvent.action == "membership.added", AuditEvent.organisation_id == org.id) == 1
    members = api.get(f"/api/v1/organisations/{org.id}/members", people[adder]).get_json()
    assert {m["user_id"]: m["role"] for m in members}[outsider.id] == "viewer"


@pytest.mark.parametrize("role", ["org_admin", "leader", "staff", "viewer"])
def test_every_member_role_is_accepted(api, people, role):
    response = api.post(f"/api/v1/organisations/{people['org'].id}/members", people["admin"],
                        json={"user_id": people["outsider"].id, "role": role})
    assert response.status_code == 201
    assert response.get_json()["role"] == role


def test_adding_an_existing_member_again_is_a_conflict(api, people):
    before = snapshot()
    response = api.post(f"/api/v1/organisations/{people['org'].id}/members", people["admin"],
                        json={"user_id": people["staff"].id, "role": "leader"})
    assert_error(response, 409)
    assert snapshot() == before


def test_members_list(api, people):
    members = api.get(f"/api/v1/organisations/{people['org'].id}/members", people["org_admin"]).get_json()
    assert {m["user_id"]: m["role"] for m in members} == {
        people["org_admin"].id: "org_admin", people["leader"].id: "leader", people["staff"].id: "staff"}
    assert all({"user_id", "role"} <= set(m) for m in members)


# --- audit events -------------------------------------------------------------------------------

def test_audit_events(api, people):
    org, admin = people["org"], people["admin"]
    api.post(f"/api/v1/organisations/{org.id}/members", admin, json={"user_id": people["outsider"].id,
                                                                     "role": "staff"})
    events = api.get(f"/api/v1/organisations/{org.id}/audit-events", people["leader"]).get_json()
    assert len(events) == 1
    event = events[0]
    assert set(event) >= {"at", "actor_id", "action", "object_type", "object_id", "summary"}
    assert ISO_UTC.match(event["at"])
    assert (event["actor_id"], event["action"], event["object_type"]) == (admin.id, "membership.added", "membership")
    assert people["outsider"].email in event["summary"]


def test_audit_events_newest_first_and_limited(api, people, make_user):
    org, admin = people["org"], people["admin"]
    for _ in range(3):
        api.post(f"/api/v1/organisations/{org.id}/members", admin, json={"user_id": make_user().id, "role": "staff"})
    events = api.get(f"/api/v1/organisations/{org.id}/audit-events", admin).get_json()
    assert len(events) == 3
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    assert len(api.get(f"/api/v1/organisations/{org.id}/audit-events?limit=2", admin).get_json()) == 2
    for bad in ("0", "-1", "abc", "1001", "99999999999999999999"):
        assert_error(api.get(f"/api/v1/organisations/{org.id}/audit-events?limit={bad}", admin), 422)


def test_audit_events_only_of_this_organisation(api, people, make_org):
    other = make_org()
    api.post(f"/api/v1/organisations/{other.id}/members", people["admin"],
             json={"user_id": people["outsider"].id, "role": "staff"})
    assert api.get(f"/api/v1/organisations/{people['org'].id}/audit-events", people["leader"]).get_json() == []


# --- bad input: clear errors, nothing changed ---------------------------------------------------

LONG = "x" * 10_000

BAD_BODIES = [
    # (endpoint, body, status, field that must be named — None when the body as a whole is wrong)
    ("users", {"email": "a@example.no", "name": "A"}, 422, "password"),
    ("users", {"name": "A", "password": GOOD_PASSWORD}, 422, "email"),
    ("users", {"email": "a@example.no", "name": 5, "password": GOOD_PASSWORD}, 422, "name"),
    ("users", {"email": "a@example.no", "name": None, "password": GOOD_PASSWORD}, 422, "name"),
    ("users", {"email": "a@example.no", "name": LONG, "password": GOOD_PASSWORD}, 422, "name"),
    ("users", {"email": LONG + "@example.no", "name": "A", "password": GOOD_PASSWORD}, 422, "email"),
    ("users", {"email": "not-an-address", "name": "A", "password": GOOD_PASSWORD}, 422, "email"),
    ("users", {"email": "a@example.no", "name": "A", "password": LONG}, 422, "password"),
    ("users", {"email": "a@example.no", "name": "A", "password": "short"}, 422, "password"),
    ("users", {"email": "a@example.no", "name": "   ", "password": GOOD_PASSWORD}, 422, "name"),
    ("users", {"email": "a@example.no", "name": "A", "password": GOOD_PASSWORD,
               "global_roles": ["superuser"]}, 422, "global_roles"),
    ("users", {"email": "a@example.no", "name": "A", "password": GOOD_PASSWORD, "global_roles": "revisor"},
     422, "global_roles"),
    ("users", {"email": "a@example.no", "name": "A", "password": GOOD_PASSWORD, "is_admin": True}, 422, "is_admin"),
    ("users", {"email": "a@example.no", "name": "A\u0000", "password": GOOD_PASSWORD}, 422, "name"),
    ("organisations", {}, 422, "name"),
    ("organisations", {"name": ""}, 422, "name"),
    ("organisations", {"name": 42}, 422, "name"),
    ("organisations", {"name": ["Liste"]}, 422, "name"),
    ("organisations", {"name": LONG}, 422, "name"),
    ("organisations", {"name": "Ok", "id": 7}, 422, "id"),
    ("organisations", ["name"], 422, None),
    ("organisations", "Jobbvei", 422, None),
    ("members", {"role": "staff"}, 422, "user_id"),
    ("members", {"user_id": "{outsider}"}, 422, "role"),
    ("members", {"user_id": "{outsider}", "role": "boss"}, 422, "role"),
    ("members", {"user_id": "abc", "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": True, "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": 1.5, "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": 99_999_999, "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": 2**70, "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": -1, "role": "staff"}, 422, "user_id"),
    ("members", {"user_id": "{outsider}", "role": "staff", "note": "x"}, 422, "note"),
    ("tokens", {"email": "a@example.no"}, 422, "password"),
    ("tokens", {"email": LONG, "password": "x"}, 422, "email"),
    ("tokens", {"email": "a@example.no", "password": 12345}, 422, "password"),
    ("tokens", {"email": "a@example.no", "password": "x", "remember": True}, 422, "remember"),
]


def _path(endpoint: str, people) -> str:
    return {"users": "/api/v1/users", "organisations": "/api/v1/organisations", "tokens": "/api/v1/tokens",
            "members": f"/api/v1/organisations/{people['org'].id}/members"}[endpoint]


def _fill(body, people):
    if isinstance(body, dict):
        return {k: people["outsider"].id if v == "{outsider}" else v for k, v in body.items()}
    return body


@pytest.mark.parametrize("endpoint", ["users", "organisations", "members", "tokens"])
def test_bad_bodies_are_refused_and_change_nothing(api, people, endpoint):
    caller = None if endpoint == "tokens" else people["admin"]
    cases = [case for case in BAD_BODIES if case[0] == endpoint]
    assert cases
    for _endpoint, body, status, field in cases:
        before = snapshot()
        response = api.post(_path(endpoint, people), caller, json=_fill(body, people))
        error = assert_error(response, status)
        if field is not None:
            assert any(name == field or name.startswith(f"{field}.") for name in error.get("fields", {})), \
                (body, error)
        assert snapshot() == before, body


MALFORMED = ['{"name": ', "{'name': 'x'}", '{"name": "x"', "null x", "\xff\xfe", "{" * 5000]


@pytest.mark.parametrize("endpoint", ["users", "organisations", "members", "tokens"])
def test_malformed_json_is_400(api, people, endpoint):
    caller = None if endpoint == "tokens" else people["admin"]
    before = snapshot()
    for raw in MALFORMED:
        response = api.post(_path(endpoint, people), caller, data=raw.encode("latin-1"),
                            content_type="application/json")
        assert_error(response, 400)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ["users", "organisations", "members", "tokens"])
def test_json_that_is_not_an_object_is_422(api, people, endpoint):
    caller = None if endpoint == "tokens" else people["admin"]
    before = snapshot()
    for raw in ("null", "[]", '"text"', "42", "true"):
        response = api.post(_path(endpoint, people), caller, data=raw, content_type="application/json")
        assert_error(response, 422)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ["users", "organisations", "members"])
def test_a_body_that_is_not_json_is_refused(api, people, endpoint):
    before = snapshot()
    for kwargs in ({"data": {"name": "Skjema"}}, {}, {"data": "name=x", "content_type": "text/plain"}):
        response = api.post(_path(endpoint, people), people["admin"], **kwargs)
        assert response.status_code in (400, 415), kwargs
        assert_error(response, response.status_code)
    assert snapshot() == before


def test_unknown_user_for_members_changes_nothing(api, people):
    before = snapshot()
    error = assert_error(api.post(_path("members", people), people["admin"],
                                  json={"user_id": 424242, "role": "staff"}), 422)
    assert "user_id" in error["fields"]
    assert snapshot() == before


def test_members_of_unknown_organisation_is_404(api, people):
    before = snapshot()
    assert_error(api.post("/api/v1/organisations/424242/members", people["admin"],
                          json={"user_id": people["outsider"].id, "role": "staff"}), 404)
    assert snapshot() == before


def test_unknown_api_path_and_method(api, people):
    assert_error(api.get("/api/v1/nothing-here", people["admin"]), 404, "not_found")
    assert_error(api.delete("/api/v1/organisations", people["admin"]), 405)


# --- OpenAPI ------------------------------------------------------------------------------------

def test_openapi_document_lists_every_operation(client):
    from seqf.api.core import REGISTRY, openapi_path

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    assert REGISTRY
    for op in REGISTRY:
        path = openapi_path(op.rule)
        assert path in document["paths"], path
        entry = document["paths"][path][op.method.lower()]
        assert str(op.status) in entry["responses"]
        if op.auth:
            assert "401" in entry["responses"]
            assert entry["security"] == [{"bearer": []}]
    assert "bearer" in document["components"]["securitySchemes"]


def test_openapi_references_resolve(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', str(document).replace("'", '"'))
    assert refs
    assert all(ref in schemas for ref in refs)


def test_openapi_describes_the_people_contract(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in [("/tokens", "post"), ("/me", "get"), ("/users", "post"), ("/organisations", "post"),
                         ("/organisations/{org}/members", "post"), ("/organisations/{org}/audit-events", "get")]:
        assert method in paths[path], (path, method)
    assert paths["/tokens"]["post"]["responses"].keys() >= {"201", "401", "400", "422"}
    parameters = paths["/organisations/{org}/members"]["post"]["parameters"]
    assert {"name": "org", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}} in parameters
