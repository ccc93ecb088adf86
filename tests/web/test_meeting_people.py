"""The meeting page's pickers offer the people who matter for the meeting, not the whole
organisation (issue 9): one "new task" form with a goal selector, attendee checkboxes for the
series' participants and recorded attendees, and anyone else named by e-mail or full name (no
JavaScript needed). Bad input lands on the fields with 422; people of other organisations are
never found."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import GoalState, MeetingSeries, Task
from tests.web.meeting_helpers import add_series, open_on
from tests.web.plan_helpers import add_goal, plan_cast

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    cast = plan_cast(make_org, make_user)
    cast.crowd = [make_user(org=cast.org, member_role="staff", name=f"Mengde {i:02d}",
                            email=f"mengde{i}@example.no") for i in range(6)]
    return cast


def _meeting(cast):
    goal = add_goal(cast, "Flere i jobb", deputy=cast.staff[0])
    return open_on(cast, add_series(cast, dt.date(2027, 3, 2)), dt.date(2027, 3, 2)), goal


def test_the_page_offers_the_meetings_people_not_every_member(client, auth, cast):
    meeting, goal = _meeting(cast)
    auth.login(cast.leader)
    page = client.get(f"/meetings/{meeting.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('name="goal_id"') == 1 and text.count('name="assignee_id"') == 1
    assert cast.staff[0].name in text  # a participant and the goal's deputy
    assert "Mengde 00" not in text  # a member with no part in the meeting
    assert 'name="others"' in text and 'name="assignee_other"' in text
    chosen = client.get(f"/meetings/{meeting.id}?task_goal={goal.id}").get_data(as_text=True)
    assert f'<option selected value="{goal.id}">' in chosen


def test_a_task_for_someone_else_by_e_mail_and_bad_input(client, auth, cast):
    meeting, goal = _meeting(cast)
    auth.login(cast.leader)
    made = client.post(f"/meetings/{meeting.id}/tasks", data={
        "goal_id": str(goal.id), "title": "Ring NAV", "assignee_id": "0",
        "assignee_other": "MENGDE3@example.no", "due_on": "2027-03-10"})
    assert made.status_code == 302
    assert made.headers["Location"].endswith(f"#goal-{goal.id}")
    task = db.session.scalar(db.select(Task).where(Task.meeting_id == meeting.id))
    assert (task.title, task.assignee_id) == ("Ring NAV", cast.crowd[3].id)

    picked = client.post(f"/meetings/{meeting.id}/tasks", data={
        "goal_id": str(goal.id), "title": "Skriv referat", "assignee_id": str(cast.staff[0].id)})
    assert picked.status_code == 302

    unknown = client.post(f"/meetings/{meeting.id}/tasks", data={
        "goal_id": str(goal.id), "title": "Ring", "assignee_id": "0", "assignee_other": cast.outsider.email})
    assert unknown.status_code == 422
    assert 'id="assignee_other-error"' in unknown.get_data(as_text=True)
    nobody = client.post(f"/meetings/{meeting.id}/tasks", data={"goal_id": str(goal.id), "title": "Ring",
                                                                "assignee_id": "0"})
    assert nobody.status_code == 422
    assert 'id="assignee_id-error"' in nobody.get_data(as_text=True)

    paused = add_goal(cast, "Annet mål")
    paused.state = GoalState.paused
    db.session.commit()
    for goal_id in ("0", str(paused.id), "abc", "999999"):
        bad = client.post(f"/meetings/{meeting.id}/tasks", data={
            "goal_id": goal_id, "title": "Ring", "assignee_id": str(cast.leader.id)})
        assert bad.status_code == 422, goal_id
    assert db.session.scalar(db.select(db.func.count()).select_from(Task).where(Task.meeting_id == meeting.id)) == 2
    expired = client.post(f"/meetings/{meeting.id}/tasks", data={"goal_id": str(goal.id), "title": "x"}, csrf=False)
    assert expired.status_code == 400  # the app-wide CSRF protection


def test_attendees_named_by_e_mail_or_name(client, auth, cast):
    meeting, _goal = _meeting(cast)
    auth.login(cast.leader)
    saved = client.post(f"/meetings/{meeting.id}/attendees", data={
        "user_ids": [str(cast.leader.id)], "others": "mengde1@example.no, mengde 02"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert {u.id for u in meeting.attendees} == {cast.leader.id, cast.crowd[1].id, cast.crowd[2].id}
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Mengde 01" in page and "Mengde 00" not in page  # recorded attendees become checkboxes
    bad = client.post(f"/meetings/{meeting.id}/attendees", data={"user_ids": [str(cast.leader.id)],
                                                                  "others": f"{cast.outsider.email}"})
    assert bad.status_code == 422
    assert 'id="others-error"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert len(meeting.attendees) == 3


def test_series_participants_added_by_name(client, auth, cast):
    auth.login(cast.leader)
    form = client.get(f"/organisations/{cast.org.id}/meeting-series/new").get_data(as_text=True)
    assert "Mengde 00" not in form and 'name="others"' in form
    made = client.post(f"/organisations/{cast.org.id}/meeting-series/new", data={
        "title": "Ledermøte", "interval_days": "14", "first_on": "2027-03-02", "duration_minutes": "60",
        "participant_ids": [str(cast.leader.id)], "others": "Mengde 04"})
    assert made.status_code == 302, made.get_data(as_text=True)
    series = db.session.scalar(db.select(MeetingSeries))
    assert {u.id for u in series.participants} == {cast.leader.id, cast.crowd[4].id}
    edit = client.get(f"/meeting-series/{series.id}/edit").get_data(as_text=True)
    assert "Mengde 04" in edit and "Mengde 05" not in edit
    bad = client.post(f"/meeting-series/{series.id}/edit", data={
        "title": "Ledermøte", "interval_days": "14", "first_on": "2027-03-02", "duration_minutes": "60",
        "participant_ids": [str(cast.leader.id)], "others": "Ingen Slik", "version": str(series.version)})
    assert bad.status_code == 422
    assert 'id="others-error"' in bad.get_data(as_text=True)


def test_a_goal_card_lists_its_first_open_tasks_and_links_to_the_rest(client, auth, cast):
    meeting, goal = _meeting(cast)
    for n in range(11):
        db.session.add(Task(goal=goal, organisation_id=cast.org.id, title=f"Oppgave {n:02d}",
                            assignee_id=cast.staff[1].id, due_on=TODAY + dt.timedelta(days=n)))
    db.session.commit()
    auth.login(cast.viewer)
    text = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    card = text[text.index(f'id="goal-{goal.id}"'):text.index('id="rest"')]
    assert "Oppgave 07" in card and "Oppgave 08" not in card  # soonest due first, eight shown
    assert f"/goals/{goal.id}" in card


def test_a_kept_picker_writes_what_wtforms_writes_for_exactly_its_choices(app):
    """The pickers' HTML is kept per everything it shows: the same bytes as WTForms' own widget, and
    another selection, name, label or attribute is another entry."""
    from wtforms import widgets
    from wtforms.fields.choices import SelectChoice

    from seqf.meetings.forms import AttendeesForm, MeetingTaskForm

    with app.test_request_context("/"):
        def task_form(assignee: int, name: str) -> MeetingTaskForm:
            form = MeetingTaskForm(formdata=None, meta={"csrf": False})
            form.assignee_id.choices = [SelectChoice(0, "Someone else"), SelectChoice(7, name),
                                        SelectChoice(9, "Per <Ås>")]
            form.assignee_id.data = assignee
            return form

        def plain(field, **kwargs) -> str:
            return str(widgets.Select()(field, **kwargs))

        for assignee, name in [(7, "Kari Nordmann"), (9, "Kari Nordmann"), (7, "Kari Nordmann"), (7, "Ola")]:
            field = task_form(assignee, name).assignee_id
            assert str(field(class_="input")) == plain(field, class_="input")
            assert str(field(class_="input", aria_invalid="true")) == plain(field, class_="input", aria_invalid="true")
        assert 'selected value="9"' in str(task_form(9, "Kari").assignee_id(class_="input"))
        assert "Per &lt;Ås&gt;" in str(task_form(7, "Kari").assignee_id(class_="input"))

        attendees = AttendeesForm(formdata=None, meta={"csrf": False})
        attendees.user_ids.choices = [SelectChoice(7, "Kari"), SelectChoice(9, "Ola")]
        for ticked in ([7], [9], [7, 9], []):
            attendees.user_ids.data = ticked
            expected = str(widgets.ListWidget(prefix_label=False)(attendees.user_ids, class_="checkbox-list"))
            assert str(attendees.user_ids(class_="checkbox-list")) == expected
            assert expected.count("checked") == len(ticked)
