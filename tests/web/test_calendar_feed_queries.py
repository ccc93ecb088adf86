"""A calendar feed costs the same number of SQL statements for a small and a larger plan (1 vs 10
series, 3 vs 43 tasks, 1 vs 6 goals, with review visits): each query loads what the feed prints and
nothing else (issue 9; the organisation feed cost 30 statements, mostly eager defaults per goal)."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf.extensions import db
from seqf.models import MeetingSeries, Task
from seqf.services import calendar_feeds
from tests.web.cert_helpers import freeze
from tests.web.plan_helpers import add_goal, add_task, plan_cast
from tests.web.test_agenda_queries import counting
from tests.web.test_calendar_feeds import TODAY, events


@pytest.fixture
def world(make_org, make_user, monkeypatch):
    """A small plan: one goal, three tasks, one leader meeting series."""
    freeze(monkeypatch, TODAY)
    cast = plan_cast(make_org, make_user)
    goal = add_goal(cast, "Bedre samarbeid med NAV", due_in_days=100)
    for n in range(3):
        add_task(cast, goal, f"Liten oppgave {n}", assignee=cast.staff[0], due_in_days=5 + n)
    series = MeetingSeries(organisation_id=cast.org.id, title="Ledermøte", interval_days=14, first_on=TODAY,
                           starts_at=dt.time(9, 0), duration_minutes=60)
    series.participants = [cast.leader, cast.staff[0]]
    db.session.add(series)
    db.session.commit()
    return cast


def _grow(cast) -> None:
    goals = [add_goal(cast, f"Mål {n}", due_in_days=30 + n) for n in range(5)]
    for n in range(40):
        db.session.add(Task(goal=goals[n % 5], organisation_id=cast.org.id, title=f"Oppgave {n}",
                            assignee_id=(cast.staff[0] if n % 2 else cast.leader).id,
                            due_on=TODAY + dt.timedelta(days=n)))
    for n in range(9):
        series = MeetingSeries(organisation_id=cast.org.id, title=f"Team {n}", interval_days=7 + n, first_on=TODAY)
        series.participants = [cast.leader, cast.staff[0], cast.staff[1]]
        db.session.add(series)
    db.session.commit()


def _statements(client, path: str) -> tuple[int, bytes]:
    db.session.expire_all()
    with counting() as seen:
        response = client.get(path)
    assert response.status_code == 200
    return len(seen), response.get_data()


def test_feed_statement_counts_do_not_grow_with_the_plan(client, world):
    cast = world
    org_path = f"/calendar/{calendar_feeds.regenerate(cast.leader, cast.org.id)}.ics"
    own_path = f"/calendar/{calendar_feeds.regenerate(cast.staff[0], None)}.ics"
    db.session.commit()
    client.get(org_path), client.get(own_path)  # warm up; the first fetch also records last_used_at
    small = [_statements(client, org_path), _statements(client, own_path)]
    _grow(cast)
    large = [_statements(client, org_path), _statements(client, own_path)]
    assert [n for n, _body in large] == [n for n, _body in small], (small, large)
    assert len(events(large[0][1])) > len(events(small[0][1])) + 40
    assert len(events(large[1][1])) > len(events(small[1][1])) + 20


def test_a_feed_opens_its_token_in_one_statement(client, world):
    """The token's feed, its owner, the owner's membership and the organisation come in one statement,
    and the organisation's review visits and due follow-ups in one more: seven statements in all."""
    cast = world
    org_path = f"/calendar/{calendar_feeds.regenerate(cast.leader, cast.org.id)}.ics"
    own_path = f"/calendar/{calendar_feeds.regenerate(cast.staff[0], None)}.ics"
    db.session.commit()
    client.get(org_path), client.get(own_path)  # the first fetch also records last_used_at
    assert _statements(client, org_path)[0] <= 7
    assert _statements(client, own_path)[0] <= 7
