"""The action plan in the browser: the plan page with the 5–6 rule, a new goal (also from a
recommendation of a published report), the goal page (tasks ticked off with one tap, updates,
evidence, state changes asked first), edits that meet a newer version (both shown, nothing typed
lost), "my tasks" on the dashboard, and CSRF on every form."""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import Absence, Evidence, Goal, GoalState, Recommendation, ReviewState, Task, TaskState, goal_evidence
from seqf.services import goals as goal_service
from seqf.services import recommendations
from tests.web.network_helpers import report
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.review_helpers import make_review


@pytest.fixture
def cast(make_org, make_user):
    return plan_cast(make_org, make_user)


def goal_form(cast, **extra) -> dict:
    return {"title": "Bedre oppfølging av arbeidsgivere", "description": "Vi skal **følge opp** hver måned.",
            "owner_id": str(cast.leader.id), "deputy_id": str(cast.staff[0].id), "due_on": "2027-05-31",
            "areas": ["4"], **extra}


def refresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def test_every_member_reads_the_plan_and_the_menu_shows_it(cast, client, auth):
    goal = add_goal(cast)
    add_task(cast, goal, due_in_days=-2)
    auth.login(cast.viewer)
    page = client.get(f"/organisations/{cast.org.id}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert goal.title in html and f"/goals/{goal.id}" in html
    assert "tag--error" in html  # one overdue task stands out
    assert f"/organisations/{cast.org.id}/goals/new" not in html  # viewers do not add goals
    overview = client.get(f"/organisations/{cast.org.id}/").get_data(as_text=True)
    assert f"/organisations/{cast.org.id}/plan" in overview
    assert client.get(f"/goals/{goal.id}").status_code == 200
    assert client.get(f"/organisations/{cast.org.id}/goals/new").status_code == 403


def test_outsiders_get_404(cast, client, auth):
    goal = add_goal(cast)
    task = add_task(cast, goal)
    auth.login(cast.outsider)
    assert client.get(f"/organisations/{cast.org.id}/plan").status_code == 404
    assert client.get(f"/goals/{goal.id}").status_code == 404
    assert client.get(f"/goals/{goal.id}/edit").status_code == 404
    assert client.post(f"/tasks/{task.id}/state", data={"state": "done", "version": "1"}).status_code == 404
    assert refresh(task).state == TaskState.open


def test_a_leader_adds_a_goal_and_bad_input_keeps_the_form(cast, client, auth):
    auth.login(cast.leader)
    path = f"/organisations/{cast.org.id}/goals/new"
    assert client.get(path).status_code == 200
    bad = client.post(path, data=goal_form(cast, due_on="31.05.2027", deputy_id=str(cast.leader.id)))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="due_on-error"' in html and 'id="deputy_id-error"' in html
    assert "Bedre oppfølging av arbeidsgivere" in html  # what was typed stays
    outsider = client.post(path, data=goal_form(cast, owner_id=str(cast.outsider.id)))
    assert outsider.status_code == 422 and 'id="owner_id-error"' in outsider.get_data(as_text=True)
    assert db.session.query(Goal).count() == 0
    made = client.post(path, data=goal_form(cast))
    assert made.status_code == 302
    goal = db.session.query(Goal).one()
    assert goal.owner_id == cast.leader.id and goal.areas == ["4"] and goal.due_on == dt.date(2027, 5, 31)
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "<strong>følge opp</strong>" in page


def test_the_description_is_sanitised(cast, client, auth):
    goal = add_goal(cast, description="Hei <script>alert(1)</script><img src=x onerror=alert(2)>")
    auth.login(cast.staff[1])
    html = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "onerror" not in html


def test_six_active_goals_explain_the_rule_and_a_seventh_is_refused(cast, client, auth):
    for n in range(6):
        add_goal(cast, f"Mål {n}")
    auth.login(cast.org_admin)
    plan = client.get(f"/organisations/{cast.org.id}/plan").get_data(as_text=True)
    assert 'id="limit-h"' in plan
    form_page = client.get(f"/organisations/{cast.org.id}/goals/new").get_data(as_text=True)
    assert 'id="limit-h"' in form_page
    refused = client.post(f"/organisations/{cast.org.id}/goals/new", data=goal_form(cast))
    assert refused.status_code == 422
    assert goal_service.active_count(cast.org.id) == 6
    assert "Bedre oppfølging av arbeidsgivere" in refused.get_data(as_text=True)


def test_state_changes_are_asked_first_and_drop_needs_a_reason(cast, client, auth):
    goal = add_goal(cast)
    auth.login(cast.leader)
    asked = client.post(f"/goals/{goal.id}/state", data={"transition": "drop", "version": "1"})
    assert asked.status_code == 200 and 'id="confirm-h"' in asked.get_data(as_text=True)
    assert refresh(goal).state == GoalState.active
    no_reason = client.post(f"/goals/{goal.id}/state", data={"transition": "drop", "version": "1", "confirm": "yes"})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.get_data(as_text=True)
    assert refresh(goal).state == GoalState.active
    dropped = client.post(f"/goals/{goal.id}/state", data={"transition": "drop", "version": "1", "confirm": "yes",
                                                         "reason": "Passer ikke lenger"})
    assert dropped.status_code == 302
    goal = refresh(goal)
    assert goal.state == GoalState.dropped and goal.state_reason == "Passer ikke lenger"
    reopened = client.post(f"/goals/{goal.id}/state", data={"transition": "reopen", "version": str(goal.version),
                                                          "confirm": "yes"})
    assert reopened.status_code == 302 and refresh(goal).state == GoalState.active


def test_tasks_updates_and_evidence_on_the_goal_page(cast, client, auth):
    goal = add_goal(cast)
    evidence = Evidence(organisation_id=cast.org.id, title="Rutine for oppfølging", url="https://example.org/r")
    db.session.add(evidence)
    db.session.commit()
    auth.login(cast.staff[0])  # the deputy
    bad = client.post(f"/goals/{goal.id}/tasks", data={"title": "Ring", "assignee_id": str(cast.outsider.id),
                                                       "due_on": "2027-13-01"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="assignee_id-error"' in html and 'id="due_on-error"' in html
    made = client.post(f"/goals/{goal.id}/tasks", data={"title": "Ring NAV", "assignee_id": str(cast.staff[1].id),
                                                        "due_on": "2027-01-15"})
    assert made.status_code == 302
    assert client.post(f"/goals/{goal.id}/updates", data={"health": "at_risk", "note": "Går tregt"}).status_code == 302
    assert client.post(f"/goals/{goal.id}/updates", data={"health": "sunny"}).status_code == 422
    assert client.post(f"/goals/{goal.id}/evidence", data={"evidence_id": str(evidence.id)}).status_code == 302
    goal = refresh(goal)
    assert goal.health.value == "at_risk" and [t.title for t in goal.tasks] == ["Ring NAV"]
    assert db.session.query(goal_evidence).count() == 1
    page = client.get(f"/goals/{goal.id}").get_data(as_text=True)
    assert "Går tregt" in page and "Rutine for oppfølging" in page and 'id="timeline-h"' in page


def test_ticking_off_is_one_tap_and_a_second_tap_is_kind(cast, client, auth):
    goal = add_goal(cast)
    task = add_task(cast, goal, assignee=cast.staff[1])
    auth.login(cast.staff[1])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'id="my-tasks-h"' in dashboard and task.title in dashboard
    assert f'action="/tasks/{task.id}/state"' in dashboard
    tapped = client.post(f"/tasks/{task.id}/state", data={"state": "done", "version": "1", "next": "dashboard"})
    assert tapped.status_code == 302 and "my-tasks" in tapped.headers["Location"]
    assert refresh(task).state == TaskState.done
    again = client.post(f"/tasks/{task.id}/state", data={"state": "done", "version": "1"}, follow_redirects=True)
    assert again.status_code == 200 and "allerede krysset av" in again.get_data(as_text=True)
    assert refresh(task).version == 2 and refresh(task).state == TaskState.done


def test_csrf_is_required(cast, client, auth):
    goal = add_goal(cast)
    task = add_task(cast, goal, assignee=cast.staff[1])
    auth.login(cast.leader)
    client.post(f"/organisations/{cast.org.id}/goals/new", data=goal_form(cast, title="Uten token"), csrf=False)
    client.post(f"/goals/{goal.id}/tasks", data={"title": "x", "assignee_id": str(cast.staff[1].id)}, csrf=False)
    client.post(f"/tasks/{task.id}/state", data={"state": "done", "version": "1"}, csrf=False)
    client.post(f"/goals/{goal.id}/state", data={"transition": "achieve", "version": "1", "confirm": "yes"},
                csrf=False)
    assert db.session.query(Goal).count() == 1 and db.session.query(Task).count() == 1
    assert refresh(task).state == TaskState.open and refresh(goal).state == GoalState.active


def test_a_stale_goal_edit_shows_both_versions_and_keeps_what_was_typed(cast, client, auth):
    goal = add_goal(cast, "Opprinnelig tittel")
    auth.login(cast.leader)
    form = client.get(f"/goals/{goal.id}/edit").get_data(as_text=True)
    assert 'name="version"' in form and 'value="1"' in form
    goal_service.edit_goal(cast.org_admin, refresh(goal), 1, {"title": "Deres tittel"})
    db.session.commit()
    mine = goal_form(cast, title="Min tittel", description="Min lange tekst som ikke skal forsvinne", version="1")
    stale = client.post(f"/goals/{goal.id}/edit", data=mine)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'id="stale-h"' in html and "Deres tittel" in html
    assert "Min tittel" in html and "Min lange tekst som ikke skal forsvinne" in html
    assert re.search(r'name="version"[^>]*value="2"|value="2"[^>]*name="version"', html)
    assert refresh(goal).title == "Deres tittel"
    kept = client.post(f"/goals/{goal.id}/edit", data={**mine, "version": "2"})
    assert kept.status_code == 302
    goal = refresh(goal)
    assert goal.title == "Min tittel" and goal.version == 3


def test_a_stale_task_edit_keeps_what_was_typed(cast, client, auth):
    goal = add_goal(cast)
    task = add_task(cast, goal, "Første versjon")
    auth.login(cast.leader)
    assert client.get(f"/tasks/{task.id}/edit").status_code == 200
    from seqf.services import tasks as task_service

    task_service.edit_task(cast.org_admin, refresh(task), 1, {"title": "Deres oppgave"})
    db.session.commit()
    mine = {"title": "Min oppgave", "assignee_id": str(cast.staff[0].id), "due_on": "2027-02-01",
            "note": "Mitt notat", "version": "1"}
    stale = client.post(f"/tasks/{task.id}/edit", data=mine)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Deres oppgave" in html and "Min oppgave" in html and "Mitt notat" in html
    assert client.post(f"/tasks/{task.id}/edit", data={**mine, "version": "2"}).status_code == 302
    assert refresh(task).title == "Min oppgave"


def test_the_acting_deputy_is_shown_while_the_owner_is_away(cast, client, auth):
    add_goal(cast)
    db.session.add(Absence(user_id=cast.leader.id, starts_on=clock.today(), ends_on=clock.today() + dt.timedelta(7)))
    db.session.commit()
    auth.login(cast.viewer)
    html = client.get(f"/organisations/{cast.org.id}/plan").get_data(as_text=True)
    assert cast.staff[0].name in html and "fungerende" in html


def published_with_recommendations(cast, make_user):
    revisor = make_user(roles=("revisor",), name="Rita Revisor")
    review = make_review(cast.org, revisor, state=ReviewState.published, starts_in_days=-40,
                         published_at=clock.now() - dt.timedelta(days=2))
    version = report(review, {"3": 3, "4": 2})
    content = copy.deepcopy(version.content)
    content["areas"][1]["recommendations"] = [{"number": "4.1", "text": "Lag en plan for jobbsøk med hver deltaker."}]
    version.content = content
    db.session.commit()
    recommendations.materialise(review, version)
    db.session.commit()
    return review, db.session.query(Recommendation).one()


def test_make_this_a_goal_from_the_report(cast, client, auth, make_user):
    review, rec = published_with_recommendations(cast, make_user)
    auth.login(cast.leader)
    page = client.get(f"/reviews/{review.id}/report")
    assert page.status_code == 200
    link = f"/organisations/{cast.org.id}/goals/new?recommendation={rec.id}"
    assert link in page.get_data(as_text=True)
    prefilled = client.get(link).get_data(as_text=True)
    assert "Lag en plan for jobbsøk med hver deltaker." in prefilled
    assert re.search(rf'value="{rec.id}"[^>]*checked|checked[^>]*value="{rec.id}"', prefilled)
    made = client.post(f"/organisations/{cast.org.id}/goals/new",
                       data=goal_form(cast, recommendation_ids=[str(rec.id)]))
    assert made.status_code == 302
    assert [r.id for r in db.session.query(Goal).one().recommendations] == [rec.id]
    auth.logout()
    auth.login(cast.staff[1])
    staff_page = client.get(f"/reviews/{review.id}/report")
    assert staff_page.status_code != 200 or link not in staff_page.get_data(as_text=True)


def test_a_stale_state_change_is_asked_again_with_the_stored_version(cast, client, auth):
    goal = add_goal(cast)
    goal_service.edit_goal(cast.org_admin, goal, 1, {"title": "Endret av en annen"})
    db.session.commit()
    auth.login(cast.leader)
    stale = client.post(f"/goals/{goal.id}/state", data={"transition": "achieve", "version": "1", "confirm": "yes"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'id="confirm-h"' in html and 'name="version" value="2"' in html
    assert refresh(goal).state == GoalState.active
    done = client.post(f"/goals/{goal.id}/state", data={"transition": "achieve", "version": "2", "confirm": "yes"})
    assert done.status_code == 302 and refresh(goal).state == GoalState.achieved


#          leader org_admin staff viewer outsider coordinator
MATRIX = {
    "/organisations/{org}/plan":      [200, 200, 200, 200, 404, 200],
    "/organisations/{org}/goals/new": [200, 200, 403, 403, 404, 403],
    "/goals/{goal}":                  [200, 200, 200, 200, 404, 200],
    "/goals/{goal}/edit":             [200, 200, 200, 403, 404, 403],  # staff[0] is the deputy
    "/tasks/{task}/edit":             [200, 200, 200, 403, 404, 403],  # staff[0] is the assignee (note)
}


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix_of_the_plan_pages(cast, client, auth, path):
    goal = add_goal(cast)
    task = add_task(cast, goal)
    url = path.format(org=cast.org.id, goal=goal.id, task=task.id)
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    people = [cast.leader, cast.org_admin, cast.staff[0], cast.viewer, cast.outsider, cast.coordinator]
    for person, expected in zip(people, MATRIX[path], strict=True):
        auth.login(person)
        assert client.get(url).status_code == expected, (person.name, url)
        auth.logout()


def test_a_goal_without_an_update_for_six_weeks_stands_out_on_the_plan(client, auth, cast):
    quiet, lively = add_goal(cast, "Stille mål"), add_goal(cast, "Livlig mål")
    seven_weeks_ago = clock.now() - dt.timedelta(weeks=7, hours=12)  # 49 or 50 Oslo days, whatever the hour
    quiet.created_at = lively.created_at = seven_weeks_ago
    lively.last_update_at = clock.now() - dt.timedelta(weeks=5)
    db.session.commit()
    auth.login(cast.leader)
    page = client.get(f"/organisations/{cast.org.id}/plan").get_data(as_text=True)
    cards = {title: page[page.index(title):page.index("</li>", page.index(title))]
             for title in ("Stille mål", "Livlig mål")}
    assert "ingen statusoppdatering på 7 uker" in cards["Stille mål"]
    assert "ingen statusoppdatering" not in cards["Livlig mål"]
