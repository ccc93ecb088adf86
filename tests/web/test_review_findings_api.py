"""The findings, comment round, publication and report API: the contract in shared/API.md, every role,
and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from tests.web.findings_helpers import api_finding, record_all, setup, snapshot
from tests.web.review_helpers import SEQF_AREAS


@pytest.fixture
def cast(make_org, make_user):
    return setup(make_org, make_user)


def url(cast, tail: str) -> str:
    return f"/api/v1/reviews/{cast.review.id}/{tail}"


def _user(cast, who):
    return cast.staff[0] if who == "staff" else getattr(cast, who)


def test_put_finding_returns_scores_and_moves_to_drafting(cast, api):
    response = api.put(url(cast, "findings/5"), user=cast.co,
                       json=api_finding(3, cast.evidence.id, area="5", recommendations=["A", "B"],
                                        strengths="Good", improvements="More"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["area"], body["claimed"], body["score"]) == ("5", 3, 3)
    assert body["recommendations"] == [{"number": "5.1", "text": "A"}, {"number": "5.2", "text": "B"}]
    assert body["improvements"] == "More" and body["version"] == 1
    review = api.get(f"/api/v1/reviews/{cast.review.id}", user=cast.lead)
    if review.status_code == 200:  # the plan slice's endpoint
        assert review.get_json()["state"] == "drafting"
    listed = api.get(url(cast, "findings"), user=cast.lead).get_json()
    assert listed["state"] == "drafting"
    assert [a["area"] for a in listed["areas"]] == SEQF_AREAS
    assert listed["areas"][4]["recorded"] is True
    one = api.get(url(cast, "findings/5"), user=cast.lead).get_json()
    assert one["finding"]["score"] == 3 and one["consensus"] is None and one["previous"] is None


@pytest.mark.parametrize("body, status, field", [
    ({"justification": ""}, 422, "justification"),
    ({"justification": "   "}, 422, "justification"),
    ({"justification": "x", "area": "6"}, 422, "area"),
    ({"justification": "x", "steps": [{"step": 9, "met": True}]}, 422, "step"),
    ({"justification": "x", "steps": [{"step": 1, "met": True, "evidence_ids": [999999]}]}, 422, None),
    ({"justification": "x", "bogus": 1}, 422, None),
    ({"justification": 5}, 422, None),
])
def test_bad_finding_bodies_change_nothing(cast, api, body, status, field):
    before = snapshot()
    response = api.put(url(cast, "findings/5"), user=cast.lead, json=body)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if field:
        assert field in error.get("fields", {}) or field in str(error)
    assert snapshot() == before


def test_unknown_area_in_the_path_is_404(cast, api):
    before = snapshot()
    response = api.put(url(cast, "findings/42"), user=cast.lead, json=api_finding(1, None))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_area"
    assert snapshot() == before


def test_stale_version_is_409(cast, api):
    assert api.put(url(cast, "findings/2"), user=cast.lead, json=api_finding(2, cast.evidence.id)).status_code == 200
    assert api.put(url(cast, "findings/2"), user=cast.co,
                   json=api_finding(3, cast.evidence.id, version=1)).status_code == 200
    before = snapshot()
    stale = api.put(url(cast, "findings/2"), user=cast.lead, json=api_finding(1, cast.evidence.id, version=1))
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "stale_version"
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("other_revisor", 404), ("staff", 404), ("leader", 404),
                                         ("org_admin", 404), ("coordinator", 404)])
def test_findings_are_for_assigned_revisors_only(cast, api, who, status):
    user = _user(cast, who)
    before = snapshot()
    assert api.put(url(cast, "findings/1"), user=user, json=api_finding(1, None)).status_code == status
    assert api.get(url(cast, "findings"), user=user).status_code == status
    assert api.get(url(cast, "findings/1"), user=user).status_code == status
    assert api.put(url(cast, "overall"), user=user, json={"text": "x"}).status_code == status
    assert snapshot() == before


def test_comment_round_and_comments(cast, api):
    record_all(cast.review, cast.lead, cast.evidence.id)
    until = (clock.today() + dt.timedelta(days=5)).isoformat()
    before = snapshot()
    assert api.post(url(cast, "comment-round"), user=cast.co, json={"until": until}).status_code == 403
    assert api.post(url(cast, "comment-round"), user=cast.staff[0], json={"until": until}).status_code == 403
    assert api.post(url(cast, "comment-round"), user=cast.other_revisor, json={"until": until}).status_code == 404
    assert api.post(url(cast, "comment-round"), user=cast.lead,
                    json={"until": clock.today().isoformat()}).status_code == 422
    assert api.post(url(cast, "comment-round"), user=cast.lead, json={"until": "tomorrow"}).status_code == 422
    assert snapshot() == before
    opened = api.post(url(cast, "comment-round"), user=cast.lead, json={"until": until})
    assert opened.status_code == 200 and opened.get_json()["state"] == "comment_round"
    assert api.put(url(cast, "comments/3"), user=cast.leader, json={"text": "Fact"}).status_code == 200
    assert api.put(url(cast, "comments/overall"), user=cast.org_admin, json={"text": "Thanks"}).status_code == 200
    before = snapshot()
    assert api.put(url(cast, "comments/3"), user=cast.staff[0], json={"text": "x"}).status_code == 403
    assert api.put(url(cast, "comments/3"), user=cast.lead, json={"text": "x"}).status_code == 403
    assert api.put(url(cast, "comments/77"), user=cast.leader, json={"text": "x"}).status_code == 404
    assert api.put(url(cast, "comments/3"), user=cast.leader, json={"text": 3}).status_code == 422
    assert snapshot() == before
    listed = api.get(url(cast, "comments"), user=cast.lead).get_json()
    assert listed["open"] is True
    assert listed["comments"] == [{"area": "3", "text": "Fact"}, {"area": "overall", "text": "Thanks"}]
    assert api.get(url(cast, "comments"), user=cast.staff[0]).status_code == 403
    assert api.get(url(cast, "findings"), user=cast.co).get_json()["comments"]["3"] == "Fact"


def test_publish_names_missing_areas_then_publishes(cast, api):
    api.put(url(cast, "findings/1"), user=cast.lead, json=api_finding(2, cast.evidence.id))
    before = snapshot()
    refused = api.post(url(cast, "publish"), user=cast.lead)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert set(error["fields"]) == set(SEQF_AREAS) - {"1"}
    assert "2, 3, 4" in error["message"]
    assert snapshot() == before
    record_all(cast.review, cast.lead, cast.evidence.id)
    assert api.post(url(cast, "publish"), user=cast.co).status_code == 403
    assert api.post(url(cast, "publish"), user=cast.staff[0]).status_code == 403
    assert api.post(url(cast, "publish"), user=cast.other_revisor).status_code == 404
    assert snapshot()["versions"] == 0
    published = api.post(url(cast, "publish"), user=cast.lead)
    assert published.status_code == 200
    body = published.get_json()
    assert body["state"] == "published" and body["total"] == 27 and body["max_total"] == 45
    assert body["areas"][0] == {"area": "1", "score": 3}
    assert api.post(url(cast, "publish"), user=cast.lead).status_code == 409


@pytest.mark.parametrize("who, draft, published", [
    ("lead", 200, 200), ("co", 200, 200), ("coordinator", 200, 200), ("leader", 403, 200),
    ("staff", 403, 200), ("other_revisor", 404, 404),
])
def test_report_json_and_pdf_by_role(cast, api, who, draft, published):
    record_all(cast.review, cast.lead, cast.evidence.id)
    user = _user(cast, who)
    response = api.get(url(cast, "report"), user=user)
    assert response.status_code == draft
    if who == "staff":
        assert response.get_json()["error"]["code"] == "not_published"
    if draft == 200:
        assert response.get_json()["draft"] is True
    api.post(url(cast, "publish"), user=cast.lead)
    response = api.get(url(cast, "report"), user=user)
    assert response.status_code == published
    if published == 200:
        body = response.get_json()
        assert body["draft"] is False and body["version"] == 1 and body["content"]["total"] == 27
        assert [v["number"] for v in body["versions"]] == [1]
        pdf = api.get(url(cast, "report.pdf"), user=user)
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")


def test_corrections_make_a_new_version_and_keep_the_old(cast, api):
    record_all(cast.review, cast.lead, cast.evidence.id)
    api.post(url(cast, "publish"), user=cast.lead)
    first = api.get(url(cast, "report"), user=cast.leader).get_json()["content"]
    # a co-revisor may not edit after publication; the lead's edit is a draft nobody else sees
    assert api.put(url(cast, "findings/4"), user=cast.co, json=api_finding(1, cast.evidence.id)).status_code == 403
    edited = api.put(url(cast, "findings/4"), user=cast.lead, json=api_finding(1, cast.evidence.id, "Fixed"))
    assert edited.status_code == 200 and edited.get_json()["correction_draft"] is True
    assert api.get(url(cast, "report"), user=cast.leader).get_json()["content"] == first
    before = snapshot()
    assert api.post(url(cast, "corrections"), user=cast.lead, json={"reason": ""}).status_code == 422
    assert api.post(url(cast, "corrections"), user=cast.co, json={"reason": "x"}).status_code == 403
    assert api.post(url(cast, "corrections"), user=cast.staff[0], json={"reason": "x"}).status_code == 403
    assert snapshot() == before
    made = api.post(url(cast, "corrections"), user=cast.lead, json={"reason": "Area 4"})
    assert made.status_code == 201 and made.get_json()["number"] == 2
    newest = api.get(url(cast, "report"), user=cast.staff[0]).get_json()
    assert newest["version"] == 2 and newest["content"]["total"] == 25
    assert [v["number"] for v in newest["versions"]] == [2, 1]
    old = api.get(url(cast, "report") + "?version=1", user=cast.staff[0]).get_json()
    assert old["content"] == first
    assert api.get(url(cast, "report") + "?version=7", user=cast.staff[0]).status_code == 404
    assert api.get(url(cast, "report") + "?version=x", user=cast.staff[0]).status_code == 422
    assert api.get(url(cast, "report.pdf") + "?version=1", user=cast.staff[0]).status_code == 200


def test_overall_and_follow_up_outcome(cast, api):
    ok = api.put(url(cast, "overall"), user=cast.co, json={"text": "Solid"})
    assert ok.status_code == 200 and ok.get_json()["overall"] == "Solid"
    before = snapshot()
    assert api.put(url(cast, "overall"), user=cast.lead, json={"text": "x", "outcome": "on_track"}).status_code == 422
    assert api.put(url(cast, "overall"), user=cast.lead, json={"text": "x", "outcome": "maybe"}).status_code == 422
    assert api.put(url(cast, "overall"), user=cast.lead, json={"text": "x", "version": 1}).status_code == 409
    assert snapshot() == before
    db.session.expire_all()
