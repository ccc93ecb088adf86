"""Autosave and submit through the API cost the same few statements in any round (issue 9).

The caller's round, participation and instrument come in one statement that also takes the
round's lock, the response is read under its lock once, and the answers are read once (joined)
and reused for the answer.
Counts are asserted equal for a small and a larger round, and no higher than they are now.
"""

from __future__ import annotations

from seqf.extensions import db
from seqf.models import Response, ResponseState
from tests.web.round_helpers import answer, api_area, open_round
from tests.web.test_summary_queries import counting

# token + user, round + participation + instrument under the round's shared lock, the response
# under its lock, the answers, the area's update and the new step's insert (a save that changes
# no step runs one statement less)
AUTOSAVE_MAX = 6
SUBMIT_MAX = 6  # the same reads, the audit row and the response's state


def _counts(api, make_org, make_user, staff: int) -> tuple[int, int, dict]:
    org = make_org()
    leader = make_user(org=org, member_role="leader")
    people = [make_user(org=org, member_role="staff") for _ in range(staff)]
    round_ = open_round(leader, org, participant_ids=[leader.id, *[u.id for u in people]])
    for user in people[1:]:
        answer(user, round_, {"1": 2})
    me, round_id = people[0].id, round_.id
    headers = {"Authorization": f"Bearer {api.token(people[0])}"}
    path = f"/api/v1/rounds/{round_id}/my-response"
    first = api.put(path, json={"answers": [api_area("1", 1), api_area("2", 2)]}, headers=dict(headers))
    assert first.status_code == 200, first.get_json()
    db.session.expunge_all()
    with counting() as saving:
        saved = api.put(path, json={"answers": [api_area("1", 2, version=1)]}, headers=dict(headers))
    assert saved.status_code == 200, saved.get_json()
    db.session.expunge_all()
    with counting() as submitting:
        submitted = api.post(f"{path}/submit", headers=dict(headers))
    assert submitted.status_code == 200, submitted.get_json()
    db.session.expunge_all()
    stored = db.session.query(Response).filter_by(round_id=round_id, user_id=me).one()
    assert stored.state == ResponseState.submitted
    return len(saving), len(submitting), submitted.get_json()


def test_autosave_and_submit_cost_the_same_for_3_as_for_12_participants(api, make_org, make_user):
    small = _counts(api, make_org, make_user, staff=3)
    large = _counts(api, make_org, make_user, staff=12)
    assert small[:2] == large[:2], (small[:2], large[:2])
    # SQLite has no row locks: the round's lock is a no-op write and a re-read after the first read
    extra = 2 if db.engine.dialect.name == "sqlite" else 0
    assert small[0] <= AUTOSAVE_MAX + extra and small[1] <= SUBMIT_MAX + extra, small[:2]
    body = large[2]
    assert body["state"] == "submitted" and body["answered"] == 2
    assert [a["area"] for a in body["answers"]] == ["1", "2"]
    assert [a["version"] for a in body["answers"]] == [2, 1]
