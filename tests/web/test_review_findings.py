"""Findings per area through the services and the pages: who may record them, the progressive rule,
justification and change reasons, the pre-fill from the consensus, the comparison beside the form,
the comment round, and that refused input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqf import clock, scoring
from seqf.extensions import db
from seqf.models import AreaAssessment, OutboxMessage, ReviewState
from seqf.services import assessments, publication
from seqf.services import findings as finding_service
from seqf.services import review_comments as comment_service
from seqf.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from tests.web.findings_helpers import consensus_round, finding, record_all, setup, snapshot
from tests.web.helpers import text


@pytest.fixture
def cast(make_org, make_user):
    return setup(make_org, make_user)


# --- the service ---------------------------------------------------------------------------------

def test_first_finding_starts_drafting_and_scores_by_the_progressive_rule(cast):
    saved = finding_service.record_finding(cast.co, cast.review, finding("5", 3, cast.evidence.id,
                                                                          recommendations=["A", " ", "B"]))
    db.session.commit()
    assert (saved.claimed, saved.score) == (3, 3)
    assert cast.review.state == ReviewState.drafting
    assert saved.recommendations == ["A", "B"]
    assert finding_service.numbered("5", saved.recommendations) == [{"number": "5.1", "text": "A"},
                                                                     {"number": "5.2", "text": "B"}]
    # without evidence only step 1 counts
    undocumented = finding_service.record_finding(cast.lead, cast.review, finding("6", 4, None))
    assert (undocumented.claimed, undocumented.score) == (4, 1)


def test_only_assigned_revisors_record_findings(cast):
    before = snapshot()
    for user in (cast.other_revisor, cast.leader, cast.staff[0], cast.coordinator):
        with pytest.raises(Forbidden):
            finding_service.record_finding(user, cast.review, finding("1", 2, cast.evidence.id))
        db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("bad, error, field", [
    (dict(area="42"), RuleViolation, "area"),
    (dict(justification="   "), RuleViolation, "justification"),
])
def test_bad_findings_are_refused_and_change_nothing(cast, bad, error, field):
    before = snapshot()
    data = finding("1", 2, cast.evidence.id)
    for key, value in bad.items():
        setattr(data, key, value)
    with pytest.raises(error) as caught:
        finding_service.record_finding(cast.lead, cast.review, data)
    db.session.rollback()
    assert field in caught.value.fields
    assert snapshot() == before


def test_evidence_from_another_organisation_is_refused(cast, make_org, make_user):
    from tests.web.round_helpers import link_evidence

    other = make_org(name="Annen AS")
    foreign = link_evidence(make_user(org=other, member_role="leader"), other)
    before = snapshot()
    with pytest.raises(RuleViolation):
        finding_service.record_finding(cast.lead, cast.review, finding("1", 2, foreign.id))
    db.session.rollback()
    assert snapshot() == before


def test_stale_version_is_a_conflict(cast):
    finding_service.record_finding(cast.lead, cast.review, finding("2", 2, cast.evidence.id))
    db.session.commit()
    finding_service.record_finding(cast.co, cast.review, finding("2", 3, cast.evidence.id), version=1)
    db.session.commit()
    before = snapshot()
    with pytest.raises(Conflict):
        finding_service.record_finding(cast.lead, cast.review, finding("2", 1, cast.evidence.id), version=1)
    db.session.rollback()
    assert snapshot() == before


def test_a_changed_score_needs_a_reason(cast, make_user):
    from tests.web.review_helpers import make_review

    record_all(cast.review, cast.lead, cast.evidence.id)
    publication.publish(cast.lead, cast.review)
    db.session.commit()
    follow = make_review(cast.org, cast.lead, previous_review_id=cast.review.id)
    before = snapshot()
    with pytest.raises(RuleViolation) as caught:
        finding_service.record_finding(cast.lead, follow, finding("1", 4, cast.evidence.id))
    db.session.rollback()
    assert "change_reason" in caught.value.fields
    assert snapshot() == before
    same = finding_service.record_finding(cast.lead, follow, finding("1", 3, cast.evidence.id))
    assert same.score == 3
    changed = finding_service.record_finding(cast.lead, follow, finding("2", 4, cast.evidence.id),
                                             change_reason="New routine documented")
    assert changed.change_reason == "New routine documented"
    assert finding_service.comparison(follow, "2")["previous"]["score"] == 3


def test_prefill_and_comparison_come_from_the_consensus_and_released_aggregates(cast):
    consensus_round(cast, {"1": 4, "2": 1})
    start = finding_service.prefill(cast.review, "1")
    assert [s.level for s in start.steps if s.met] == [1, 2, 3, 4]
    assert all(s.evidence_ids == [cast.evidence.id] for s in start.steps)
    assert finding_service.prefill(cast.review, "3") is None
    compared = finding_service.comparison(cast.review, "1")
    assert compared["consensus"]["score"] == 4
    assert compared["staff"]["median"] == 2
    assert compared["staff"]["withheld"] is False
    assert compared["previous"] is None
    assert "comments" not in compared["staff"]  # aggregates only


def test_withheld_staff_view_stays_withheld(make_org, make_user):
    from tests.web.review_helpers import make_review, review_cast
    from tests.web.round_helpers import link_evidence

    cast = review_cast(make_org, make_user, staff=1)
    cast.evidence = link_evidence(cast.leader, cast.org)
    cast.review = make_review(cast.org, cast.lead)
    consensus_round(cast, {"1": 2})
    compared = finding_service.comparison(cast.review, "1")
    assert compared["staff"] == {"withheld": True, "median": None, "distribution": None, "responses": None}
    assert compared["consensus"]["score"] == 2


def test_overall_and_follow_up_outcome(cast, make_user):
    from seqf.models import ReviewKind
    from tests.web.review_helpers import make_review

    with pytest.raises(RuleViolation):
        finding_service.save_overall(cast.lead, cast.review, "Good", "on_track")
    db.session.rollback()
    finding_service.save_overall(cast.co, cast.review, "Good work overall")
    db.session.commit()
    assert cast.review.overall == "Good work overall"
    follow = make_review(cast.org, cast.lead, kind=ReviewKind.follow_up, areas=["3", "5"])
    with pytest.raises(RuleViolation):
        finding_service.save_overall(cast.lead, follow, "x", "bogus")
    db.session.rollback()
    finding_service.save_overall(cast.lead, follow, "On track", "on_track")
    assert follow.outcome.value == "on_track"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(met=st.lists(st.booleans(), min_size=5, max_size=5), documented=st.lists(st.booleans(), min_size=5,
                                                                                   max_size=5))
def test_findings_follow_the_progressive_rule(cast, met, documented):
    data = assessments.AreaData(area="4", justification="Why", steps=[
        assessments.StepData(level=n + 1, met=met[n], evidence_ids=[cast.evidence.id] if documented[n] else [])
        for n in range(5)])
    saved = finding_service.record_finding(cast.lead, cast.review, data)
    expected_met = {n + 1: met[n] for n in range(5)}
    expected_doc = {n + 1: documented[n] for n in range(5)}
    assert saved.claimed == scoring.claimed(expected_met)
    assert saved.score == scoring.score(expected_met, expected_doc)
    assert saved.score <= saved.claimed
    db.session.rollback()


# --- the comment round ----------------------------------------------------------------------------

def test_comment_round_mails_leaders_and_takes_comments_until_the_deadline(cast):
    record_all(cast.review, cast.lead, cast.evidence.id)
    until = clock.today() + dt.timedelta(days=7)
    with pytest.raises(Forbidden):
        comment_service.open_comment_round(cast.co, cast.review, until)
    db.session.rollback()
    with pytest.raises(RuleViolation):
        comment_service.open_comment_round(cast.lead, cast.review, clock.today())
    db.session.rollback()
    comment_service.open_comment_round(cast.lead, cast.review, until)
    db.session.commit()
    assert cast.review.state == ReviewState.comment_round
    recipients = {m.recipient for m in db.session.scalars(db.select(OutboxMessage))}
    assert {cast.leader.email, cast.org_admin.email} <= recipients
    assert cast.staff[0].email not in recipients
    comment_service.save_comment(cast.leader, cast.review, "3", "The routine exists since May.")
    comment_service.save_comment(cast.org_admin, cast.review, "overall", "Thanks")
    db.session.commit()
    assert set(comment_service.comments_of(cast.review)) == {"3", "overall"}
    with pytest.raises(Forbidden):
        comment_service.save_comment(cast.staff[0], cast.review, "3", "x")
    db.session.rollback()
    with pytest.raises(NotFound):
        comment_service.save_comment(cast.leader, cast.review, "77", "x")
    db.session.rollback()
    comment_service.save_comment(cast.leader, cast.review, "3", "  ")
    db.session.commit()
    assert set(comment_service.comments_of(cast.review)) == {"overall"}


def test_comments_after_the_deadline_are_refused(cast, monkeypatch):
    record_all(cast.review, cast.lead, cast.evidence.id)
    until = clock.today() + dt.timedelta(days=2)
    comment_service.open_comment_round(cast.lead, cast.review, until)
    db.session.commit()
    later = until + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: later)
    before = snapshot()
    with pytest.raises(Conflict):
        comment_service.save_comment(cast.leader, cast.review, "3", "late")
    db.session.rollback()
    assert snapshot() == before


# --- pages ----------------------------------------------------------------------------------------

def test_finding_page_prefills_records_and_shows_scores(cast, client, auth):
    consensus_round(cast, {"1": 3})
    auth.login(cast.co)
    page = client.get(f"/reviews/{cast.review.id}/findings/1")
    assert page.status_code == 200
    body = text(page)
    assert "konsensus" in body.lower()  # the comparison beside the form (nb UI)
    form = {"justification": "Seen routines", "recommendations": "Write it down\nTrain staff",
            "step-1-evidence": str(cast.evidence.id), "step-2-evidence": str(cast.evidence.id),
            "version": "0", "action": "save"}
    from seqf.services import review_scope

    area = next(a for a in review_scope.review_areas(cast.review) if a["code"] == "1")
    for step in area["steps"][:2]:
        for ind in step["indicators"]:
            form[f"step-{step['level']}-ind-{ind['code']}"] = "1"
    response = client.post(f"/reviews/{cast.review.id}/findings/1", data=form)
    assert response.status_code == 302
    saved = finding_service.findings_of(cast.review)["1"]
    assert (saved.claimed, saved.score) == (2, 2)
    shown = client.get(f"/reviews/{cast.review.id}/findings/1")
    assert "1.2" in text(shown) and "Train staff" in text(shown)


def test_finding_page_without_justification_reports_it_and_changes_nothing(cast, client, auth):
    auth.login(cast.lead)
    before = snapshot()
    response = client.post(f"/reviews/{cast.review.id}/findings/1", data={"justification": "", "version": "0"})
    assert response.status_code == 422
    assert "justification" in text(response).lower()
    assert snapshot() == before


@pytest.mark.parametrize("who, status", [("other_revisor", 404), ("staff", 404), ("coordinator", 404),
                                         ("leader", 404)])
def test_finding_page_is_for_assigned_revisors_only(cast, client, auth, who, status):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    auth.login(user)
    assert client.get(f"/reviews/{cast.review.id}/findings/1").status_code == status
    before = snapshot()
    assert client.post(f"/reviews/{cast.review.id}/findings/1",
                       data={"justification": "x"}).status_code == status
    assert snapshot() == before


def test_unknown_area_in_the_url_is_404(cast, client, auth):
    auth.login(cast.lead)
    assert client.get(f"/reviews/{cast.review.id}/findings/99").status_code == 404


@pytest.mark.parametrize("who, status", [("lead", 200), ("co", 200), ("coordinator", 302), ("leader", 403),
                                         ("org_admin", 403), ("staff", 404), ("other_revisor", 404)])
def test_findings_list_roles_while_drafting(cast, client, auth, who, status):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    auth.login(user)
    assert client.get(f"/reviews/{cast.review.id}/findings").status_code == status


def test_leader_comments_in_the_comment_round_through_the_page(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    comment_service.open_comment_round(cast.lead, cast.review, clock.today() + dt.timedelta(days=5))
    db.session.commit()
    auth.login(cast.leader)
    page = client.get(f"/reviews/{cast.review.id}/findings")
    assert page.status_code == 200 and "comment-3" in page.get_data(as_text=True)
    response = client.post(f"/reviews/{cast.review.id}/comments", data={"comment-3": "Fact: since May",
                                                                         "comment-overall": ""})
    assert response.status_code == 302
    assert comment_service.comments_of(cast.review)["3"].text == "Fact: since May"
    auth.logout()
    auth.login(cast.lead)
    assert "Fact: since May" in text(client.get(f"/reviews/{cast.review.id}/findings/3"))
    assert "Fact: since May" in text(client.get(f"/reviews/{cast.review.id}/findings"))
    auth.logout()
    auth.login(cast.staff[0])
    before = snapshot()
    assert client.post(f"/reviews/{cast.review.id}/comments", data={"comment-3": "x"}).status_code == 404
    assert snapshot() == before


def test_comment_round_page_opens_the_round(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    auth.login(cast.co)
    assert client.get(f"/reviews/{cast.review.id}/comment-round").status_code == 403
    auth.logout()
    auth.login(cast.lead)
    assert client.get(f"/reviews/{cast.review.id}/comment-round").status_code == 200
    before = snapshot()
    past = client.post(f"/reviews/{cast.review.id}/comment-round", data={"until": clock.today().isoformat()})
    assert past.status_code == 422
    assert snapshot() == before
    until = (clock.today() + dt.timedelta(days=10)).isoformat()
    assert client.post(f"/reviews/{cast.review.id}/comment-round", data={"until": until}).status_code == 302
    db.session.expire_all()
    assert cast.review.state == ReviewState.comment_round


def test_overall_form_saves(cast, client, auth):
    auth.login(cast.lead)
    assert client.post(f"/reviews/{cast.review.id}/overall",
                       data={"overall": "A solid service", "version": str(cast.review.version)}).status_code == 302
    db.session.expire_all()
    assert cast.review.overall == "A solid service"
    count_before = db.session.scalar(db.select(db.func.count()).select_from(AreaAssessment))
    assert client.post(f"/reviews/{cast.review.id}/overall", data={"overall": "x", "version": "1"}).status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(AreaAssessment)) == count_before


# --- the access matrix of every findings/report page while drafting -------------------------------

ROLES = ("lead", "co", "coordinator", "leader", "org_admin", "staff", "other_revisor", "outsider")
MATRIX = {
    "/findings": (200, 200, 302, 403, 403, 404, 404, 404),
    "/findings/1": (200, 200, 404, 404, 404, 404, 404, 404),
    "/comment-round": (200, 403, 404, 404, 404, 404, 404, 404),
    "/publish": (200, 403, 404, 404, 404, 404, 404, 404),
    "/report": (200, 200, 200, 403, 403, 403, 404, 404),
    "/report.pdf": (200, 200, 200, 403, 403, 403, 404, 404),
    "/correction": (403, 403, 403, 403, 403, 404, 404, 404),
}


@pytest.mark.parametrize("tail", list(MATRIX))
def test_every_page_checks_the_role(cast, client, auth, make_user, tail):
    finding_service.record_finding(cast.lead, cast.review, finding("1", 2, cast.evidence.id))
    db.session.commit()
    people = {role: getattr(cast, role, None) for role in ROLES}
    people["staff"] = cast.staff[0]
    people["outsider"] = make_user(name="Nina Ny")
    for role, expected in zip(ROLES, MATRIX[tail], strict=True):
        auth.login(people[role])
        response = client.get(f"/reviews/{cast.review.id}{tail}")
        assert response.status_code == expected, (tail, role, response.status_code)
        if role == "staff" and tail.startswith("/report"):
            assert "ikke publisert" in text(response)
        auth.logout()


@pytest.mark.parametrize("roles, state, shown, hidden", [
    ({"lead"}, ReviewState.drafting, ["/findings", "/report"], []),
    ({"leader"}, ReviewState.comment_round, ["/findings"], []),
    ({"staff"}, ReviewState.drafting, [], ["/findings", "/report"]),
    ({"staff"}, ReviewState.published, ["/report", "/report.pdf"], ["/findings"]),
])
def test_overview_partial_offers_what_the_role_may_do(cast, app, roles, state, shown, hidden):
    from flask import render_template

    cast.review.state = state
    cast.review.comment_until = clock.today() + dt.timedelta(days=3)
    with app.test_request_context("/"):
        html = render_template("reviews/_overview_findings.html", review=cast.review, roles=roles,
                               current_user=cast.lead)
    for tail in shown:
        assert f'/reviews/{cast.review.id}{tail}"' in html, tail
    for tail in hidden:
        assert f'/reviews/{cast.review.id}{tail}"' not in html, tail
    db.session.rollback()
