"""The organisation's front page at a glance: certificate and days left, next meeting, goals with
health, overdue tasks, the trend; and the network register's plan health per organisation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import MeetingSeries
from seqf.services import goal_updates
from tests.web.cert_helpers import freeze
from tests.web.plan_helpers import add_goal, add_task, plan_cast

TODAY = dt.date(2030, 5, 15)


@pytest.fixture
def cast(app, make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    with app.test_request_context():
        cast = plan_cast(make_org, make_user)
        cast.goal = add_goal(cast, "Bedre samarbeid med NAV")
        cast.second = add_goal(cast, "Flere jobbstarter", areas=("5",))
        add_task(cast, cast.goal, "Ring arbeidsgiver", due_in_days=-3)
        add_task(cast, cast.goal, "Skriv rutine", due_in_days=10)
        goal_updates.add_update(cast.leader, cast.second, "off_track", "Få nye avtaler")
        db.session.add(MeetingSeries(organisation_id=cast.org.id, title="Ledermøte", interval_days=14,
                                     first_on=TODAY - dt.timedelta(days=10), created_by_id=cast.leader.id))
        db.session.commit()
    return cast


def test_the_front_page_shows_the_plan_at_a_glance(client, auth, cast):
    auth.login(cast.staff[1])
    html = client.get(f"/organisations/{cast.org.id}/").get_data(as_text=True)
    assert "Bedre samarbeid med NAV" in html and "Flere jobbstarter" in html
    assert "Ring arbeidsgiver" in html and "Skriv rutine" not in html  # only the overdue task
    assert "Ledermøte" in html
    assert 'class="health health--off_track"' in html
    assert f"/organisations/{cast.org.id}/plan.pdf" in html and f"/organisations/{cast.org.id}/plan.xlsx" in html


def test_the_certificate_and_days_left(app, client, auth, cast):
    from seqf.models import Certificate, ReviewKind, ReviewState
    from tests.web.review_helpers import make_review

    with app.test_request_context():
        lead = cast.coordinator
        review = make_review(cast.org, lead, state=ReviewState.decided, kind=ReviewKind.certification,
                             starts_in_days=-60)
        db.session.add(Certificate(organisation_id=cast.org.id, review_id=review.id,
                                   valid_from=TODAY - dt.timedelta(days=30),
                                   valid_until=TODAY + dt.timedelta(days=100)))
        db.session.commit()
    auth.login(cast.leader)
    html = client.get(f"/organisations/{cast.org.id}/").get_data(as_text=True)
    assert ">100 <" in html.replace("\n", " ") or "100 <span" in html


def test_no_plan_for_outsiders(client, auth, cast):
    auth.login(cast.outsider)
    assert client.get(f"/organisations/{cast.org.id}/").status_code == 404


def test_the_register_shows_plan_health(client, auth, api, cast):
    auth.login(cast.coordinator)
    html = client.get("/network").get_data(as_text=True)
    assert "Jobbvei Plan AS" in html
    body = api.get("/api/v1/network/register", user=cast.coordinator).get_json()
    row = next(r for r in body["items"] if r["organisation_id"] == cast.org.id)
    assert row["active_goals"] == 2 and row["goals_at_risk"] == 1
    assert row["last_plan_update"] is not None
    other = next(r for r in body["items"] if r["organisation_id"] == cast.other.id)
    assert other["active_goals"] == 0 and other["last_plan_update"] is None
    data = client.get("/network.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    mine = next(r for r in rows if r[0] == "Jobbvei Plan AS")
    assert mine[-3:-1] == ["2", "1"] and mine[-1]
    assert clock.today() == TODAY


def test_the_front_page_names_the_acting_deputy_while_the_owner_is_away(client, auth, make_org, make_user):
    from seqf import clock
    from seqf.extensions import db
    from seqf.models import Absence
    from tests.web.plan_helpers import add_goal, plan_cast

    cast = plan_cast(make_org, make_user)
    add_goal(cast, "Felles sjekkliste", owner=cast.staff[1], deputy=cast.staff[2])
    db.session.add(Absence(user_id=cast.staff[1].id, starts_on=clock.today(), ends_on=clock.today()))
    db.session.commit()
    auth.login(cast.leader)
    page = client.get(f"/organisations/{cast.org.id}/").get_data(as_text=True)
    assert f"{cast.staff[2].name} (fungerende for {cast.staff[1].name})" in page


def test_the_next_meeting_across_series_with_moved_cancelled_and_ended_ones(cast):
    """The front page's next meeting (``meeting_calendar.next_meeting``, read as columns): a cancelled
    date is skipped, a moved one is found on its new day, an ended series is left out."""
    from seqf.models import MeetingChange
    from seqf.services import meeting_calendar

    weekly = MeetingSeries(organisation_id=cast.org.id, title="Ukemøte", interval_days=7, first_on=TODAY,
                           created_by_id=cast.leader.id)
    weekly.changes = [MeetingChange(planned_on=TODAY, cancelled=True),
                      MeetingChange(planned_on=TODAY + dt.timedelta(days=7), moved_to=TODAY + dt.timedelta(days=2))]
    # its next planned date (tomorrow) is after its end: without the end it would be the next meeting
    ended = MeetingSeries(organisation_id=cast.org.id, title="Avsluttet", interval_days=7,
                          first_on=TODAY - dt.timedelta(days=69), ends_on=TODAY, created_by_id=cast.leader.id)
    monthly = MeetingSeries(organisation_id=cast.org.id, title="Månedsmøte", interval_days=28,
                            first_on=TODAY + dt.timedelta(days=3), created_by_id=cast.leader.id)
    db.session.add_all([weekly, ended, monthly])
    db.session.commit()

    def found(day):
        meeting = meeting_calendar.next_meeting(cast.org.id, day)
        return meeting.title, meeting.planned_on - TODAY, meeting.held_on - TODAY, meeting.moved

    days = dt.timedelta
    assert found(TODAY) == ("Ukemøte", days(7), days(2), True)  # today's is cancelled; next week's moved
    assert found(TODAY + days(2)) == ("Ukemøte", days(7), days(2), True)  # held today: still the next
    assert found(TODAY + days(3)) == ("Månedsmøte", days(3), days(3), False)
    assert found(TODAY + days(4)) == ("Ledermøte", days(4), days(4), False)  # the cast's series, every 14 days
    assert found(TODAY + days(5)) == ("Ukemøte", days(14), days(14), False)
    assert meeting_calendar.next_meeting(cast.other.id, TODAY) is None


def test_the_front_page_shows_the_newest_certificate_in_force_else_the_newest(app, cast):
    from seqf.models import Certificate, ReviewKind, ReviewState
    from seqf.services import overview
    from tests.web.review_helpers import make_review

    def certificate(valid_from, valid_until, withdrawn=False):
        review = make_review(cast.org, cast.coordinator, state=ReviewState.decided, kind=ReviewKind.certification,
                             starts_in_days=-60)
        cert = Certificate(organisation_id=cast.org.id, review_id=review.id, valid_from=valid_from,
                           valid_until=valid_until, withdrawn_at=clock.now() if withdrawn else None,
                           withdrawn_reason="Trukket tilbake" if withdrawn else "")
        db.session.add(cert)
        db.session.commit()
        return cert

    assert overview.organisation_status(cast.org, TODAY).certificate is None
    expired = certificate(TODAY - dt.timedelta(days=2000), TODAY - dt.timedelta(days=900))
    assert overview.organisation_status(cast.org, TODAY).certificate.id == expired.id
    in_force = certificate(TODAY - dt.timedelta(days=800), TODAY + dt.timedelta(days=300))
    withdrawn = certificate(TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=1000), withdrawn=True)
    status = overview.organisation_status(cast.org, TODAY)
    assert status.certificate.id == in_force.id and status.certificate.valid_until == in_force.valid_until
    assert overview.organisation_status(cast.org, TODAY + dt.timedelta(days=301)).certificate.id == withdrawn.id


def test_the_latest_agreed_total_from_the_trend_is_the_databases(client, auth, make_org, make_user):
    from seqf.services import overview
    from seqf.services import rounds as round_service
    from seqf.services import trend as trend_service
    from tests.web.round_helpers import make_team, open_round
    from tests.web.test_core_queries import statements_for

    org, leader, _staff = make_team(make_org, make_user, staff=2)
    done = open_round(leader, org, title="Høstrunden")
    round_service.close_round(leader, done)
    steps = [round_service.assessments.StepData(level=level, met=True) for level in (1, 2, 3)]
    round_service.record_consensus(leader, done, [round_service.assessments.AreaData(area="1", steps=steps),
                                                  round_service.assessments.AreaData(area="4", steps=steps[:1])])
    db.session.commit()
    trend = trend_service.organisation_trend(leader, org)
    from_trend = overview.organisation_status(org, trend=trend)
    from_database = overview.organisation_status(org)
    assert from_trend.latest_result.id == done.id
    assert (from_trend.latest_total, from_trend.latest_max) == (from_database.latest_total, from_database.latest_max)
    assert from_trend.latest_total > 0 and from_trend.latest_max == 45
    auth.login(leader)
    page = client.get(f"/organisations/{org.id}/").get_data(as_text=True)
    assert f"{from_trend.latest_total} <span" in page and "av 45" in page
    # the latest round's instrument is the current one the trend read: found in the session, not read again
    assert statements_for(client, f"/organisations/{org.id}/") <= 9
