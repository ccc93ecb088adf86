"""The contract around the API and pages: the OpenAPI generator, caching, ids out of range.

The generated document is exercised operation by operation in ``test_openapi_schemathesis.py``;
here are the rules of the generator itself (unique schema names, derived statuses, typed
parameters, upload bodies), ``Cache-Control: no-store`` on personal answers and exports, and 404 for
ids no database row can have.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from seqf.api import core, openapi
from seqf.extensions import db
from seqf.services import evidence as evidence_service
from seqf.urls import MAX_ID, digits_up_to
from tests.web import round_helpers
from tests.web.round_helpers import close, make_team, open_round


def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


# --- the generator --------------------------------------------------------------------------------

class RoundOut(BaseModel):  # same name as seqf.api.round_schemas.RoundOut, a different class
    id: int


class Wrapper(BaseModel):
    rounds: list[RoundOut]


@pytest.fixture
def extra_operation():
    """Append a declared operation to the registry for one test (no route: only the document)."""
    added: list[core.Operation] = []

    def add(**fields) -> core.Operation:
        op = core.Operation(**{"rule": "/test-only", "method": "GET", "endpoint": "test_only", "summary": "t",
                               "tag": "test", **fields})
        core.REGISTRY.append(op)
        added.append(op)
        return op

    yield add
    for op in added:
        core.REGISTRY.remove(op)


@pytest.mark.parametrize("model", [RoundOut, list[RoundOut], Wrapper])
def test_two_models_with_one_name_fail_the_generator(app, extra_operation, model):
    extra_operation(response=model)
    with pytest.raises(openapi.DuplicateSchemaName, match="RoundOut"):
        openapi.build_document()


def test_schema_names_are_unique_across_the_registry(client):
    owners: dict[str, type] = {}
    for op in core.REGISTRY:
        for tp in (op.body, op.response, *op.bodies.values()):
            for model in openapi._models(tp):
                assert owners.setdefault(model.__name__, model) is model, model.__name__
    schemas = document(client)["components"]["schemas"]
    assert set(owners) <= set(schemas)
    assert {"InstrumentStepOut", "StepOut"} <= set(schemas)  # the two "StepOut"s, told apart


def test_every_reference_resolves_and_every_error_has_the_error_shape(client):
    doc = document(client)
    refs = set(re.findall(r"#/components/schemas/([A-Za-z0-9_.-]+)", str(doc)))
    assert refs <= set(doc["components"]["schemas"])
    error = doc["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    for path, item in doc["paths"].items():
        for method, entry in item.items():
            for status, answer in entry["responses"].items():
                if int(status) >= 400:
                    assert answer["content"] == {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}, (method, path, status)


def test_statuses_are_derived_from_what_the_request_carries(client):
    paths = document(client)["paths"]
    for op in core.REGISTRY:
        responses = set(paths[core.openapi_path(op.rule)][op.method.lower()]["responses"])
        assert str(op.status) in responses
        assert ("401" in responses) == (op.auth or 401 in op.errors), op.rule
        if "<" in op.rule:
            assert "404" in responses, op.rule
        if op.body is not None or op.bodies:
            assert {"400", "413", "415", "422"} <= responses, op.rule
        if op.query:
            assert {"400", "422"} <= responses, op.rule
        assert {str(code) for code in op.errors} <= responses
    assert "429" in paths["/tokens"]["post"]["responses"]
    assert "409" in paths["/rounds/{round_id}/close"]["post"]["responses"]


def test_no_content_answers_are_documented_without_a_body(app, extra_operation):
    op = extra_operation(method="DELETE", status=204, errors=(403,))
    entry = openapi.build_document()["paths"]["/test-only"]["delete"]
    assert entry["responses"]["204"] == {"description": "Done; no body"}
    assert openapi.statuses_of(op) == [401, 403]


def test_parameters_are_typed(client):
    paths = document(client)["paths"]
    for path, item in paths.items():
        for entry in item.values():
            for param in entry.get("parameters", []):
                if param["in"] == "path" and param["name"] not in ("slug", "code"):
                    assert param["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}, path
    listing = {p["name"]: p["schema"] for p in paths["/organisations/{org}/evidence"]["get"]["parameters"]}
    assert listing["limit"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert listing["step"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert listing["kind"] == {"type": "string", "enum": ["file", "link"]}
    assert listing["archived"] == {"type": "boolean"}
    version = paths["/evidence/{evidence_id}/file"]["get"]["parameters"][1]
    assert version["name"] == "version" and version["schema"]["type"] == "integer"
    lang = paths["/instruments"]["get"]["parameters"][0]
    assert lang["schema"] == {"type": "string", "enum": ["nb", "en"]}


def test_uploads_and_downloads_are_described(client):
    doc = document(client)
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    create = paths["/organisations/{org}/evidence"]["post"]["requestBody"]["content"]
    assert set(create) == {"multipart/form-data", "application/json"}
    upload = schemas[create["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"file", "title", "description"} <= set(upload["properties"])
    assert upload["properties"]["file"] == {"format": "binary", "title": "File", "type": "string"}
    assert {"file", "title"} <= set(upload["required"])
    assert schemas[create["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]["required"] == ["title", "url"]
    new_version = paths["/evidence/{evidence_id}/file"]["post"]["requestBody"]["content"]
    assert set(new_version) == {"multipart/form-data"}
    download = paths["/evidence/{evidence_id}/file"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "text/csv", "image/png",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(download)
    assert "application/json" not in download


# --- Cache-Control ----------------------------------------------------------------------------------

@pytest.fixture
def team_round(app, make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=3)
    round_ = open_round(leader, org, participant_ids=[leader.id, *(s.id for s in staff)])
    item = evidence_service.add_file_evidence(leader, org, title="Rutine", filename="rutine.txt",
                                              data=b"Slik gjor vi det.\n")
    db.session.commit()
    return org, leader, round_, item


def test_personal_api_answers_and_downloads_are_not_stored(api, team_round, make_user):
    org, leader, round_, item = team_round
    token = api.client.post("/api/v1/tokens", json={"email": leader.email, "password": "riktig-hest-batteri-stift"})
    assert token.status_code == 201 and token.headers["Cache-Control"] == "no-store"
    for path in ("/api/v1/me", f"/api/v1/rounds/{round_.id}/my-response", f"/api/v1/evidence/{item.id}/file",
                 f"/api/v1/organisations/{org.id}/evidence", f"/api/v1/rounds/{round_.id}/participants"):
        response = api.get(path, leader)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert api.get("/api/v1/me").headers["Cache-Control"] == "no-store"  # 401 too
    assert api.put(f"/api/v1/rounds/{round_.id}/my-response", leader,
                   json={"answers": []}).headers["Cache-Control"] == "no-store"


def test_personal_pages_and_exports_are_not_stored(client, auth, team_round):
    org, leader, round_, item = team_round
    auth.login(leader)
    for path in (f"/rounds/{round_.id}/fill", f"/rounds/{round_.id}/submit", "/profile", "/dashboard",
                 f"/organisations/{org.id}/evidence/{item.id}/files/1"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    for participant in round_.participants:  # exports exist once a closed round released its figures
        if participant.user_id != leader.id:
            round_helpers.answer(participant.user, round_, {"1": 2})
    close(leader, round_)
    for path in (f"/rounds/{round_.id}/export.csv", f"/rounds/{round_.id}/export.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert client.get(f"/rounds/{round_.id}/export.csv").mimetype == "text/csv"


def test_the_public_document_and_static_files_may_be_cached(client):
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")
    with client.get("/static/css/seqf.css") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")


# --- ids out of range ------------------------------------------------------------------------------

OUT_OF_RANGE = ["0", "-1", "007", str(MAX_ID + 1), str(2**63 - 1), str(2**63), "9" * 40]


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_ids_out_of_range_are_not_found_on_pages_and_api(client, api, auth, team_round, bad):
    org, leader, round_, item = team_round
    auth.login(leader)
    for path in (f"/organisations/{bad}", f"/rounds/{bad}/fill", f"/organisations/{org.id}/evidence/{bad}",
                 f"/organisations/{org.id}/evidence/{item.id}/files/{bad}"):
        assert client.get(path).status_code == 404, path
    for method, path in (("GET", f"/api/v1/rounds/{bad}"), ("PUT", f"/api/v1/rounds/{bad}/my-response"),
                         ("GET", f"/api/v1/evidence/{bad}/file"), ("POST", f"/api/v1/organisations/{bad}/members"),
                         ("PATCH", f"/api/v1/evidence/{bad}")):
        response = api._call(method, path, leader, json={})
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.get_json()["error"]["code"] == "not_found"


@settings(max_examples=200, deadline=None, database=None)
@given(limit=st.integers(1, 2**63 - 1), data=st.data())
def test_the_id_pattern_matches_exactly_one_to_the_limit(limit, data):
    number = data.draw(st.one_of(st.integers(-10, limit * 2), st.integers(limit - 3, limit + 3)))
    pattern = re.compile(rf"(?:{digits_up_to(limit)})\Z")
    assert bool(pattern.match(str(number))) == (1 <= number <= limit)
    assert pattern.match(str(limit)) and not pattern.match(str(limit + 1)) and not pattern.match("0")
