"""The living action plan in Chromium, from the published report to a task ticked off on a phone.

The leader turns six of the report's recommendations into goals ("Make this a goal"), finds the plan
full (the 5–6 rule), adds tasks; creates the leader meeting series, opens today's meeting on a wide
screen from its generated agenda, records a progress update and a new task on the spot, marks who
is present and writes the minutes, and downloads agenda and minutes as PDF. A staff member then
ticks a task off on a phone from "My tasks". Every step goes through the pages a user clicks.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import Goal, GoalHealth, GoalState, Meeting, Task, TaskState
from seqf.services import publication
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, path_of, screenshot
from tests.web.findings_helpers import record_all, setup

pytestmark = pytest.mark.e2e

WIDE = {"width": 1600, "height": 1000}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(viewport, email):
        context = browser.new_context(viewport=viewport, base_url=live_server, locale="nb-NO",
                                      timezone_id="Europe/Oslo", accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    yield make
    for context in contexts:
        context.close()


def looked_at(page, name: str) -> None:
    screenshot(page, name)
    assert accessibility_problems(page) == [], name


def submit(page, form_action_suffix: str) -> None:
    """Press the submit button of the form posting to ``…<suffix>`` and wait for the next page."""
    with page.expect_navigation():
        page.click(f"form[action$='{form_action_suffix}'] button[type=submit]")


def test_recommendations_become_a_plan_run_in_a_meeting_and_ticked_off_on_a_phone(open_page, make_org, make_user):
    cast = setup(make_org, make_user)
    record_all(cast.review, cast.lead, cast.evidence.id)  # a recommendation "Do <area>" in each of the nine
    publication.publish(cast.lead, cast.review)
    db.session.commit()
    today = clock.today()
    staff = cast.staff[0]

    # 1. the leader makes six goals from the report's recommendations
    leader = open_page(WIDE, cast.leader.email)
    for n in range(1, 7):
        leader.goto(f"/reviews/{cast.review.id}/report")
        leader.click(f"#make-goal-h ~ ul li:nth-child({n}) a")
        leader.wait_for_url(lambda url: "/goals/new" in url)
        assert leader.input_value("#title"), "the recommendation fills in the title"
        leader.select_option("#owner_id", str(cast.leader.id))
        leader.select_option("#deputy_id", str(staff.id))
        leader.fill("#due_on", (today + dt.timedelta(days=90 + n)).isoformat())
        if n == 1:
            looked_at(leader, "plan-01-new-goal-from-recommendation")
        with leader.expect_navigation():
            leader.click("main form button[type=submit]")
        assert path_of(leader).startswith("/goals/")
    goals = list(db.session.scalars(sa.select(Goal).where(Goal.organisation_id == cast.org.id).order_by(Goal.id)))
    assert len(goals) == 6 and all(g.state == GoalState.active and g.recommendations for g in goals)

    leader.goto(f"/organisations/{cast.org.id}/plan")
    leader.wait_for_selector("#limit-h")  # six active: the 5–6 rule is explained instead of "New goal"
    looked_at(leader, "plan-02-plan-full")

    # 2. tasks under the first goal: one for the staff member due tomorrow, one for the leader
    first = goals[0]
    for title, who, due in [("Lag utkast til sjekkliste", staff, 1), ("Avtal møte med NAV", cast.leader, 20)]:
        leader.goto(f"/goals/{first.id}")
        leader.fill("#title", title)
        leader.select_option("#assignee_id", str(who.id))
        leader.fill("#due_on", (today + dt.timedelta(days=due)).isoformat())
        submit(leader, f"/goals/{first.id}/tasks")
    leader.wait_for_selector("text=Lag utkast til sjekkliste")
    looked_at(leader, "plan-03-goal-with-tasks")

    # 3. the leader meeting series, and today's meeting opened from its generated agenda
    leader.goto(f"/organisations/{cast.org.id}/meeting-series/new")
    leader.fill("#title", "Ledermøte")
    leader.fill("#interval_days", "14")
    leader.fill("#first_on", today.isoformat())
    leader.fill("#starts_at", "09:00")
    leader.fill("#place", "Møterommet")
    leader.check(f"input[name=participant_ids][value='{cast.leader.id}']")
    with leader.expect_navigation():
        leader.click("main form button[type=submit]")
    assert path_of(leader).startswith("/meeting-series/")
    looked_at(leader, "plan-04-series")
    with leader.expect_navigation():
        leader.click("form[action$='/open'] button[type=submit] >> nth=0")
    leader.wait_for_url(lambda url: "/meetings/" in url)
    meeting_id = int(path_of(leader).rsplit("/", 1)[1])
    for goal in goals:  # the agenda goes through every active goal
        assert leader.locator(f"form[action$='/goals/{goal.id}/update']").count() == 1
    looked_at(leader, "plan-05-meeting-wide")

    # a progress update for the first goal, and a task decided on the spot
    leader.check(f"#u{first.id}-health-1")  # at risk
    leader.fill(f"#u{first.id}-note", "Sjekklisten venter på avdeling Nord.")
    submit(leader, f"/meetings/{meeting_id}/goals/{first.id}/update")
    # the meeting's one task form: the goal is chosen in it (a goal card's link preselects it)
    leader.select_option("#new-task #goal_id", str(first.id))
    leader.fill("#new-task #title", "Ring avdeling Nord")
    leader.select_option("#new-task #assignee_id", str(staff.id))
    leader.fill("#new-task #due_on", (today + dt.timedelta(days=7)).isoformat())
    submit(leader, f"/meetings/{meeting_id}/tasks")

    # who is present, and the minutes
    leader.check(f"input[name=user_ids][value='{cast.leader.id}']")
    submit(leader, f"/meetings/{meeting_id}/attendees")
    leader.fill("#markdown", "## Handlingsplan SEQF\n\n- Gikk gjennom alle seks mål.\n- Sjekklisten er **i fare**.")
    submit(leader, f"/meetings/{meeting_id}/minutes")
    leader.wait_for_selector("text=Gikk gjennom alle seks mål.")
    looked_at(leader, "plan-06-meeting-minuted")
    pdf = leader.request.get(f"/meetings/{meeting_id}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    assert "Gikk gjennom alle seks mål." in meeting.minutes
    assert [u.id for u in meeting.attendees] == [cast.leader.id]
    assert db.session.get(Goal, first.id).health == GoalHealth.at_risk
    decided = db.session.scalar(sa.select(Task).where(Task.title == "Ring avdeling Nord"))
    assert decided.meeting_id == meeting_id and decided.assignee_id == staff.id

    # 4. the staff member ticks a task off on a phone, from "My tasks"
    phone = open_page(PHONE, staff.email)
    phone.wait_for_selector("#my-tasks-h")
    looked_at(phone, "plan-07-my-tasks-phone")
    draft = db.session.scalar(sa.select(Task).where(Task.title == "Lag utkast til sjekkliste"))
    with phone.expect_navigation():
        phone.click(f"form[action$='/tasks/{draft.id}/state'] button[type=submit]")
    db.session.expire_all()
    assert db.session.get(Task, draft.id).state == TaskState.done
    looked_at(phone, "plan-08-ticked-off-phone")
