"""Follow-up against the action plan: the review's plan page and API, the revisors' comment per goal
(versioned, 409 on stale, only the assigned revisors and only before publication), the report's
``action_plan`` and the pre-visit package's plan."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import GoalReviewComment, ReviewKind, ReviewState
from seqf.reports import review_report
from seqf.services import goal_updates, plan_follow_up, review_package
from seqf.services import goals as goal_service
from tests.web.cert_helpers import freeze, published_review
from tests.web.plan_helpers import add_goal, add_task
from tests.web.review_helpers import make_review, review_cast

TODAY = dt.date(2030, 5, 15)


@pytest.fixture
def cast(app, make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    with app.test_request_context():
        cast = review_cast(make_org, make_user)
        cast.outsider_org = make_org(name="Annen organisasjon AS")
        cast.outsider = make_user(org=cast.outsider_org, member_role="leader", name="Ulf Utenfor")
        cast.outsider_staff = make_user(org=cast.outsider_org, member_role="staff", name="Siri Utenfor")
        cast.previous = published_review(cast, published_days_ago=200)
        cast.review = make_review(cast.org, cast.lead, [cast.co], kind=ReviewKind.follow_up,
                                  previous_review_id=cast.previous.id)
        cast.goal = add_goal(cast, "Bedre samarbeid med NAV")
        cast.second = add_goal(cast, "Flere jobbstarter", areas=("5",))
        add_task(cast, cast.goal, "Avtal møte")
        goal_updates.add_update(cast.leader, cast.goal, "at_risk", "NAV-kontoret har byttet kontaktperson")
        db.session.commit()
        cast.other_goal = add_goal(_other(cast), "Fremmed mål", owner=cast.outsider)
    return cast


def _other(cast):
    from types import SimpleNamespace

    return SimpleNamespace(leader=cast.outsider, org=cast.outsider_org, staff=[cast.outsider_staff])


def _comment_url(cast, goal_id=None):
    return f"/api/v1/reviews/{cast.review.id}/plan/goals/{goal_id or cast.goal.id}/comment"


def _comments():
    db.session.expire_all()
    return db.session.execute(sa.select(GoalReviewComment.goal_id, GoalReviewComment.text,
                                        GoalReviewComment.version).order_by(GoalReviewComment.id)).all()


def test_the_plan_api_shows_goals_with_history_since_the_previous_review(api, cast):
    body = api.get(f"/api/v1/reviews/{cast.review.id}/plan", user=cast.lead).get_json()
    assert body["kind"] == "follow_up" and body["can_comment"] is True
    assert body["since"].startswith((TODAY - dt.timedelta(days=200)).isoformat())
    goals = {g["title"]: g for g in body["goals"]}
    assert set(goals) == {"Bedre samarbeid med NAV", "Flere jobbstarter"}
    nav = goals["Bedre samarbeid med NAV"]
    assert nav["health"] == "at_risk" and nav["tasks_open"] == 1 and nav["tasks_done"] == 0
    assert any(h["kind"] == "update" and h["note"] == "NAV-kontoret har byttet kontaktperson" for h in nav["history"])
    assert nav["comment"] is None


@pytest.mark.parametrize("who,status", [("lead", 200), ("co", 200), ("coordinator", 200), ("leader", 200),
                                        ("org_admin", 200), ("staff", 403), ("other_revisor", 404),
                                        ("outsider", 404)])
def test_who_reads_the_plan_of_a_review(api, client, auth, cast, who, status):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    assert api.get(f"/api/v1/reviews/{cast.review.id}/plan", user=user).status_code == status
    auth.login(user)
    assert client.get(f"/reviews/{cast.review.id}/action-plan").status_code == status


def test_comments_are_versioned_and_a_stale_save_changes_nothing(api, cast):
    first = api.put(_comment_url(cast), json={"text": "Godt arbeid med NAV."}, user=cast.lead)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["version"] == 1 and first.get_json()["author"] == "Rita Revisor"
    second = api.put(_comment_url(cast), json={"text": "Godt arbeid, men følg opp.", "version": 1}, user=cast.co)
    assert second.status_code == 200 and second.get_json()["version"] == 2
    stale = api.put(_comment_url(cast), json={"text": "Overskriver", "version": 1}, user=cast.lead)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert _comments() == [(cast.goal.id, "Godt arbeid, men følg opp.", 2)]


@pytest.mark.parametrize("who,status", [("leader", 403), ("coordinator", 403), ("staff", 403),
                                        ("other_revisor", 404)])
def test_only_the_assigned_revisors_comment(api, cast, who, status):
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    response = api.put(_comment_url(cast), json={"text": "Hei"}, user=user)
    assert response.status_code == status
    assert _comments() == []


def test_bad_comments_are_refused(api, cast):
    assert api.put(_comment_url(cast, cast.other_goal.id), json={"text": "x"}, user=cast.lead).status_code == 404
    assert api.put(_comment_url(cast, 999999), json={"text": "x"}, user=cast.lead).status_code == 404
    too_long = api.put(_comment_url(cast), json={"text": "x" * (plan_follow_up.MAX_COMMENT + 1)}, user=cast.lead)
    assert too_long.status_code == 422
    assert api.put(_comment_url(cast), json={"text": 5}, user=cast.lead).status_code == 422
    assert _comments() == []


def test_no_comments_after_publication(api, cast):
    cast.review.state = ReviewState.published
    cast.review.published_at = clock.now()
    db.session.commit()
    response = api.put(_comment_url(cast), json={"text": "For sent"}, user=cast.lead)
    assert response.status_code == 409
    assert _comments() == []


def test_the_page_saves_a_comment_and_shows_both_texts_on_a_stale_save(client, auth, cast):
    auth.login(cast.lead)
    page = client.get(f"/reviews/{cast.review.id}/action-plan")
    html = page.get_data(as_text=True)
    assert "Bedre samarbeid med NAV" in html and "NAV-kontoret har byttet kontaktperson" in html
    prefix = f"goal-{cast.goal.id}"
    saved = client.post(f"/reviews/{cast.review.id}/action-plan/goals/{cast.goal.id}/comment",
                        data={f"{prefix}-text": "Første kommentar", f"{prefix}-version": "0"})
    assert saved.status_code == 302
    client.post(f"/reviews/{cast.review.id}/action-plan/goals/{cast.goal.id}/comment",
                data={f"{prefix}-text": "Andre kommentar", f"{prefix}-version": "1"})
    stale = client.post(f"/reviews/{cast.review.id}/action-plan/goals/{cast.goal.id}/comment",
                        data={f"{prefix}-text": "Min tekst som ikke skal forsvinne", f"{prefix}-version": "1"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Andre kommentar" in html and "Min tekst som ikke skal forsvinne" in html
    assert _comments() == [(cast.goal.id, "Andre kommentar", 2)]


def test_two_revisors_writing_the_first_comment_at_once(client, auth, api, cast):
    auth.login(cast.co)
    prefix = f"goal-{cast.goal.id}"
    page = client.get(f"/reviews/{cast.review.id}/action-plan").get_data(as_text=True)
    assert f'name="{prefix}-version" type="hidden" value="0"' in page or 'value="0"' in page
    api.put(_comment_url(cast), json={"text": "Først ute"}, user=cast.lead)
    late = client.post(f"/reviews/{cast.review.id}/action-plan/goals/{cast.goal.id}/comment",
                       data={f"{prefix}-text": "Også min", f"{prefix}-version": "0"})
    assert late.status_code == 409 and "Først ute" in late.get_data(as_text=True)
    assert _comments() == [(cast.goal.id, "Først ute", 1)]


def test_the_overview_links_the_plan_page(client, auth, cast):
    auth.login(cast.lead)
    html = client.get(f"/reviews/{cast.review.id}").get_data(as_text=True)
    assert f"/reviews/{cast.review.id}/action-plan" in html


def test_the_follow_up_report_holds_the_plan_and_the_comments(app, api, cast):
    api.put(_comment_url(cast), json={"text": "Følg opp kontaktpersonen."}, user=cast.lead)
    with app.test_request_context():
        review = db.session.merge(cast.review)
        content = review_report.build_content(review)
        plan = {g["title"]: g for g in content["action_plan"]}
        nav = plan["Bedre samarbeid med NAV"]
        assert nav["comment"] == "Følg opp kontaktpersonen." and nav["health"] == "at_risk"
        assert nav["tasks_open"] == 1 and nav["owner"] == "Lise Leder"
        assert [u["note"] for u in nav["updates"]] == ["NAV-kontoret har byttet kontaktperson"]
        html = review_report.render_pdf_bytes(content, "nb", draft=True)
        assert html.startswith(b"%PDF")
        # a certification report has no plan
        assert review_report.build_content(db.session.merge(cast.previous))["action_plan"] == []


def test_the_report_page_shows_the_plan(client, auth, api, cast):
    api.put(_comment_url(cast), json={"text": "Følg opp kontaktpersonen."}, user=cast.lead)
    auth.login(cast.lead)
    html = client.get(f"/reviews/{cast.review.id}/report").get_data(as_text=True)
    assert "Følg opp kontaktpersonen." in html and "Bedre samarbeid med NAV" in html


def test_goals_closed_before_the_previous_review_are_left_out(app, cast, monkeypatch):
    with app.test_request_context():
        goal = db.session.merge(cast.second)
        goal_service.change_state(cast.leader, goal, "achieve", goal.version, "Nådd")
        db.session.commit()
        review = db.session.merge(cast.review)
        assert {r.goal.title for r in plan_follow_up.rows(review)} == {"Bedre samarbeid med NAV", "Flere jobbstarter"}
        # pretend the previous review was published after the goal was closed
        previous = db.session.merge(cast.previous)
        previous.published_at = clock.now() + dt.timedelta(days=1)
        db.session.commit()
        assert {r.goal.title for r in plan_follow_up.rows(review)} == {"Bedre samarbeid med NAV"}


def test_the_package_holds_the_plan(app, cast):
    with app.test_request_context():
        data = review_package.package(db.session.merge(cast.review))
        plan = {g["title"]: g for g in data["action_plan"]}
        nav = plan["Bedre samarbeid med NAV"]
        assert nav["last_update"]["health"] == "at_risk"
        assert [t["title"] for t in nav["tasks"]] == ["Avtal møte"] and nav["deputy"] == "Medarbeider 0"
        assert "Fremmed mål" not in plan
        contents = review_package.contents(db.session.merge(cast.review))
        assert {g["title"] for g in contents["action_plan"]} == set(plan)


def test_the_package_api_holds_the_plan(api, cast):
    body = api.get(f"/api/v1/reviews/{cast.review.id}/package", user=cast.lead).get_json()
    assert {g["title"] for g in body["action_plan"]} == {"Bedre samarbeid med NAV", "Flere jobbstarter"}
