"""Publishing the report and correcting it: missing areas named, lead only, versions frozen, the
report page for every role, and the follow-up's short report with its outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import OutboxMessage, ReportVersion, ReviewKind, ReviewState
from seqf.reports import review_report
from seqf.services import findings as finding_service
from seqf.services import publication
from seqf.services import review_comments as comment_service
from seqf.services.errors import Conflict, Forbidden, RuleViolation
from tests.web.findings_helpers import consensus_round, finding, record_all, setup, snapshot
from tests.web.helpers import text
from tests.web.review_helpers import SEQF_AREAS, make_review


@pytest.fixture
def cast(make_org, make_user):
    return setup(make_org, make_user)


def test_publishing_with_missing_areas_names_them_and_changes_nothing(cast):
    for code in ("1", "2", "3"):
        finding_service.record_finding(cast.lead, cast.review, finding(code, 2, cast.evidence.id))
    db.session.commit()
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        publication.publish(cast.lead, cast.review)
    db.session.rollback()
    assert set(caught.value.fields) == {"4", "5", "6", "7", "8", "9"}
    assert caught.value.fields["5"] == "missing finding"
    assert "4, 5, 6, 7, 8, 9" in caught.value.message
    assert snapshot() == before


def test_a_co_revisor_cannot_publish(cast):
    record_all(cast.review, cast.lead, cast.evidence.id)
    before = snapshot()
    with pytest.raises(Forbidden):
        publication.publish(cast.co, cast.review)
    db.session.rollback()
    assert snapshot() == before


def test_publish_freezes_version_one_and_tells_the_members(cast):
    consensus_round(cast, {code: 2 for code in SEQF_AREAS})
    record_all(cast.review, cast.co, cast.evidence.id, scores={"9": 5})
    comment_service.open_comment_round(cast.lead, cast.review, clock.today() + dt.timedelta(days=3))
    comment_service.save_comment(cast.leader, cast.review, "2", "Correction about 2")
    db.session.commit()
    version = publication.publish(cast.lead, cast.review)
    db.session.commit()
    assert cast.review.state == ReviewState.published and cast.review.published_at is not None
    assert (version.number, version.total, version.language) == (1, 3 * 8 + 5, "nb")
    content = version.content
    assert content["max_total"] == 45 and len(content["areas"]) == 9
    area = content["areas"][0]
    assert area["recommendations"] == [{"number": "1.1", "text": "Do 1"}]
    assert area["consensus_score"] == 2 and area["staff_median"] == 2 and area["previous_score"] is None
    assert content["comments"] == {"2": "Correction about 2"}
    assert content["organisation"]["name"] == cast.org.name
    assert {r["role"] for r in content["revisors"]} == {"lead", "co"}
    recipients = {m.recipient for m in db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.dedupe_key.like("review-published:%")))}
    assert recipients == {cast.leader.email, cast.org_admin.email, *(s.email for s in cast.staff)}
    with pytest.raises(Conflict):
        publication.publish(cast.lead, cast.review)
    db.session.rollback()


def test_report_language_follows_the_leaders(cast, make_user):
    cast.leader.language = "en"
    cast.org_admin.language = "en"
    db.session.commit()
    assert publication.report_language(cast.review) == "en"
    cast.org_admin.language = "nb"
    db.session.commit()
    assert publication.report_language(cast.review) == "nb"  # a tie


def test_a_correction_makes_a_new_version_and_keeps_the_old_one(cast):
    record_all(cast.review, cast.lead, cast.evidence.id)
    first = publication.publish(cast.lead, cast.review)
    db.session.commit()
    frozen = dict(first.content)
    # the co-revisor cannot edit after publication; the lead edits a correction draft
    with pytest.raises(Forbidden):
        finding_service.record_finding(cast.co, cast.review, finding("4", 1, cast.evidence.id))
    db.session.rollback()
    with pytest.raises(RuleViolation):
        publication.correct_report(cast.lead, cast.review, "Nothing yet")
    db.session.rollback()
    finding_service.record_finding(cast.lead, cast.review, finding("4", 1, cast.evidence.id, "Corrected text"))
    db.session.commit()
    assert publication.has_correction_draft(cast.review)
    assert review_report.latest_version(cast.review).number == 1  # readers still see version 1
    with pytest.raises(RuleViolation):
        publication.correct_report(cast.lead, cast.review, "  ")
    db.session.rollback()
    with pytest.raises(Forbidden):
        publication.correct_report(cast.co, cast.review, "Wrong")
    db.session.rollback()
    second = publication.correct_report(cast.lead, cast.review, "Area 4 corrected")
    db.session.commit()
    assert second.number == 2 and second.reason == "Area 4 corrected"
    db.session.expire_all()
    old = db.session.get(ReportVersion, first.id)
    assert old.content == frozen
    assert review_report.latest_version(cast.review).id == second.id
    assert second.content["areas"][3]["justification"] == "Corrected text"
    assert second.total == first.total - 2


def test_follow_up_needs_its_outcome_and_gets_a_short_report(cast):
    follow = make_review(cast.org, cast.lead, kind=ReviewKind.follow_up, areas=["3", "5"])
    for code in ("3", "5"):
        finding_service.record_finding(cast.lead, follow, finding(code, 2, cast.evidence.id))
    db.session.commit()
    with pytest.raises(RuleViolation) as caught:
        publication.publish(cast.lead, follow)
    db.session.rollback()
    assert caught.value.fields == {"outcome": "missing outcome"}
    finding_service.save_overall(cast.lead, follow, "Steady progress", "concerns")
    version = publication.publish(cast.lead, follow)
    db.session.commit()
    assert [a["code"] for a in version.content["areas"]] == ["3", "5"]
    assert version.content["outcome"] == "concerns" and version.content["max_total"] == 10


# --- pages ----------------------------------------------------------------------------------------

def test_publish_page_lists_missing_areas_then_publishes(cast, client, auth):
    finding_service.record_finding(cast.lead, cast.review, finding("1", 2, cast.evidence.id))
    db.session.commit()
    auth.login(cast.lead)
    page = client.get(f"/reviews/{cast.review.id}/publish")
    assert page.status_code == 200
    assert "no finding with a justification" in text(page) or "ingen" in text(page).lower()
    before = snapshot()
    refused = client.post(f"/reviews/{cast.review.id}/publish", data={"confirm": "yes"})
    assert refused.status_code == 422
    assert snapshot() == before
    record_all(cast.review, cast.lead, cast.evidence.id)
    done = client.post(f"/reviews/{cast.review.id}/publish", data={"confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert cast.review.state == ReviewState.published


def test_co_revisor_gets_403_on_the_publish_page(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    auth.login(cast.co)
    before = snapshot()
    assert client.get(f"/reviews/{cast.review.id}/publish").status_code == 403
    assert client.post(f"/reviews/{cast.review.id}/publish", data={"confirm": "yes"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who, draft, published", [
    ("lead", 200, 200), ("co", 200, 200), ("coordinator", 200, 200), ("leader", 403, 200),
    ("org_admin", 403, 200), ("staff", 403, 200), ("other_revisor", 404, 404),
])
def test_report_page_for_every_role(cast, client, auth, who, draft, published):
    record_all(cast.review, cast.lead, cast.evidence.id)
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    auth.login(user)
    response = client.get(f"/reviews/{cast.review.id}/report")
    assert response.status_code == draft
    if who == "staff":
        assert "not published yet" in text(response) or "ikke publisert" in text(response)
    publication.publish(cast.lead, cast.review)
    db.session.commit()
    response = client.get(f"/reviews/{cast.review.id}/report")
    assert response.status_code == published
    if published == 200:
        assert cast.org.name in text(response)
        assert "27 / 45" in text(response)


def test_leaders_read_the_draft_in_the_comment_round(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    comment_service.open_comment_round(cast.lead, cast.review, clock.today() + dt.timedelta(days=3))
    db.session.commit()
    auth.login(cast.leader)
    assert client.get(f"/reviews/{cast.review.id}/report").status_code == 200
    auth.logout()
    auth.login(cast.staff[0])
    assert client.get(f"/reviews/{cast.review.id}/report").status_code == 403
    assert client.get(f"/reviews/{cast.review.id}/report.pdf").status_code == 403


def test_versions_are_listed_and_readable(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    publication.publish(cast.lead, cast.review)
    finding_service.record_finding(cast.lead, cast.review, finding("4", 1, cast.evidence.id, "Fixed"))
    db.session.commit()
    auth.login(cast.lead)
    page = client.get(f"/reviews/{cast.review.id}/correction")
    assert page.status_code == 200
    assert client.post(f"/reviews/{cast.review.id}/correction", data={"reason": ""}).status_code == 422
    assert client.post(f"/reviews/{cast.review.id}/correction", data={"reason": "Area 4"}).status_code == 302
    auth.logout()
    auth.login(cast.staff[0])
    newest = text(client.get(f"/reviews/{cast.review.id}/report"))
    assert "Fixed" in newest and "25 / 45" in newest
    old = client.get(f"/reviews/{cast.review.id}/report?version=1")
    assert old.status_code == 200 and "27 / 45" in text(old)
    assert client.get(f"/reviews/{cast.review.id}/report?version=9").status_code == 404
    assert client.get(f"/reviews/{cast.review.id}/report?version=x").status_code == 404
    assert client.get(f"/reviews/{cast.review.id}/correction").status_code == 404  # a revisor page
