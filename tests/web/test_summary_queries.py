"""The number of SQL statements behind a round's summary does not grow with the number of responses.

The same measurements with 1,000 responses (and timings) are in ``bench/``; here only the count is
asserted, on both databases: a summary for 30 submitted responses runs exactly as many statements
as one for 3.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from seqf.extensions import db
from seqf.models import Round, User
from seqf.services import rounds as round_service
from tests.web.round_helpers import answer, fully_documented, link_evidence, open_round


@contextmanager
def counting():
    """Collect every statement sent to the database inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


class Caller:
    """Stands in for the leader in ``api.get`` (only ``id`` and ``email`` are used), so nothing
    detached is touched after the session is emptied."""

    def __init__(self, user: User):
        self.id, self.email = user.id, user.email


def _closed_round(make_org, make_user, responses: int) -> tuple[Caller, int]:
    """An organisation's round with ``responses`` submitted answers over all nine areas (with comments),
    closed and with a consensus, so the results page shows everything."""
    org = make_org()
    leader = make_user(org=org, member_role="leader")
    staff = [make_user(org=org, member_role="staff") for _ in range(responses)]
    evidence = link_evidence(leader, org)
    round_ = open_round(leader, org, participant_ids=[u.id for u in staff])
    for i, user in enumerate(staff):
        scores = {str(area): (i + area) % 6 for area in range(1, 10)}
        answer(user, round_, scores, comments={"1": f"Kommentar {i}"}, evidence_id=evidence.id)
    round_service.close_round(leader, round_)
    round_service.record_consensus(leader, round_, [fully_documented(str(area), 3, evidence.id)
                                                    for area in range(1, 10)])
    db.session.commit()
    return Caller(leader), round_.id


@pytest.fixture
def rounds_of_3_and_30(make_org, make_user):
    """Two organisations with one round each, alike except for 3 and 30 submitted responses."""
    return _closed_round(make_org, make_user, 3), _closed_round(make_org, make_user, 30)


def _fresh_round(round_id: int) -> Round:
    """Forget everything the session has loaded, so both measurements start cold."""
    db.session.expunge_all()
    return db.session.get(Round, round_id)


def _has_page(app, rule: str) -> bool:
    return any(r.rule == rule for r in app.url_map.iter_rules())


def _measure(app, api, client, leader: Caller, round_id: int) -> dict[str, int]:
    """Statements for each way a leader reads the aggregates of one round."""
    counts = {}
    for name, call in (("round_summary()", round_service.round_summary),
                       ("round_results()", round_service.round_results)):
        round_ = _fresh_round(round_id)
        with counting() as statements:
            call(round_)
        counts[name] = len(statements)
    for suffix in ("summary", "results"):
        _fresh_round(round_id)
        with counting() as statements:
            response = api.get(f"/api/v1/rounds/{round_id}/{suffix}", leader)
        assert response.status_code == 200, response.get_json()
        counts[f"GET /api/v1/rounds/<id>/{suffix}"] = len(statements)
    for suffix in ("summary", "results", "consensus", "consensus?area=5", "export.csv", "export.xlsx"):
        if not _has_page(app, f"/rounds/<int:round_id>/{suffix.split('?')[0]}"):
            continue
        _fresh_round(round_id)
        with counting() as statements:
            response = client.get(f"/rounds/{round_id}/{suffix}")
        assert response.status_code == 200, response.status_code
        counts[f"GET /rounds/<id>/{suffix}"] = len(statements)
    return counts


def test_statements_do_not_grow_with_the_number_of_responses(app, api, client, auth, rounds_of_3_and_30):
    counts = []
    for (leader, round_id), submitted in zip(rounds_of_3_and_30, (3, 30), strict=True):
        assert round_service.round_summary(_fresh_round(round_id))["submitted"] == submitted
        api.token(leader)
        auth.logout()
        assert auth.login(leader.email).status_code == 302
        counts.append(_measure(app, api, client, leader, round_id))
    small, large = counts
    assert {"GET /rounds/<id>/summary", "GET /api/v1/rounds/<id>/summary"} <= set(small)
    assert all(n > 0 for n in small.values()), small
    assert small == large, (small, large)
