"""Calendar feeds (issue 8, item 8): a secret URL per organisation and per person that calendar apps
fetch without logging in, parsed back here with the icalendar library; regenerating the link kills
the old URL at once; a wrong token, another organisation or an ended membership is a bare 404; the
API form takes a bearer token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from seqf.extensions import db
from seqf.models import (
    CalendarFeed,
    MeetingChange,
    MeetingSeries,
    Membership,
    Review,
    ReviewKind,
    ReviewState,
    TaskState,
)
from tests.web.cert_helpers import freeze
from tests.web.helpers import count
from tests.web.network_helpers import certified
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.review_helpers import make_review

TODAY = dt.date(2030, 3, 4)  # a Monday
URL = re.compile(r"https?://[^\s\"<]+/calendar/([A-Za-z0-9_\-]+)\.ics")


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    cast = plan_cast(make_org, make_user)
    cast.goal = add_goal(cast, "Bedre samarbeid med NAV", due_in_days=100)
    cast.task = add_task(cast, cast.goal, "Avtal møte med NAV", assignee=cast.staff[0], due_in_days=10)
    cast.other_task = add_task(cast, cast.goal, "Skriv rutine", assignee=cast.staff[1], due_in_days=20)
    cast.done_task = add_task(cast, cast.goal, "Ferdig oppgave", assignee=cast.staff[0], due_in_days=5)
    cast.done_task.state = TaskState.done
    series = MeetingSeries(organisation_id=cast.org.id, title="Ledermøte", interval_days=14, first_on=TODAY,
                           starts_at=dt.time(9, 0), duration_minutes=90, place="Møterom 2",
                           video_url="https://meet.example.org/ledermote")
    series.participants = [cast.leader, cast.staff[0]]
    db.session.add(series)
    db.session.flush()
    db.session.add_all([MeetingChange(series_id=series.id, planned_on=TODAY + dt.timedelta(days=14),
                                      moved_to=TODAY + dt.timedelta(days=16)),
                        MeetingChange(series_id=series.id, planned_on=TODAY + dt.timedelta(days=28), cancelled=True)])
    other_series = MeetingSeries(organisation_id=cast.other.id, title="Annet møte", interval_days=7, first_on=TODAY)
    db.session.add(other_series)
    db.session.commit()
    cast.series = series
    return cast


def events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def make_link(client, path: str, confirm: bool = False) -> str:
    response = client.post(path, data={"confirm": "yes"} if confirm else {})
    assert response.status_code == 200, response.text
    found = URL.search(response.text)
    assert found, response.text
    return f"/calendar/{found.group(1)}.ics"


def test_the_organisation_feed_parses_back_with_meetings_tasks_and_goals(client, auth, cast):
    auth.login(cast.staff[2])
    page = client.get(f"/organisations/{cast.org.id}/calendar")
    assert page.status_code == 200 and not URL.search(page.text)
    link = make_link(client, f"/organisations/{cast.org.id}/calendar")
    assert count(CalendarFeed) == 1
    stored = db.session.scalar(db.select(CalendarFeed))
    assert link.split("/")[-1].removesuffix(".ics") not in stored.token_hash  # hashed, not the token

    auth.logout()
    response = client.get(link)  # no log-in: the token is the key
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    found = events(response.data)

    first = next(e for uid, e in found.items() if uid.startswith(f"seqf-meeting-{cast.series.id}-{TODAY}"))
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2030, 3, 4, 9, 0, tzinfo=start.tzinfo) and str(start.tzinfo) == "Europe/Oslo"
    assert first.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(first["LOCATION"]) == "Møterom 2" and "meet.example.org" in str(first["DESCRIPTION"])
    moved = found[next(u for u in found if f"-{TODAY + dt.timedelta(days=14)}@" in u)]
    assert moved.decoded("DTSTART").date() == TODAY + dt.timedelta(days=16)
    assert not any(f"-{TODAY + dt.timedelta(days=28)}@" in u for u in found)  # the cancelled one is left out
    assert not any("Annet møte" in str(e["SUMMARY"]) for e in found.values())

    task = next(e for u, e in found.items() if u.startswith(f"seqf-task-{cast.task.id}@"))
    assert task.decoded("DTSTART") == TODAY + dt.timedelta(days=10)
    assert "Avtal møte med NAV" in str(task["SUMMARY"])
    assert any(u.startswith(f"seqf-task-{cast.other_task.id}@") for u in found)
    assert not any(u.startswith(f"seqf-task-{cast.done_task.id}@") for u in found)
    goal = next(e for u, e in found.items() if u.startswith(f"seqf-goal-{cast.goal.id}@"))
    assert goal.decoded("DTSTART") == TODAY + dt.timedelta(days=100)

    again = events(client.get(link).data)  # stable UIDs: a second fetch names the same events
    assert set(again) == set(found)


def test_the_organisation_feed_has_review_visits_due_follow_ups_and_the_certificate_expiry(
        client, auth, cast, make_user):
    """The feed's reviews and certificates come from statements built once per process with the
    organisation and the window as parameters: the window, the due follow-ups and the superseded
    certificate must still be told apart."""
    lead = make_user(roles=("revisor",), name="Rita Revisor")
    superseded = certified(cast.org, lead, decided_days_ago=60, follow_ups=False)
    current = certified(cast.org, lead, decided_days_ago=10)
    near = make_review(cast.org, lead, kind=ReviewKind.follow_up, starts_in_days=20, days=2)
    far = make_review(cast.org, lead, starts_in_days=400)
    make_review(cast.other, lead, starts_in_days=5)  # another organisation's visit
    due = set(db.session.scalars(db.select(Review.id).where(Review.certificate_id == current.id,
                                                             Review.state == ReviewState.due)))
    assert len(due) == 2

    auth.login(cast.leader)
    found = events(client.get(make_link(client, f"/organisations/{cast.org.id}/calendar")).data)
    visits = {int(u.split("@")[0].rsplit("-", 1)[1]) for u in found if u.startswith("seqf-review-visit-")}
    assert visits == {near.id, current.review_id, superseded.review_id}  # not the far one, nor the other org's
    assert far.id not in visits
    visit = next(e for u, e in found.items() if u.startswith(f"seqf-review-visit-{near.id}@"))
    assert visit.decoded("DTSTART") == TODAY + dt.timedelta(days=20)
    assert visit.decoded("DTEND") == TODAY + dt.timedelta(days=22)  # two days, the end exclusive
    assert {int(u.split("@")[0].rsplit("-", 1)[1]) for u in found if u.startswith("seqf-follow-up-due-")} == due
    expiries = [u for u in found if u.startswith("seqf-certificate-expiry-")]
    assert expiries == [next(u for u in expiries if u.startswith(f"seqf-certificate-expiry-{current.id}@"))]
    assert found[expiries[0]].decoded("DTSTART") == current.valid_until


def test_a_new_link_asks_first_and_kills_the_old_one(client, auth, cast):
    auth.login(cast.leader)
    path = f"/organisations/{cast.org.id}/calendar"
    old = make_link(client, path)
    asked = client.post(path)
    assert asked.status_code == 200 and 'name="confirm"' in asked.text and not URL.search(asked.text)
    assert client.get(old).status_code == 200
    new = make_link(client, path, confirm=True)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert count(CalendarFeed) == 1


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 300])
def test_a_wrong_token_is_a_bare_404(client, cast, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert "text/calendar" not in response.content_type


def test_a_feed_stops_when_the_membership_ends(client, auth, cast):
    auth.login(cast.staff[2])
    link = make_link(client, f"/organisations/{cast.org.id}/calendar")
    db.session.execute(db.delete(Membership).where(Membership.user_id == cast.staff[2].id))
    db.session.commit()
    assert client.get(link).status_code == 404


def test_another_organisations_calendar_page_is_404(client, auth, cast):
    auth.login(cast.outsider)
    assert client.get(f"/organisations/{cast.org.id}/calendar").status_code == 404
    assert client.post(f"/organisations/{cast.org.id}/calendar").status_code == 404
    assert count(CalendarFeed) == 0


def test_the_person_feed_has_their_meetings_tasks_and_goals(client, auth, cast):
    auth.login(cast.staff[0])  # deputy of the goal, assignee of cast.task, participant of the series
    link = make_link(client, "/me/calendar")
    found = events(client.get(link).data)
    assert any(u.startswith(f"seqf-meeting-{cast.series.id}-") for u in found)
    assert any(u.startswith(f"seqf-task-{cast.task.id}@") for u in found)
    assert not any(u.startswith(f"seqf-task-{cast.other_task.id}@") for u in found)  # someone else's
    assert any(u.startswith(f"seqf-goal-{cast.goal.id}@") for u in found)

    auth.logout()
    auth.login(cast.staff[1])  # not a participant, not owner or deputy
    link = make_link(client, "/me/calendar")
    found = events(client.get(link).data)
    assert not any(u.startswith("seqf-meeting-") for u in found)
    assert not any(u.startswith("seqf-goal-") for u in found)
    assert any(u.startswith(f"seqf-task-{cast.other_task.id}@") for u in found)


def test_the_api_feeds_take_a_bearer_token(api, cast):
    response = api.get(f"/api/v1/organisations/{cast.org.id}/calendar.ics", cast.viewer)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert any(u.startswith(f"seqf-task-{cast.task.id}@") for u in events(response.data))
    assert api.get(f"/api/v1/organisations/{cast.org.id}/calendar.ics", cast.outsider).status_code == 404
    assert api.get(f"/api/v1/organisations/{cast.org.id}/calendar.ics").status_code == 401
    assert api.get("/api/v1/organisations/999999/calendar.ics", cast.viewer).status_code == 404
    mine = api.get("/api/v1/me/calendar.ics", cast.staff[0])
    assert any(u.startswith(f"seqf-task-{cast.task.id}@") for u in events(mine.data))

    made = api.post(f"/api/v1/organisations/{cast.org.id}/calendar-feed", cast.viewer)
    assert made.status_code == 201
    url = made.get_json()["url"]
    path = "/calendar/" + url.rsplit("/calendar/", 1)[1]
    assert api.client.get(path).status_code == 200
    again = api.post(f"/api/v1/organisations/{cast.org.id}/calendar-feed", cast.viewer)
    assert api.client.get(path).status_code == 404
    assert api.client.get("/calendar/" + again.get_json()["url"].rsplit("/calendar/", 1)[1]).status_code == 200
    assert api.post(f"/api/v1/organisations/{cast.org.id}/calendar-feed", cast.outsider).status_code == 404
    personal = api.post("/api/v1/me/calendar-feed", cast.staff[1])
    assert personal.status_code == 201 and "/calendar/" in personal.get_json()["url"]
