"""Every route, not a sample: ids out of range answer 404 (never 500), every answer is
``Cache-Control: no-store`` except the shareable ones, and a body over the limit sent to the API
answers 413 in the API's JSON error shape.

The routes are read from the URL map, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import pytest

from seqf.caching import SHAREABLE
from seqf.urls import MAX_ID

OUT_OF_RANGE = ["0", str(MAX_ID + 1), "9" * 30]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def is_id(converter) -> bool:
    return type(converter).__name__ == "BoundedIntegerConverter"


def id_routes(app):
    """(rule, method, names of the id arguments) for every route with an integer argument."""
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if is_id(converter)]
        if not ids or rule.endpoint in SHAREABLE:
            continue
        for method in sorted((rule.methods or set()) & set(METHODS)):
            yield rule, method, ids


def path_with(rule, bad: str) -> str:
    """The rule's path with every argument replaced: ids by ``bad``, other arguments by a plain word."""
    path = rule.rule
    for converter in rule._converters.values():
        start = path.index("<")
        end = path.index(">", start)
        path = path[:start] + (bad if is_id(converter) else "x") + path[end + 1:]
    return path


@pytest.fixture
def admin(make_org, make_user):
    org = make_org(name="Feiing AS")
    return make_user(roles=("admin",), org=org, member_role="org_admin", name="Ada Admin")


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_every_route_answers_404_for_ids_out_of_range(app, client, auth, api, admin, bad):
    auth.login(admin)
    token = api.token(admin)
    routes = list(id_routes(app))
    assert len(routes) >= 40  # pages and API alike
    failures = []
    for rule, method, _ids in routes:
        path = path_with(rule, bad)
        if path.startswith("/api/"):
            response = client.open(path, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
        else:
            response = client.open(path, method=method, data={})
        if response.status_code != 404:
            failures.append((method, path, response.status_code))
        elif path.startswith("/api/") and response.get_json()["error"]["code"] != "not_found":
            failures.append((method, path, response.get_json()))
        if response.headers.get("Cache-Control") != "no-store":
            failures.append((method, path, "Cache-Control", response.headers.get("Cache-Control")))
    assert not failures, failures


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 64 * 1024, "EVIDENCE_MAX_BYTES": 32 * 1024}


def test_a_body_over_the_limit_gets_413_as_json_from_the_api(client, api, admin):
    org_id = admin.memberships[0].organisation_id
    too_big = b"x" * (80 * 1024)
    headers = {"Authorization": f"Bearer {api.token(admin)}"}
    for response in (
        client.post(f"/api/v1/organisations/{org_id}/evidence", headers=headers, content_type="multipart/form-data",
                    data={"title": "Stor", "file": (__import__("io").BytesIO(too_big), "stor.pdf")}),
        client.post(f"/api/v1/organisations/{org_id}/evidence", headers=headers,
                    data=b'{"title": "' + too_big + b'"}', content_type="application/json"),
        client.put("/api/v1/rounds/1/my-response", headers=headers, data=too_big, content_type="application/json"),
    ):
        assert response.status_code == 413
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] == "file_too_large"
        assert response.headers["Cache-Control"] == "no-store"


# --- the answers carry no field the document does not describe --------------------------------------

def _undocumented(value, schema: dict, components: dict, path: str = "$") -> list[str]:
    """Keys in ``value`` that ``schema`` does not list (recursively; ``$ref``, ``anyOf`` resolved)."""
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        found = [_undocumented(value, option, components, path) for option in options
                 if _fits(value, option, components)]
        return min(found, key=len) if found else []
    if isinstance(value, dict) and ("properties" in schema or "additionalProperties" in schema):
        missing = []
        for key, item in value.items():
            if key in schema.get("properties", {}):
                missing += _undocumented(item, schema["properties"][key], components, f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                missing += _undocumented(item, schema["additionalProperties"], components, f"{path}.{key}")
            elif schema.get("additionalProperties") is not True:
                missing.append(f"{path}.{key}")
        return missing
    if isinstance(value, list) and "items" in schema:
        return [m for i, item in enumerate(value[:5]) for m in _undocumented(item, schema["items"], components,
                                                                             f"{path}[{i}]")]
    return []


def _fits(value, schema: dict, components: dict) -> bool:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    kind = schema.get("type")
    return {"object": isinstance(value, dict), "array": isinstance(value, list), "null": value is None,
            "string": isinstance(value, str), "integer": isinstance(value, int), "boolean": isinstance(value, bool),
            "number": isinstance(value, int | float)}.get(kind, True)


def test_every_answer_is_described_by_the_document(client, api, make_org, make_user):
    from seqf.extensions import db
    from seqf.services import evidence as evidence_service
    from seqf.services import rounds as round_service
    from tests.web.round_helpers import SEQF_AREAS, answer, make_team, open_round

    org, leader, staff = make_team(make_org, make_user, staff=3)
    admin = make_user(roles=("admin",), org=org, member_role="org_admin", name="Ada Admin")
    closed = open_round(leader, org, title="Høsten", participant_ids=[s.id for s in staff])
    for person in staff:
        answer(person, closed, {code: 2 for code in SEQF_AREAS}, comments={"1": "Bra"})
    round_service.close_round(leader, closed)
    db.session.commit()
    current = open_round(leader, org, title="Våren", participant_ids=[admin.id, *(s.id for s in staff)])
    item = evidence_service.add_link_evidence(admin, org, title="EUSE", url="https://example.no/euse")
    db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    assert api.put(f"/api/v1/rounds/{closed.id}/consensus", leader, json={"areas": [
        {"area": "1", "steps": [{"step": 1, "met": True}], "justification": "Enige", "version": 0}]}).status_code == 200
    assert api.put(f"/api/v1/rounds/{current.id}/my-response", admin, json={"answers": [
        {"area": "1", "steps": [{"step": 1, "met": True}], "version": 0}]}).status_code == 200
    assert api.post(f"/api/v1/organisations/{org.id}/invitations", admin,
                    json={"email": "ny@example.no", "role": "staff"}).status_code == 201
    calls = [("get", "/me", admin), ("get", "/tokens", admin), ("get", f"/organisations/{org.id}/members", admin),
             ("get", f"/organisations/{org.id}/invitations", admin),
             ("get", f"/organisations/{org.id}/evidence", admin),
             ("get", f"/evidence/{item.id}", admin), ("get", f"/organisations/{org.id}/audit-events", admin),
             ("get", f"/rounds/{current.id}", admin), ("get", f"/rounds/{current.id}/my-response", admin),
             ("get", f"/rounds/{current.id}/participants", admin), ("get", f"/rounds/{closed.id}/summary", leader),
             ("get", f"/rounds/{current.id}/summary", leader), ("get", f"/rounds/{closed.id}/consensus", leader),
             ("get", f"/rounds/{closed.id}/results", leader), ("get", f"/organisations/{org.id}/rounds", leader),
             ("get", "/instruments", admin), ("get", "/instruments/seqf", admin)]
    # the checker itself finds an extra key, also nested and behind a reference
    probe = {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Error"}}}
    assert _undocumented({"a": {"error": {"code": "x", "message": "y", "extra": 1}}}, probe, components) == [
        "$.a.error.extra"]
    problems = []
    for method, path, user in calls:
        response = getattr(api, method)("/api/v1" + path, user)
        assert response.status_code == 200, (path, response.get_json())
        template = next((p for p in document["paths"] if _matches(p, path)), None)
        assert template is not None, path
        schema = document["paths"][template][method]["responses"]["200"]["content"]["application/json"]["schema"]
        problems += [f"GET {template}: {key}" for key in _undocumented(response.get_json(), schema, components)]
    assert not problems, problems


def _matches(template: str, path: str) -> bool:
    import re

    return re.fullmatch(re.sub(r"\{[^}]+\}", r"[^/]+", template), path) is not None and \
        template.count("/") == path.count("/")
