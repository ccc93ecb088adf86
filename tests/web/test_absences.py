"""Absences and deputies (issue 8, item 6): a member records their own absence (dates only), a
leader or org admin records one for a member of their organisation, overlapping or adjacent
absences are merged, bad dates are refused with a clear message (page 422, API 422) and change
nothing, removing asks first, and while a goal's owner is away the deputy is acting."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqf.extensions import db
from seqf.models import Absence, AuditEvent
from seqf.services import absences
from seqf.services.errors import Forbidden, RuleViolation
from tests.web.cert_helpers import freeze
from tests.web.helpers import count, in_english
from tests.web.plan_helpers import add_goal, plan_cast

TODAY = dt.date(2030, 3, 4)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    return plan_cast(make_org, make_user)


def d(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def test_a_member_records_and_removes_their_own_absence(client, auth, cast):
    auth.login(cast.staff[1])
    in_english(client)
    response = client.post("/me/absences", data={"starts_on": d(2), "ends_on": d(9)})
    assert response.status_code == 302
    page = client.get("/me/absences")
    assert "Remove" in page.text
    absence = db.session.scalar(db.select(Absence))
    assert (absence.starts_on, absence.ends_on, absence.user_id) == (TODAY + dt.timedelta(days=2),
                                                                      TODAY + dt.timedelta(days=9), cast.staff[1].id)
    assert "absence.recorded" in set(db.session.scalars(db.select(AuditEvent.action)))

    asked = client.get(f"/absences/{absence.id}/delete")
    assert asked.status_code == 200 and "Yes, remove the absence" in asked.text
    assert client.post(f"/absences/{absence.id}/delete").status_code == 200  # no confirm: asked again
    assert count(Absence) == 1
    assert client.post(f"/absences/{absence.id}/delete", data={"confirm": "yes"}).status_code == 302
    assert count(Absence) == 0


@pytest.mark.parametrize(("starts", "ends", "message"), [
    (d(5), d(2), "The last day cannot be before the first day."),
    ("2030-02-30", d(2), "Write the date as YYYY-MM-DD."),
    ("next week", d(2), "Write the date as YYYY-MM-DD."),
    ("", d(2), "Give a date."),
])
def test_bad_dates_are_refused_in_the_page_and_change_nothing(client, auth, cast, starts, ends, message):
    auth.login(cast.staff[1])
    in_english(client)
    response = client.post("/me/absences", data={"starts_on": starts, "ends_on": ends})
    assert response.status_code == 422
    assert message in response.text and 'aria-invalid="true"' in response.text
    assert count(Absence) == 0


def test_overlapping_and_adjacent_absences_are_merged(cast):
    user = cast.staff[0]
    absences.record_absence(user, user, TODAY, TODAY + dt.timedelta(days=3))
    absences.record_absence(user, user, TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=12))
    merged = absences.record_absence(user, user, TODAY + dt.timedelta(days=2), TODAY + dt.timedelta(days=9))
    db.session.commit()
    assert count(Absence) == 1
    assert (merged.starts_on, merged.ends_on) == (TODAY, TODAY + dt.timedelta(days=12))


def test_a_leader_records_an_absence_for_a_member_but_not_for_an_outsider(client, auth, cast):
    auth.login(cast.leader)
    in_english(client)
    page = client.get(f"/organisations/{cast.org.id}/absences")
    assert page.status_code == 200
    response = client.post(f"/organisations/{cast.org.id}/absences",
                           data={"user_id": cast.staff[2].id, "starts_on": d(0), "ends_on": d(30)})
    assert response.status_code == 302
    page = client.get(f"/organisations/{cast.org.id}/absences")
    assert cast.staff[2].name in page.text
    refused = client.post(f"/organisations/{cast.org.id}/absences",
                          data={"user_id": cast.outsider.id, "starts_on": d(0), "ends_on": d(3)})
    assert refused.status_code == 422 and "Choose a member of the organisation." in refused.text
    assert count(Absence) == 1
    with pytest.raises(Forbidden):
        absences.record_absence(cast.staff[0], cast.staff[1], TODAY, TODAY)
    with pytest.raises(Forbidden):
        absences.record_absence(cast.outsider, cast.staff[1], TODAY, TODAY)


def test_staff_and_outsiders_cannot_open_the_organisation_absences(client, auth, cast):
    auth.login(cast.staff[0])
    assert client.get(f"/organisations/{cast.org.id}/absences").status_code == 403
    auth.logout()
    auth.login(cast.outsider)
    assert client.get(f"/organisations/{cast.org.id}/absences").status_code == 404


def test_someone_elses_absence_cannot_be_removed(client, auth, cast):
    absence = absences.record_absence(cast.staff[0], cast.staff[0], TODAY, TODAY)
    db.session.commit()
    auth.login(cast.staff[1])
    assert client.get(f"/absences/{absence.id}/delete").status_code == 404
    assert client.post(f"/absences/{absence.id}/delete", data={"confirm": "yes"}).status_code == 404
    assert count(Absence) == 1


def test_the_deputy_is_acting_while_the_owner_is_away(cast):
    goal = add_goal(cast, owner=cast.staff[1], deputy=cast.staff[2])
    assert absences.acting_owner(goal).id == cast.staff[1].id
    absences.record_absence(cast.staff[1], cast.staff[1], TODAY, TODAY + dt.timedelta(days=5))
    db.session.commit()
    assert absences.acting_owner(goal).id == cast.staff[2].id
    assert absences.acting_owner(goal, TODAY + dt.timedelta(days=6)).id == cast.staff[1].id


def test_the_api_lists_adds_and_removes_absences(api, cast):
    user = cast.staff[1]
    made = api.post("/api/v1/me/absences", user, json={"starts_on": d(1), "ends_on": d(4)})
    assert made.status_code == 201
    body = made.get_json()
    assert body["starts_on"] == d(1) and body["ends_on"] == d(4) and set(body) == {"id", "user_id", "starts_on",
                                                                                    "ends_on"}
    assert [a["id"] for a in api.get("/api/v1/me/absences", user).get_json()] == [body["id"]]
    for bad in ({"starts_on": d(4), "ends_on": d(1)}, {"starts_on": "2030-13-01", "ends_on": d(1)},
                {"starts_on": d(1)}, {"starts_on": d(1), "ends_on": d(2), "reason": "syk"}):
        refused = api.post("/api/v1/me/absences", user, json=bad)
        assert refused.status_code == 422, bad
        assert refused.get_json()["error"]["code"]
    assert count(Absence) == 1
    assert api.delete(f"/api/v1/absences/{body['id']}", cast.staff[2]).status_code == 404
    assert api.delete(f"/api/v1/absences/{body['id']}", cast.outsider).status_code == 404
    assert api.delete(f"/api/v1/absences/{body['id']}", user).status_code == 204
    assert api.delete(f"/api/v1/absences/{body['id']}", user).status_code == 404
    assert count(Absence) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 10)), min_size=1, max_size=8))
def test_merged_absences_cover_exactly_the_days_recorded(periods):
    """The merge rule (``absences.merge_into``): the days recorded are kept exactly, and the stored
    periods never overlap nor touch, whatever order absences are recorded in."""
    day = dt.date(2030, 1, 1)
    stored: list[tuple[dt.date, dt.date]] = []
    for start, length in periods:
        joined, absorbed = absences.merge_into(stored, day + dt.timedelta(days=start),
                                               day + dt.timedelta(days=start + length))
        stored = [p for i, p in enumerate(stored) if i not in absorbed] + [joined]
    wanted = {start + i for start, length in periods for i in range(length + 1)}
    assert {(a - day).days + i for a, b in stored for i in range((b - a).days + 1)} == wanted
    stored.sort()
    assert all(a[1] + dt.timedelta(days=1) < b[0] for a, b in zip(stored, stored[1:], strict=False))


def test_rule_violation_names_the_field(cast):
    with pytest.raises(RuleViolation) as refused:
        absences.record_absence(cast.staff[0], cast.staff[0], "2030-01-05", "2030-01-01")
    assert "ends_on" in refused.value.fields
