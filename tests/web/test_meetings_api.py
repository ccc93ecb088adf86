"""The meetings API: series with upcoming dates, moving and cancelling one occurrence, opening a
meeting (the same one twice, also from two clients at once), minutes with versions and the
100,000-character limit, attendees, approval at the next meeting and the lock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import AuditEvent, Meeting
from tests.web.plan_helpers import add_goal, add_task, plan_cast

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    return plan_cast(make_org, make_user)


def _create(api, cast, **extra):
    return api.post(f"/api/v1/organisations/{cast.org.id}/meeting-series", cast.leader,
                    json={"title": "Ledermøte", "interval_days": 14, "first_on": "2027-03-02",
                          "participant_ids": [cast.leader.id, cast.staff[0].id], **extra})


def test_a_leader_creates_a_series_and_sees_its_upcoming_dates(api, cast):
    response = _create(api, cast, starts_at="09:00", place="Møterom 2")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["upcoming"][:3] == ["2027-03-02", "2027-03-16", "2027-03-30"]
    assert len(body["upcoming"]) == 6
    assert [p["id"] for p in body["participants"]] == sorted([cast.leader.id, cast.staff[0].id],
                                                              key=lambda i: {cast.leader.id: "Lise",
                                                                             cast.staff[0].id: "Medarbeider"}[i])
    listed = api.get(f"/api/v1/organisations/{cast.org.id}/meeting-series", cast.staff[1]).get_json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert api.get(f"/api/v1/meeting-series/{body['id']}", cast.outsider).status_code == 404
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "meeting_series.created"))


def test_staff_cannot_create_a_series_and_bad_input_is_refused(api, cast):
    denied = api.post(f"/api/v1/organisations/{cast.org.id}/meeting-series", cast.staff[0],
                      json={"title": "X", "interval_days": 14, "first_on": "2027-03-02"})
    assert denied.status_code == 403
    assert _create(api, cast, interval_days=0).status_code == 422
    assert _create(api, cast, participant_ids=[cast.outsider.id]).get_json()["error"]["code"] == "not_a_member"
    assert api.post(f"/api/v1/organisations/{cast.other.id}/meeting-series", cast.leader,
                    json={"title": "X", "first_on": "2027-03-02"}).status_code == 404


def test_one_occurrence_is_moved_and_another_cancelled(api, cast):
    series_id = _create(api, cast).get_json()["id"]
    moved = api.post(f"/api/v1/meeting-series/{series_id}/changes", cast.leader,
                     json={"planned_on": "2027-03-16", "moved_to": "2027-03-18"})
    assert moved.status_code == 200, moved.get_json()
    cancelled = api.post(f"/api/v1/meeting-series/{series_id}/changes", cast.leader,
                         json={"planned_on": "2027-03-30", "cancelled": True})
    assert cancelled.get_json()["upcoming"][:3] == ["2027-03-02", "2027-03-18", "2027-04-13"]
    wrong = api.post(f"/api/v1/meeting-series/{series_id}/changes", cast.leader,
                     json={"planned_on": "2027-03-17", "cancelled": True})
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "not_planned_date"
    assert api.post(f"/api/v1/meeting-series/{series_id}/changes", cast.staff[0],
                    json={"planned_on": "2027-04-13", "cancelled": True}).status_code == 403


def test_opening_a_meeting_generates_the_agenda_and_opening_again_gives_the_same(api, cast):
    goal = add_goal(cast, "Flere i jobb")
    add_task(cast, goal, "Gammel oppgave", due_in_days=-3)
    add_task(cast, goal, "Snart", due_in_days=5)
    series_id = _create(api, cast).get_json()["id"]
    first = api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.staff[0], json={"held_on": "2027-03-02"})
    assert first.status_code == 201, first.get_json()
    agenda = first.get_json()["agenda"]
    assert [g["title"] for g in agenda["goals"]] == ["Flere i jobb"]
    assert [t["title"] for t in agenda["overdue_tasks"]] == ["Gammel oppgave"]
    assert [t["title"] for t in agenda["due_before_next"]] == ["Snart"]
    for key in ("changed_since_last", "coming_up", "away", "stale_goals"):
        assert key in agenda
    again = api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.leader, json={"held_on": "2027-03-02"})
    assert again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    none = api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.leader, json={"held_on": "2027-03-03"})
    assert none.status_code == 422
    assert none.get_json()["error"]["code"] == "not_a_meeting_day"
    # a viewer who is no participant does not run meetings
    assert api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.viewer,
                    json={"held_on": "2027-03-16"}).status_code == 403


def test_two_clients_opening_the_same_occurrence_get_one_meeting(app, api, cast, backend):
    series_id = _create(api, cast).get_json()["id"]
    tokens = [api.token(cast.leader), api.token(cast.staff[0])]
    db.session.commit()
    barrier = threading.Barrier(2)
    results: list = [None, None]
    errors: list = []

    def run(i: int) -> None:
        try:
            client = app.test_client()
            barrier.wait(timeout=10)
            response = client.post(f"/api/v1/meeting-series/{series_id}/meetings", json={"held_on": "2027-03-02"},
                                   headers={"Authorization": f"Bearer {tokens[i]}"})
            results[i] = (response.status_code, response.get_json())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    statuses = sorted(r[0] for r in results)
    assert statuses == [201, 201] or (backend == "sqlite" and 409 in statuses), results
    ids = {r[1]["id"] for r in results if r[0] == 201}
    assert len(ids) == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Meeting.id)).where(Meeting.series_id == series_id)) == 1


def _opened(api, cast, held_on="2027-03-02"):
    series_id = _create(api, cast).get_json()["id"]
    meeting = api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.leader, json={"held_on": held_on})
    return series_id, meeting.get_json()


def test_minutes_are_saved_with_versions_and_a_stale_save_is_refused(api, cast):
    _series, meeting = _opened(api, cast)
    path = f"/api/v1/meetings/{meeting['id']}/minutes"
    saved = api.put(path, cast.staff[0], json={"markdown": "## Referat\n\n<script>x</script>**Vedtak**",
                                               "version": meeting["minutes_version"]})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert "<script>" not in body["minutes_html"] and "<strong>Vedtak</strong>" in body["minutes_html"]
    stale = api.put(path, cast.leader, json={"markdown": "Mitt", "version": meeting["minutes_version"]})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["minutes"].startswith("## Referat")
    assert error["current"]["minutes_version"] == meeting["minutes_version"] + 1
    assert api.get(f"/api/v1/meetings/{meeting['id']}", cast.viewer).get_json()["minutes"].startswith("## Referat")


def test_minutes_over_100000_characters_are_refused_and_nothing_changes(api, cast):
    _series, meeting = _opened(api, cast)
    path = f"/api/v1/meetings/{meeting['id']}/minutes"
    api.put(path, cast.leader, json={"markdown": "Kort"})
    too_long = api.put(path, cast.leader, json={"markdown": "x" * 100_001})
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["code"] == "too_long"
    assert api.get(f"/api/v1/meetings/{meeting['id']}", cast.leader).get_json()["minutes"] == "Kort"
    assert api.put(path, cast.leader, json={"markdown": "x" * 100_000}).status_code == 200


def test_another_organisations_meeting_is_404(api, cast):
    _series, meeting = _opened(api, cast)
    for call in (api.get(f"/api/v1/meetings/{meeting['id']}", cast.outsider),
                 api.put(f"/api/v1/meetings/{meeting['id']}/minutes", cast.outsider, json={"markdown": "x"}),
                 api.get(f"/api/v1/meetings/{meeting['id']}/agenda.pdf", cast.outsider)):
        assert call.status_code == 404


def test_attendees_are_members(api, cast):
    _series, meeting = _opened(api, cast)
    path = f"/api/v1/meetings/{meeting['id']}/attendees"
    ok = api.put(path, cast.leader, json={"user_ids": [cast.leader.id, cast.staff[1].id]})
    assert ok.status_code == 200
    assert {p["id"] for p in ok.get_json()["attendees"]} == {cast.leader.id, cast.staff[1].id}
    bad = api.put(path, cast.leader, json={"user_ids": [cast.outsider.id]})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "not_a_member"


def test_minutes_are_approved_at_the_next_meeting_and_then_locked(api, cast):
    series_id, first = _opened(api, cast)
    api.put(f"/api/v1/meetings/{first['id']}/minutes", cast.leader, json={"markdown": "Referat 1"})
    second = api.post(f"/api/v1/meeting-series/{series_id}/meetings", cast.leader,
                      json={"held_on": "2027-03-16"}).get_json()
    assert second["previous_meeting_id"] == first["id"]
    # not from the same meeting, and not by staff
    assert api.post(f"/api/v1/meetings/{first['id']}/approve", cast.leader,
                    json={"in_meeting_id": first["id"]}).status_code == 422
    assert api.post(f"/api/v1/meetings/{first['id']}/approve", cast.staff[0],
                    json={"in_meeting_id": second["id"]}).status_code == 403
    approved = api.post(f"/api/v1/meetings/{first['id']}/approve", cast.leader, json={"in_meeting_id": second["id"]})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "approved"
    assert approved.get_json()["approved_in_id"] == second["id"]
    locked = api.put(f"/api/v1/meetings/{first['id']}/minutes", cast.leader, json={"markdown": "Endret"})
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "locked"
    assert api.put(f"/api/v1/meetings/{first['id']}/attendees", cast.leader,
                   json={"user_ids": []}).get_json()["error"]["code"] == "locked"
    assert api.get(f"/api/v1/meetings/{first['id']}", cast.leader).get_json()["minutes"] == "Referat 1"


def test_the_agenda_pdf_downloads(api, cast):
    _series, meeting = _opened(api, cast)
    response = api.get(f"/api/v1/meetings/{meeting['id']}/agenda.pdf", cast.viewer)
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_a_series_is_patched_with_a_version(api, cast):
    body = _create(api, cast).get_json()
    ok = api.patch(f"/api/v1/meeting-series/{body['id']}", cast.leader,
                   json={"version": body["version"], "place": "Kantina"})
    assert ok.status_code == 200 and ok.get_json()["place"] == "Kantina"
    stale = api.patch(f"/api/v1/meeting-series/{body['id']}", cast.leader,
                      json={"version": body["version"], "place": "Annet"})
    assert stale.status_code == 409
