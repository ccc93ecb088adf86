"""The network pages in Chromium: the coordinator opens the register with a few organisations,
filters it, opens the annual calendar; a leader opens the organisation's trend — on a desktop and a
360×740 phone, with axe (WCAG 2.1 AA) and the basic checks, and screenshots to look at."""

from __future__ import annotations

import pytest

from seqf.models import ReviewKind, ReviewState
from tests.e2e.helpers import DESKTOP, PHONE, accessibility_problems, log_in, path_of, screenshot
from tests.e2e.test_axe import axe_violations, describe
from tests.web.network_helpers import certified, report
from tests.web.review_helpers import make_review
from tests.web.test_trend import consensus_round

pytestmark = pytest.mark.e2e


@pytest.fixture
def network(make_org, make_user):
    import datetime as dt

    from seqf import clock

    lead = make_user(roles=("revisor",), name="Rita Revisor")
    coordinator = make_user(roles=("coordinator",), name="Kari Koordinator", email="kari@example.no")
    jobb = make_org(name="Jobbhuset AS")
    leader = make_user(org=jobb, member_role="leader", name="Lise Leder", email="lise@example.no")
    certificate = certified(jobb, lead, decided_days_ago=400,
                            total_scores={str(n): 2 + n % 3 for n in range(1, 10)})
    follow_up = make_review(jobb, lead, state=ReviewState.published, kind=ReviewKind.follow_up, starts_in_days=-30,
                            certificate_id=certificate.id)
    report(follow_up, {str(n): 3 + n % 2 for n in range(1, 10)}, reasons={"1": "Nye rutiner for jobbsøk"})
    consensus_round(jobb, leader, {str(n): 2 + n % 2 for n in range(1, 10)}, clock.now() - dt.timedelta(days=200))
    certified(make_org(name="Arbeid og Vekst AS"), lead, decided_days_ago=3 * 365 - 20, follow_ups=False)
    certified(make_org(name="Nettverket Øst"), lead, decided_days_ago=4 * 365, follow_ups=False)
    make_review(make_org(name="Steg for Steg"), lead, state=ReviewState.planned, starts_in_days=12)
    return {"coordinator": coordinator, "leader": leader, "org": jobb, "certificate": certificate}


def _check(page, name: str) -> None:
    assert accessibility_problems(page) == [], name
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_coordinator_register_calendar_and_leader_trend(browser, live_server, network, viewport):
    def open_page():
        context = browser.new_context(viewport=viewport, base_url=live_server, locale="nb-NO",
                                      timezone_id="Europe/Oslo", bypass_csp=True)  # axe is injected
        context.set_default_timeout(15_000)
        return context, context.new_page()

    suffix = "phone" if viewport == PHONE else "desktop"
    context, page = open_page()
    try:
        log_in(page, "kari@example.no")
        page.click("nav[aria-label] a[href='/network']")
        page.wait_for_url("**/network")
        page.wait_for_load_state("load")
        assert path_of(page) == "/network"
        assert page.locator("tbody tr").count() == 4
        _check(page, f"network-register-{suffix}")
        page.select_option("#state", "expiring")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_url("**state=expiring**")
        rows = page.locator("tbody tr")
        assert rows.count() == 1 and "Arbeid og Vekst AS" in rows.inner_text()
        page.click("a[href^='/network/calendar']")
        page.wait_for_url("**/network/calendar**")
        page.wait_for_load_state("load")  # the check measures the laid-out page, not one half-loaded
        assert path_of(page) == "/network/calendar"
        _check(page, f"network-calendar-{suffix}")
        page.click("a[href^='/network/workload']")
        page.wait_for_url("**/network/workload**")
        page.wait_for_load_state("load")
        _check(page, f"network-workload-{suffix}")
    finally:
        context.close()
    context, page = open_page()
    try:
        log_in(page, "lise@example.no")
        page.goto(f"/organisations/{network['org'].id}/trend")
        assert page.locator("svg.trend").count() == 9
        assert "Nye rutiner for jobbsøk" in page.inner_text("main")
        page.locator("details.trend-figure__table summary").first.click()
        assert page.locator("details.trend-figure__table[open] table").count() == 1
        # every table open, so the checks see every link in them
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        _check(page, f"network-trend-{suffix}")
    finally:
        context.close()
