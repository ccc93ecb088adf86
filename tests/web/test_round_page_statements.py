"""How many SQL statements a leader's round pages run (issue 9): a ceiling per page, on both databases.

``test_summary_queries`` asserts that the counts do not grow with the number of responses; this
asserts the counts themselves, so a page that starts reading the same thing twice again (the
release, the readers, the progress, the consensus graph) is caught. Each figure includes the
login session's own statement.
"""

from __future__ import annotations

from tests.web.test_summary_queries import _closed_round, _measure

CEILINGS = {
    "GET /rounds/<id>/summary": 7,
    "GET /rounds/<id>/results": 6,
    "GET /rounds/<id>/consensus": 8,
    "GET /rounds/<id>/consensus?area=5": 8,
    "GET /rounds/<id>/export.csv": 6,
    "GET /rounds/<id>/export.xlsx": 7,
    "GET /api/v1/rounds/<id>/summary": 9,
}


def test_round_pages_stay_within_their_statement_ceilings(app, api, client, auth, make_org, make_user):
    leader, round_id = _closed_round(make_org, make_user, 6)
    api.token(leader)
    assert auth.login(leader.email).status_code == 302
    counts = _measure(app, api, client, leader, round_id)
    over = {page: (counts[page], ceiling) for page, ceiling in CEILINGS.items() if counts[page] > ceiling}
    assert not over, over
