"""The meeting pages: the organisation's meetings, a series with its next dates, moving or
cancelling one (asked first), opening a meeting, the shared-screen page (progress update and task on
the spot, minutes with a stale save that loses nothing, attendees), approval of the previous
minutes and the lock, print and PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqf import clock
from seqf.extensions import db
from seqf.models import GoalUpdate, Meeting, MeetingChange, MeetingSeries, MeetingState, Task
from seqf.services import meetings as service
from tests.web.meeting_helpers import add_series, open_on
from tests.web.plan_helpers import add_goal, plan_cast

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    return plan_cast(make_org, make_user)


def test_the_menu_and_the_meetings_page(client, auth, cast):
    series = add_series(cast, dt.date(2027, 3, 2))
    auth.login(cast.viewer)
    page = client.get(f"/organisations/{cast.org.id}/meetings")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert series.title in text
    assert f"/meeting-series/{series.id}" in text
    assert "/meeting-series/new" not in text  # only leaders create series
    auth.logout()
    auth.login(cast.outsider)
    assert client.get(f"/organisations/{cast.org.id}/meetings").status_code == 404
    assert client.get(f"/meeting-series/{series.id}").status_code == 404


def test_a_leader_creates_a_series_in_the_page(client, auth, cast):
    auth.login(cast.leader)
    form = client.get(f"/organisations/{cast.org.id}/meeting-series/new")
    assert form.status_code == 200
    bad = client.post(f"/organisations/{cast.org.id}/meeting-series/new",
                      data={"title": "Ledermøte", "interval_days": "14", "first_on": "2. mars",
                            "duration_minutes": "60"})
    assert bad.status_code == 422
    assert 'id="first_on-error"' in bad.get_data(as_text=True)
    made = client.post(f"/organisations/{cast.org.id}/meeting-series/new",
                       data={"title": "Ledermøte", "interval_days": "14", "first_on": "2027-03-02",
                             "starts_at": "09:00", "duration_minutes": "60",
                             "participant_ids": [str(cast.leader.id), str(cast.staff[0].id)]})
    assert made.status_code == 302, made.get_data(as_text=True)
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Ledermøte" in page
    auth.logout()
    auth.login(cast.staff[1])
    assert client.get(f"/organisations/{cast.org.id}/meeting-series/new").status_code == 403


def test_moving_and_cancelling_one_meeting_asks_first(client, auth, cast):
    series = add_series(cast, dt.date(2027, 3, 2))
    auth.login(cast.leader)
    ask = client.get(f"/meeting-series/{series.id}/occurrences/2027-03-16")
    assert ask.status_code == 200
    assert "panel--confirm" in ask.get_data(as_text=True)
    moved = client.post(f"/meeting-series/{series.id}/occurrences/2027-03-16",
                        data={"what": "move", "moved_to": "2027-03-17", "reason": ""})
    assert moved.status_code == 302
    wrong = client.post(f"/meeting-series/{series.id}/occurrences/2027-03-17", data={"what": "cancel"})
    assert wrong.status_code == 422
    cancelled = client.post(f"/meeting-series/{series.id}/occurrences/2027-03-30", data={"what": "cancel"})
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert series.moved == {dt.date(2027, 3, 16): dt.date(2027, 3, 17)}
    assert series.cancelled == {dt.date(2027, 3, 30)}


def test_opening_a_meeting_from_the_series_and_running_it(client, auth, cast):
    goal = add_goal(cast, "Flere i jobb")
    series = add_series(cast, dt.date(2027, 3, 2))
    auth.login(cast.staff[0])  # a participant
    opened = client.post(f"/meeting-series/{series.id}/open", data={"planned_on": "2027-03-02"})
    assert opened.status_code == 302
    again = client.post(f"/meeting-series/{series.id}/open", data={"planned_on": "2027-03-02"})
    assert again.headers["Location"] == opened.headers["Location"]
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.series_id == series.id))
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Flere i jobb" in text and "meetings.css" in text

    token = client.csrf_token()
    update = client.post(f"/meetings/{meeting.id}/goals/{goal.id}/update",
                         data={f"u{goal.id}-csrf_token": token, f"u{goal.id}-health": "at_risk",
                               f"u{goal.id}-note": "NAV svarer sent"})
    assert update.status_code == 302
    assert db.session.scalar(db.select(GoalUpdate).where(GoalUpdate.meeting_id == meeting.id)).note == "NAV svarer sent"
    other = add_goal(cast, "Færre avbrudd")
    refused = client.post(f"/meetings/{meeting.id}/goals/{goal.id}/update",
                          data={f"u{goal.id}-csrf_token": token, f"u{goal.id}-health": "elsewhere",
                                f"u{goal.id}-note": "Skrevet i møtet"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    # the refused goal keeps what was typed, with the error; the other goal shows the blank fields
    assert "Skrevet i møtet</textarea>" in text
    assert "field--error" in text.split(f'id="goal-{other.id}"')[0].split(f'id="goal-{goal.id}"')[1]
    blank = text.split(f'id="goal-{other.id}"')[1].split("</article>")[0]
    assert f'name="u{other.id}-health"' in blank and "field--error" not in blank and "uGOALID" not in text
    task = client.post(f"/meetings/{meeting.id}/goals/{goal.id}/tasks",
                       data={f"t{goal.id}-csrf_token": token, f"t{goal.id}-title": "Ring NAV",
                             f"t{goal.id}-assignee_id": str(cast.staff[1].id), f"t{goal.id}-due_on": "2027-03-10"})
    assert task.status_code == 302
    assert db.session.scalar(db.select(Task).where(Task.meeting_id == meeting.id)).title == "Ring NAV"
    bad_task = client.post(f"/meetings/{meeting.id}/goals/{goal.id}/tasks",
                           data={f"t{goal.id}-csrf_token": token, f"t{goal.id}-title": "Ring NAV",
                                 f"t{goal.id}-assignee_id": str(cast.outsider.id),
                                 f"t{goal.id}-due_on": "neste uke"})
    assert bad_task.status_code == 422

    attendees = client.post(f"/meetings/{meeting.id}/attendees",
                            data={"user_ids": [str(cast.leader.id), str(cast.staff[0].id)]})
    assert attendees.status_code == 302
    db.session.expire_all()
    assert {u.id for u in meeting.attendees} == {cast.leader.id, cast.staff[0].id}


def test_a_stale_minutes_save_shows_both_texts_and_keeps_what_was_typed(client, auth, cast):
    series = add_series(cast, dt.date(2027, 3, 2))
    meeting = open_on(cast, series, dt.date(2027, 3, 2))
    service.save_minutes(cast.leader, meeting, "Lises tekst", meeting.minutes_version)
    db.session.commit()
    auth.login(cast.staff[0])
    stale = client.post(f"/meetings/{meeting.id}/minutes", data={"markdown": "Mine notater", "version": "1"})
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Lises tekst" in text and "Mine notater" in text
    assert 'name="version" type="hidden" value="2"' in text or 'value="2"' in text
    saved = client.post(f"/meetings/{meeting.id}/minutes", data={"markdown": "Lises tekst\n\nMine notater",
                                                                 "version": "2"})
    assert saved.status_code == 302
    too_long = client.post(f"/meetings/{meeting.id}/minutes", data={"markdown": "x" * 100_001, "version": "3"})
    assert too_long.status_code == 422
    db.session.expire_all()
    assert meeting.minutes == "Lises tekst\n\nMine notater"


def test_the_previous_minutes_are_approved_in_the_next_meeting_and_locked(client, auth, cast):
    series = add_series(cast, dt.date(2027, 3, 2))
    first = open_on(cast, series, dt.date(2027, 3, 2))
    service.save_minutes(cast.leader, first, "Referat", None)
    db.session.commit()
    second = open_on(cast, series, dt.date(2027, 3, 16))
    auth.login(cast.leader)
    page = client.get(f"/meetings/{second.id}").get_data(as_text=True)
    assert f"/meetings/{second.id}/approve-previous" in page
    ask = client.get(f"/meetings/{second.id}/approve-previous")
    assert ask.status_code == 200 and "Referat" in ask.get_data(as_text=True)
    done = client.post(f"/meetings/{second.id}/approve-previous", data={"confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert first.state == MeetingState.approved and first.approved_in_id == second.id
    locked = client.post(f"/meetings/{first.id}/minutes", data={"markdown": "Endret", "version": "2"})
    assert locked.status_code == 409
    db.session.expire_all()
    assert first.minutes == "Referat"


def test_print_and_pdf(client, auth, cast):
    add_goal(cast, "Flere i jobb")
    series = add_series(cast, dt.date(2027, 3, 2))
    meeting = open_on(cast, series, dt.date(2027, 3, 2))
    auth.login(cast.viewer)
    printed = client.get(f"/meetings/{meeting.id}/print")
    assert printed.status_code == 200 and "Flere i jobb" in printed.get_data(as_text=True)
    pdf = client.get(f"/meetings/{meeting.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    auth.logout()
    auth.login(cast.outsider)
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}.pdf").status_code == 404


@settings(max_examples=60, deadline=None)
@given(interval=st.integers(1, 30), offsets=st.lists(st.tuples(st.integers(0, 20), st.integers(-5, 5)), max_size=4),
       cancelled=st.sets(st.integers(0, 20), max_size=3))
def test_held_on_maps_back_to_its_planned_date(interval, offsets, cancelled):
    """Whatever is moved or cancelled, the day an occurrence is held names that occurrence (the API's
    ``held_on``) unless two meetings of the series fall on the same day."""
    first = dt.date(2027, 1, 4)
    changes = {}
    for index, shift in offsets:
        planned = first + dt.timedelta(days=interval * index)
        changes[planned] = MeetingChange(planned_on=planned, moved_to=planned + dt.timedelta(days=shift),
                                         cancelled=False)
    for index in cancelled:
        planned = first + dt.timedelta(days=interval * index)
        changes[planned] = MeetingChange(planned_on=planned, moved_to=None, cancelled=True)
    series = MeetingSeries(first_on=first, interval_days=interval, changes=list(changes.values()))
    held = {}
    for index in range(21):
        planned = first + dt.timedelta(days=interval * index)
        day = service.held_on_of(series, planned)
        if day is not None:
            held.setdefault(day, []).append(planned)
    for day, planned in held.items():
        if len(planned) == 1 and day >= first:
            assert service.occurrence_held_on(series, day) == planned[0]
        if day >= first and any(p in changes and changes[p].cancelled for p in planned):
            raise AssertionError("a cancelled meeting is held")
