"""Side channels a curious leader might read while a round is open or after a close that withheld.

Drafts, partly answered responses and who answered a withheld area must change nothing the leader
can read except what is shown by design (who has submitted).
"""

from __future__ import annotations

import re

import pytest

from seqf.extensions import db
from seqf.models import Round
from tests.web.helpers import text
from tests.web.round_helpers import answer, close, link_evidence, make_team, open_round

NONCE = re.compile(r'(nonce|value|content)="[^"]*"')


@pytest.fixture
def team(make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=5)
    round_ = open_round(leader, org, participant_ids=[u.id for u in staff])
    return org, leader, staff, round_, link_evidence(leader, org)


def _reads(client, api, leader, org, round_) -> dict:
    """Everything the leader reads about the round, without tokens, nonces and times."""
    rid = round_.id
    pages = {path: NONCE.sub("", text(client.get(path))) for path in (
        f"/rounds/{rid}/summary", f"/organisations/{org.id}/rounds/", f"/rounds/{rid}", "/")}
    apis = {path: api.get(path, leader).get_json() for path in (
        f"/api/v1/rounds/{rid}/summary", f"/api/v1/rounds/{rid}", f"/api/v1/rounds/{rid}/participants",
        f"/api/v1/organisations/{org.id}/rounds", f"/api/v1/rounds/{rid}/consensus", f"/api/v1/rounds/{rid}/results")}
    return {"pages": pages, "api": apis}


def test_a_draft_changes_nothing_the_leader_reads(client, api, auth, team):
    org, leader, staff, round_, evidence = team
    answer(staff[0], round_, {"1": 2}, evidence_id=evidence.id)
    answer(staff[1], round_, {"1": 3})
    auth.login(leader)
    before = _reads(client, api, leader, org, round_)
    answer(staff[2], round_, {"1": 5, "2": 4, "3": 1}, comments={"1": "Utkast"}, submit=False, evidence_id=evidence.id)
    after = _reads(client, api, leader, org, round_)
    assert before == after


@pytest.mark.parametrize("answered_by", [0, 1, 2])
def test_a_withheld_area_reads_the_same_however_many_answered_it(client, api, auth, team, answered_by):
    """Page bytes and API of a withheld area are the same for 0, 1 or 2 answers (no size side channel)."""
    org, leader, staff, round_, evidence = team
    for index, person in enumerate(staff[:3]):
        answer(person, round_, {"1": 2, **({"9": 4} if index < answered_by else {})}, evidence_id=evidence.id)
    close(leader, db.session.get(Round, round_.id))
    auth.login(leader)
    page = text(client.get(f"/rounds/{round_.id}/summary"))
    block = re.search(r'<li[^>]*id="area-9">(.*?)</li>', page, re.S).group(1)
    reference = re.search(r'<li[^>]*id="area-8">(.*?)</li>', page, re.S).group(1)  # nobody answered area 8
    title = re.compile(r"<h3.*?</h3>", re.S)
    assert title.sub("", block) == title.sub("", reference)
    body = api.get(f"/api/v1/rounds/{round_.id}/summary", leader).get_json()
    nine, eight = (next(a for a in body["areas"] if a["area"] == c) for c in ("9", "8"))
    assert {**nine, "area": "8"} == eight
    assert "9" not in api.get(f"/api/v1/rounds/{round_.id}/consensus", leader).get_json()["prefill"]
