"""The network register page, its CSV, the annual calendar (page + .ics) and revisor workload:
who may open them, what the rows say, filters, sorting, pagination, and that the register's SQL
costs the same number of statements for 10 and for 60 organisations."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import selectinload

from seqf import clock
from seqf.certificates import certificate_state
from seqf.extensions import db
from seqf.models import ReviewKind, ReviewState, User
from seqf.services import network_register as register
from tests.web.network_helpers import certified, report
from tests.web.review_helpers import make_review
from tests.web.test_summary_queries import counting

PAGES = ["/network", "/network.csv", "/network/calendar", "/network/calendar.ics", "/network/workload"]


@pytest.fixture
def network(make_org, make_user):
    """Five organisations, one per certificate state, with a coordinator, an admin and revisors."""
    lead = make_user(roles=("revisor",), name="Rita Revisor")
    co = make_user(roles=("revisor",), name="Carl Medrevisor")
    orgs = {state: make_org(name=f"Org {state}") for state in register.STATES}
    active = certified(orgs["active"], lead, decided_days_ago=30)
    certified(orgs["expiring"], lead, decided_days_ago=3 * 365 - 30, follow_ups=False)
    certified(orgs["expired"], lead, decided_days_ago=4 * 365, follow_ups=False)
    certified(orgs["withdrawn"], lead, decided_days_ago=100, withdrawn=True, follow_ups=False)
    in_progress = make_review(orgs["none"], co, [lead], state=ReviewState.drafting, starts_in_days=-2)
    return {"orgs": orgs, "lead": lead, "co": co, "active": active, "in_progress": in_progress,
            "coordinator": make_user(roles=("coordinator",), name="Kari Koordinator"),
            "admin": make_user(roles=("admin",), name="Ada Admin"),
            "leader": make_user(org=orgs["active"], member_role="leader"),
            "staff": make_user(org=orgs["active"], member_role="staff")}


# --- access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["leader", "staff", "lead"])
def test_only_coordinators_and_admins_open_the_network_pages(client, auth, network, who):
    auth.login(network[who])
    for page in PAGES:
        assert client.get(page).status_code == 403, page


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_coordinators_and_admins_open_every_network_page(client, auth, network, who):
    auth.login(network[who])
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_anonymous_is_sent_to_log_in(client):
    for page in PAGES:
        assert client.get(page).status_code in (302, 401)


def test_the_main_menu_offers_the_register_to_coordinators_only(client, auth, network):
    auth.login(network["coordinator"])
    assert 'href="/network"' in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    auth.login(network["leader"])
    assert 'href="/network"' not in client.get("/dashboard").get_data(as_text=True)


# --- rows -------------------------------------------------------------------------------------------

def test_rows_say_state_dates_total_progress_and_lead(app, network):
    rows = {r["name"]: r for r in register.register_page(network["coordinator"], register.Filters()).items}
    assert {name: r["state"] for name, r in rows.items()} == {f"Org {s}": s for s in register.STATES}
    active = rows["Org active"]
    assert active["valid_until"] == network["active"].valid_until
    assert active["next_follow_up"] == network["active"].valid_from.replace(year=network["active"].valid_from.year + 1)
    assert active["last_total"] == 27
    assert active["in_progress"] == 0
    assert active["lead"] == "Rita Revisor"  # the suggested lead of the next due follow-up
    none = rows["Org none"]
    assert (none["valid_until"], none["last_total"], none["in_progress"], none["lead"]) == (None, None, 1,
                                                                                           "Carl Medrevisor")


def test_last_total_is_the_latest_version_of_the_latest_certification(app, network):
    org = network["orgs"]["active"]
    review = network["active"].review
    report(review, {"1": 5, "2": 5}, number=2)
    later = make_review(org, network["lead"], state=ReviewState.published, kind=ReviewKind.follow_up,
                        starts_in_days=-1)
    report(later, {"1": 1})  # a follow-up does not change the last total
    rows = {r["name"]: r for r in register.register_page(network["coordinator"], register.Filters()).items}
    assert rows["Org active"]["last_total"] == 10


def test_a_planned_follow_up_counts_by_its_visit_date(app, network):
    org, certificate = network["orgs"]["active"], network["active"]
    planned = make_review(org, network["co"], state=ReviewState.planned, kind=ReviewKind.follow_up,
                          starts_in_days=5, certificate_id=certificate.id)
    rows = {r["name"]: r for r in register.register_page(network["coordinator"], register.Filters()).items}
    assert rows["Org active"]["next_follow_up"] == planned.visit_starts_on
    assert rows["Org active"]["in_progress"] == 1
    assert rows["Org active"]["lead"] == "Carl Medrevisor"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_until=st.dates(dt.date(2000, 1, 1), dt.date(2060, 12, 31)),
       today=st.dates(dt.date(2000, 1, 1), dt.date(2060, 12, 31)), withdrawn=st.booleans())
def test_the_sql_state_agrees_with_certificate_state(app, valid_until, today, withdrawn):
    import sqlalchemy as sa

    expression = register.state_case(sa.literal(valid_until, sa.Date),
                                     sa.literal(dt.datetime(2020, 1, 1) if withdrawn else None, sa.DateTime),
                                     today)
    assert db.session.scalar(sa.select(expression)) == certificate_state(valid_until, withdrawn, today)


# --- filters, sorting, pages ------------------------------------------------------------------------

def _names(client, query: str) -> list[str]:
    import re

    text = client.get("/network" + query).get_data(as_text=True)
    return re.findall(r'<th scope="row"><a href="/organisations/\d+/">([^<]+)</a>', text)


def test_filters_narrow_the_rows(client, auth, network):
    auth.login(network["coordinator"])
    assert _names(client, "?q=EXPIR") == ["Org expired", "Org expiring"]
    assert _names(client, "?state=withdrawn") == ["Org withdrawn"]
    assert _names(client, "?in_progress=1") == ["Org none"]
    assert _names(client, "?due_within=400") == ["Org active"]
    assert _names(client, "?due_within=1") == []
    assert _names(client, "?q=%25") == []  # a literal percent sign, not a wildcard


def test_sorting_by_valid_until_puts_organisations_without_certificate_last(client, auth, network):
    auth.login(network["coordinator"])
    assert _names(client, "?sort=valid_until") == ["Org expired", "Org expiring", "Org withdrawn", "Org active",
                                                   "Org none"]


@pytest.mark.parametrize("query", ["?state=bogus", "?due_within=abc", "?due_within=-1", "?sort=x", "?page=0"])
def test_a_bad_filter_is_named_and_left_out(client, auth, network, query):
    auth.login(network["coordinator"])
    response = client.get("/network" + query)
    assert response.status_code == 422
    assert 'class="alert alert--error" role="alert"' in response.get_data(as_text=True)
    assert len(_names(client, query)) == 5


def test_pages_of_fifty_with_links_and_total(client, auth, make_org, network):
    for i in range(60):
        make_org(name=f"Extra {i:02d}")
    auth.login(network["coordinator"])
    first = client.get("/network").get_data(as_text=True)
    assert "65 organisasjoner" in first
    assert len(_names(client, "")) == 50
    assert 'href="/network?page=2"' in first
    second = _names(client, "?page=2")
    assert len(second) == 15 and second[-1] == "Org withdrawn"
    assert _names(client, "?page=9") == []
    assert 'href="/network?page=2&amp;q=Extra"' in client.get("/network?q=Extra").get_data(as_text=True)


def test_csv_has_the_filtered_rows_for_norwegian_excel(client, auth, network, make_org):
    make_org(name="=HYPERLINK(evil)")
    auth.login(network["coordinator"])
    response = client.get("/network.csv?state=active")
    assert response.mimetype == "text/csv"
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][0] == "Org active" and rows[1][2] == network["active"].valid_until.isoformat()
    everything = list(csv.reader(io.StringIO(client.get("/network.csv").get_data().decode("utf-8-sig")),
                                 delimiter=";"))
    assert len(everything) == 7
    assert ["'=HYPERLINK(evil)"] == [r[0] for r in everything if "HYPERLINK" in r[0]]


@pytest.mark.parametrize("organisations", [10, 60])
def test_the_register_costs_the_same_statements_for_any_size(app, make_org, make_user, organisations):
    lead = make_user(roles=("revisor",))
    coordinator = make_user(roles=("coordinator",))
    for i in range(organisations):
        org = make_org(name=f"Org {i:03d}")
        if i % 3 == 0:
            certified(org, lead, decided_days_ago=30 + i)
        if i % 4 == 0:
            make_review(org, lead, state=ReviewState.planned)
    coordinator_id = coordinator.id
    db.session.expunge_all()
    # as the login session query loads the coordinator: with the platform roles
    coordinator = db.session.get(User, coordinator_id, options=[selectinload(User.role_grants)])
    with counting() as statements:
        page = register.register_page(coordinator, register.Filters())
        list(register.register_rows(coordinator, register.Filters(in_progress=True)))
    assert page.total == organisations
    # one count, one page and one CSV query, whatever the number of organisations
    assert len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]) == 3


# --- calendar and workload --------------------------------------------------------------------------

def test_calendar_groups_visits_follow_ups_and_expiries_by_month(client, auth, network):
    certificate = network["active"]
    follow_up_year = certificate.valid_from.year + 1
    auth.login(network["coordinator"])
    events = register.calendar(network["coordinator"], follow_up_year)
    assert {e["type"] for e in events} >= {"follow_up_due"}
    due = next(e for e in events if e["type"] == "follow_up_due" and e["organisation"] == "Org active")
    # the page shows one month at a time: the month of the follow-up lists it
    page = client.get(f"/network/calendar?year={follow_up_year}&month={due['date'].month}").get_data(as_text=True)
    assert "Org active" in page
    expiry_year = certificate.valid_until.year
    assert any(e["type"] == "certificate_expiry" and e["organisation"] == "Org active"
               for e in register.calendar(network["coordinator"], expiry_year))
    visit = network["in_progress"]
    assert any(e["type"] == "visit" and e["review_id"] == visit.id
               for e in register.calendar(network["coordinator"], visit.visit_starts_on.year))
    # withdrawn certificates do not expire in the calendar
    withdrawn = network["orgs"]["withdrawn"]
    assert not any(e["organisation_id"] == withdrawn.id and e["type"] == "certificate_expiry"
                   for year in range(clock.today().year, clock.today().year + 4)
                   for e in register.calendar(network["coordinator"], year))


def test_the_calendar_page_shows_one_month_paged_with_every_month_counted(client, auth, network):
    coordinator = network["coordinator"]
    year = network["active"].valid_from.year + 1
    events = register.calendar(coordinator, year)
    month = events[0]["date"].month
    shown = register.calendar_month(coordinator, year, month, per_page=1)
    assert shown.counts == {m: n for m in range(1, 13)
                            if (n := len([e for e in events if e["date"].month == m]))}
    assert shown.events == [e for e in events if e["date"].month == month][:1]
    assert shown.pages == shown.total
    if shown.total > 1:
        second = register.calendar_month(coordinator, year, month, page=2, per_page=1)
        assert second.events == [e for e in events if e["date"].month == month][1:2]
    auth.login(coordinator)
    assert client.get(f"/network/calendar?year={year}&month=13").status_code == 422
    page = client.get(f"/network/calendar?year={year}&month={month}").get_data(as_text=True)
    assert f'{len(events)} ' in page and 'aria-current="page"' in page


def test_calendar_ics_has_one_all_day_event_per_entry(client, auth, network):
    from icalendar import Calendar

    year = network["active"].valid_from.year + 1
    auth.login(network["coordinator"])
    response = client.get(f"/network/calendar.ics?year={year}")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    events = calendar.walk("VEVENT")
    assert len(events) == len(register.calendar(network["coordinator"], year))
    assert any("Org active" in str(e["summary"]) for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)


@pytest.mark.parametrize("year", ["1999", "abc", "2101"])
def test_a_bad_year_is_refused(client, auth, network, year):
    auth.login(network["coordinator"])
    assert client.get(f"/network/calendar?year={year}").status_code == 422
    assert client.get(f"/network/workload?year={year}").status_code == 422
    assert client.get(f"/network/calendar.ics?year={year}").status_code == 422


def test_workload_counts_lead_co_days_and_follow_ups(client, auth, network):
    visit = network["in_progress"]  # Carl lead, Rita co, 2 days
    org = network["orgs"]["none"]
    follow_up = make_review(org, network["lead"], state=ReviewState.planned, kind=ReviewKind.follow_up,
                            starts_in_days=-2, days=1)
    year = visit.visit_starts_on.year
    rows = {r["name"]: r for r in register.workload(network["coordinator"], year)}
    carl = rows["Carl Medrevisor"]
    assert (carl["lead"], carl["co"], carl["visit_days"], carl["follow_ups"]) == (1, 0, 2, 0)
    if follow_up.visit_starts_on.year == year:
        rita = rows["Rita Revisor"]
        assert rita["co"] == 1 and rita["follow_ups"] == 1
    auth.login(network["coordinator"])
    assert "Carl Medrevisor" in client.get(f"/network/workload?year={year}").get_data(as_text=True)


def test_name_sorted_pages_agree_with_the_whole_register(app, network, make_org):
    """A page sorted by name and searched by name pages the organisations first; its rows must be
    those of the whole register (the CSV's query) cut at the same place, recertified ones included."""
    for i in range(7):
        make_org(name=f"Org extra {i}")
    recertified = network["orgs"]["expired"]
    certified(recertified, network["lead"], decided_days_ago=10, follow_ups=False)
    coordinator = network["coordinator"]
    for filters in (register.Filters(), register.Filters(q="org E")):
        everything = list(register.register_rows(coordinator, filters))
        paged = []
        for number in (1, 2, 3):
            page = register.register_page(coordinator, filters, number, per_page=5)
            assert page.total == len(everything)
            paged += page.items
        assert paged == everything
    rows = {r["name"]: r for r in register.register_page(coordinator, register.Filters()).items}
    assert rows["Org expired"]["state"] == "active"  # the newest certificate counts
