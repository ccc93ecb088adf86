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
