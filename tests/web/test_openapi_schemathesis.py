"""Schemathesis over every operation in ``/api/v1/openapi.json``: the server keeps its own contract.

The schema is loaded from the app (WSGI, in-process) and every operation it lists is exercised, so
operations added later are covered without touching this file. The caller is a platform admin who
is also organisation admin and participant in an organisation with an open and a closed round, a
file and a link in the evidence library and an own quality area. Most generated cases aim at
those real ids, the rest at generated ones (unknown ids, ids out of range), in valid (positive) and
invalid (negative) form. Each answer must be no server error, have a documented status, a
documented content type and a body that matches the documented schema.

Invalid input must get a documented 4xx; Schemathesis' ``negative_data_rejection`` is not used,
because the API is lenient on purpose in places (names are trimmed before their length is checked).

Run time is bounded (``MAX_EXAMPLES`` per operation and mode), generation is derandomised and the
Hypothesis example database is off, so every run sends the same requests.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from seqf.extensions import db
from seqf.services import evidence as evidence_service
from seqf.services import own_areas as own_area_service
from seqf.services import tokens
from tests.conftest import PASSWORD
from tests.web.round_helpers import SEQF_AREAS, answer, deadline, make_team, open_round

# more locally with SEQF_SCHEMATHESIS_EXAMPLES=200 (the committed run stays short)
MAX_EXAMPLES = int(os.environ.get("SEQF_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
RUN = settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
               phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.fixture
def world(app, make_org, make_user):
    """A small organisation with something behind every kind of id; returns the caller and path
    parameters that name real objects."""
    org, leader, staff = make_team(make_org, make_user, staff=3)
    caller = make_user(roles=("admin",), org=org, member_role="org_admin", name="Olga Orgadmin")
    own_area_service.create_own_area(caller, org, title="IPS", description="",
                                     steps=[{"title": f"Trinn {n}", "indicators": ["Gjort"]} for n in range(1, 6)])
    closed = open_round(leader, org, title="Høsten", participant_ids=[s.id for s in staff])
    for person in staff:
        answer(person, closed, {code: 2 for code in SEQF_AREAS})
    from seqf.services import rounds as round_service

    round_service.close_round(leader, closed)
    current = open_round(leader, org, title="Våren", participant_ids=[caller.id, *(s.id for s in staff)])
    file = evidence_service.add_file_evidence(caller, org, title="Rutine", filename="rutine.md",
                                              data="# Rutine\n\nSlik gjør vi det.\n".encode())
    link = evidence_service.add_link_evidence(caller, org, title="EUSE", url="https://example.no/euse")
    outsider = make_user(name="Nina Ny")
    db.session.commit()
    decided, drafting, certificate, slot = _reviews(org, caller, file)
    happy = _happy_cases(caller, outsider)
    real = [{"org": org.id, "round_id": current.id, "evidence_id": file.id, "user_id": caller.id,
             "slug": "seqf", "code": "1", "review_id": drafting.id, "slot_id": slot.id,
             "certificate_id": certificate.id},
            {"org": org.id, "round_id": closed.id, "evidence_id": link.id, "user_id": leader.id,
             "slug": "seqf", "code": "E1", "review_id": decided.id, "slot_id": slot.id,
             "certificate_id": certificate.id}]
    return caller, real, happy


def _reviews(org, caller, evidence):
    """A decided certification led by the caller, with its certificate, and a review in drafting
    that builds on it, with a visit slot: so the review endpoints have something real to answer.
    (The caller leads although a member: made directly, past the planning rule on conflicts.)"""
    import datetime as dt

    from seqf import clock
    from seqf.services import certification, publication, visit_agenda
    from tests.web.findings_helpers import record_all
    from tests.web.review_helpers import make_review

    decided = make_review(org, caller, starts_in_days=-40)
    record_all(decided, caller, evidence.id)
    publication.publish(caller, decided)
    certificate = certification.decide(caller, decided, "approved", clock.today())
    drafting = make_review(org, caller, previous_review_id=decided.id)
    record_all(drafting, caller, evidence.id)
    slot = visit_agenda.add_slot(caller, drafting, visit_agenda.SlotData(
        day=drafting.visit_starts_on, starts_at=dt.time(9), ends_at=dt.time(10), groups=["staff"]))
    db.session.commit()
    return decided, drafting, certificate, slot


def _happy_cases(caller, outsider) -> list[tuple[str, int, dict]]:
    """Requests that should succeed, sent once before the fuzzing: random bodies rarely pass the
    business rules, and without these the success answers of the writing operations would never be
    checked against their schemas. (label, which ``real`` ids to use, Case arguments)."""
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"  # judged by content: the part has no file name
    steps = [{"title": f"Trinn {n}", "indicators": ["Gjort"]} for n in range(1, 6)]
    return [
        ("POST /tokens", 0, {"body": {"email": caller.email, "password": PASSWORD}}),
        ("POST /organisations/{org}/rounds", 0, {"body": {"title": "Ekstra", "closes_on": str(deadline(30))}}),
        ("PUT /rounds/{round_id}/my-response", 0, {"body": {"answers": [
            {"area": code, "steps": [{"step": 1, "met": True}]} for code in SEQF_AREAS]}}),
        ("POST /rounds/{round_id}/my-response/submit", 0, {}),
        ("PUT /rounds/{round_id}/consensus", 1, {"body": {"areas": [{"area": "1", "steps": [
            {"step": 1, "met": True}, {"step": 2, "met": True}]}]}}),
        ("POST /organisations/{org}/own-areas", 0, {"body": {"title": "Egen", "steps": steps}}),
        ("POST /organisations/{org}/evidence", 0, {"body": {"title": "Lenke", "url": "https://example.no/x"}}),
        ("POST /organisations/{org}/evidence", 0, {"body": {"file": pdf, "title": "Fil", "description": "Ny"},
                                                   "media_type": "multipart/form-data"}),
        ("POST /evidence/{evidence_id}/file", 0, {"body": {"file": pdf}, "media_type": "multipart/form-data"}),
        ("POST /organisations/{org}/members", 0, {"body": {"user_id": outsider.id, "role": "staff"}}),
    ]


def _send_happy(operations: dict, happy: list, real: list[dict], token: str, seen: dict) -> tuple[list, list]:
    failures, succeeded = [], []
    for label, which, arguments in happy:
        operation = operations.get(label)
        if operation is None:  # renamed or removed since: the fuzzing still covers what is there
            continue
        ids = {p.name: real[which][p.name] for p in operation.path_parameters}
        if "body" in arguments:
            arguments = {"media_type": "application/json", **arguments}
        case = operation.Case(path_parameters=ids, headers={"Authorization": f"Bearer {token}"}, **arguments)
        try:
            response = case.call_and_validate(checks=CHECKS)
        except FailureGroup as exc:
            failures.append(f"{label} [happy]: {str(exc)[:3000]}")
            continue
        finally:
            db.session.rollback()
        seen.setdefault(label, set()).add(response.status_code)
        if 200 <= response.status_code < 300:
            succeeded.append(label)
    return failures, succeeded


def _strategy(operation, mode: GenerationMode, real: list[dict]):
    names = {p.name for p in operation.path_parameters}
    generated = operation.as_strategy(generation_mode=mode)
    if not names or not names <= set(real[0]):
        return generated
    aimed = [operation.as_strategy(generation_mode=mode, path_parameters={n: ids[n] for n in names})
             for ids in real]
    return st.one_of(*aimed, generated)


def _exercise(operation, token: str, real: list[dict], mode: GenerationMode, seen: set[int]) -> list[str]:
    @RUN
    @given(case=_strategy(operation, mode, real))
    def run(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call_and_validate(checks=CHECKS)
        seen.add(response.status_code)

    try:
        run()
    except (FailureGroup, AssertionError, BaseExceptionGroup) as exc:  # the shrunk example(s)
        return [f"{operation.label} [{mode.value}]: {str(exc)[:3000]}"]
    finally:
        db.session.rollback()
    return []


def _fresh_token(user) -> str:
    """A new token for each operation: one that revokes tokens or logs out everywhere must not
    leave every later operation answering 401."""
    _token, secret = tokens.issue_api_token(user)
    db.session.commit()
    return secret


ORDER = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}


def test_every_operation_keeps_the_contract(app, world):
    caller, real, happy = world
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()  # a valid OpenAPI 3.1 document, checked against the specification's own schema
    # reads first, deletions last, so little is gone before it is read
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: ORDER.get(op.method.upper(), 1))
    assert len(operations) >= 30
    statuses: dict[str, set[int]] = {}
    failures, happy_ok = _send_happy({op.label: op for op in operations}, happy, real, _fresh_token(caller),
                                     statuses)
    for operation in operations:
        seen = statuses.setdefault(operation.label, set())
        token = _fresh_token(caller)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _exercise(operation, token, real, mode, seen)
    assert not failures, "\n\n".join(failures)
    # the run reached real objects, not only 404s: most reads answered with success at least once
    reads = [label for label in statuses if label.startswith("GET ")]
    succeeded = [label for label in reads if any(200 <= code < 300 for code in statuses[label])]
    assert len(succeeded) >= len(reads) * 3 // 4, statuses
    assert len(happy_ok) >= len(happy) - 2, (happy_ok, statuses)
