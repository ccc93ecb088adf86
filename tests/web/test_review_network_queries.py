"""The review pages, the network's pages and the calendar pages cost the same number of SQL
statements for a small and a larger data set (issue 9): a review with no history against one with
earlier reviews and corrected report versions; a network of 5 against 40 organisations; one meeting
series against ten. Counted with a ``before_cursor_execute`` listener after a warm-up request."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import ReviewState
from seqf.services import calendar_feeds
from tests.web.meeting_helpers import add_series
from tests.web.network_helpers import certified, report
from tests.web.plan_helpers import plan_cast
from tests.web.review_helpers import make_review, review_cast
from tests.web.test_plan_queries import counting

SCORES = {str(n): 3 for n in range(1, 10)}


def _count(client, path: str) -> int:
    assert client.get(path).status_code == 200, path  # warm up (instrument, translations)
    with counting() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _review_pages(review_id: int) -> list[str]:
    return [f"/reviews/{review_id}", f"/reviews/{review_id}/findings", f"/reviews/{review_id}/report",
            f"/reviews/{review_id}/report?version=1"]


def _history(org, cast, reviews: int, versions: int):
    """``reviews`` published reviews of ``org``, each following the one before; the newest has
    ``versions`` report versions (corrections). Returns the newest."""
    previous = None
    for n in range(reviews):
        review = make_review(org, cast.lead, (cast.co,), state=ReviewState.published,
                             starts_in_days=-400 * (reviews - n) - 40,
                             previous_review_id=previous.id if previous else None)
        for number in range(1, (versions if n == reviews - 1 else 1) + 1):
            report(review, SCORES, number=number)
        previous = review
    return previous


def test_review_pages_cost_the_same_with_a_long_history(client, auth, make_org, make_user):
    cast = review_cast(make_org, make_user, staff=1)
    short = _history(cast.org, cast, reviews=2, versions=1)
    veteran = make_org(name="Erfaren AS")
    make_user(org=veteran, member_role="leader", name="Vera Veteran")
    long = _history(veteran, cast, reviews=4, versions=3)
    auth.login(cast.lead)
    small = [_count(client, path) for path in _review_pages(short.id)]
    large = [_count(client, path) for path in _review_pages(long.id)]
    assert small == large


def test_network_pages_cost_the_same_for_5_and_40_organisations(client, auth, make_org, make_user):
    lead = make_user(roles=("revisor",), name="Rita Revisor")
    coordinator = make_user(roles=("coordinator",), name="Kari Koordinator")
    year = clock.today().year
    paths = ["/network", "/network?state=active&sort=valid_until", f"/network/calendar?year={year}",
             f"/network/calendar?year={year + 1}&month=6", "/reviews"]

    def grow(to: int, start: int) -> None:
        for i in range(start, to):
            org = make_org(name=f"Org {i:03d}")
            certified(org, lead, decided_days_ago=20 + 9 * i)
            if i % 3 == 0:
                make_review(org, lead, state=ReviewState.planned, starts_in_days=5 + i)

    grow(5, 0)
    auth.login(coordinator)
    small = {path: _count(client, path) for path in paths}
    grow(40, 5)
    large = {path: _count(client, path) for path in paths}
    assert small == large


def test_calendar_pages_cost_the_same_for_1_and_10_series(client, auth, make_org, make_user):
    cast = plan_cast(make_org, make_user)
    token = calendar_feeds.regenerate(cast.leader, None)
    org_token = calendar_feeds.regenerate(cast.leader, cast.org.id)
    db.session.commit()
    paths = ["/me/calendar", f"/organisations/{cast.org.id}/calendar", f"/calendar/{token}.ics",
             f"/calendar/{org_token}.ics"]

    add_series(cast)
    auth.login(cast.leader)
    small = {path: _count(client, path) for path in paths}
    for n in range(9):
        add_series(cast, first_on=clock.today() + dt.timedelta(days=n + 1), title=f"Møte {n}")
    large = {path: _count(client, path) for path in paths}
    assert small == large


@pytest.mark.parametrize("series", [1])
def test_a_series_page_costs_the_same_with_many_meetings(client, auth, make_org, make_user, series):
    cast = plan_cast(make_org, make_user)
    first = add_series(cast, first_on=clock.today() - dt.timedelta(days=7 * 30), interval_days=7)
    auth.login(cast.leader)
    from tests.web.meeting_helpers import open_on

    open_on(cast, first, first.first_on)
    small = _count(client, f"/meeting-series/{first.id}")
    for week in range(1, 20):
        open_on(cast, first, first.first_on + dt.timedelta(days=7 * week))
    assert _count(client, f"/meeting-series/{first.id}") == small


def test_the_package_pages_show_the_evidence_a_page_at_a_time(client, auth, make_org, make_user):
    from seqf.services import evidence as evidence_service
    from seqf.services import review_package

    cast = review_cast(make_org, make_user, staff=1)
    review = make_review(cast.org, cast.lead, (cast.co,), state=ReviewState.planned, starts_in_days=5)

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            evidence_service.add_link_evidence(cast.leader, cast.org, title=f"Rutine {n:03d}",
                                               url=f"https://example.no/{n}")
        db.session.commit()

    add(3, 0)
    paths = [f"/reviews/{review.id}/package"]
    auth.login(cast.lead)
    small = _count(client, paths[0])
    add(57, 3)
    assert _count(client, paths[0]) == small
    first = client.get(paths[0]).get_data(as_text=True)
    assert "Rutine 049" in first and "Rutine 050" not in first and "page=2" in first
    second = client.get(paths[0] + "?page=2").get_data(as_text=True)
    assert "Rutine 050" in second and "Rutine 059" in second and "Rutine 049" not in second
    assert len(review_package.package(review)["evidence"]) == 60  # the API and the ZIP keep everything
    auth.logout()
    auth.login(cast.leader)
    contents = client.get(f"/reviews/{review.id}/package/contents").get_data(as_text=True)
    assert "Rutine 049" in contents and "Rutine 050" not in contents
