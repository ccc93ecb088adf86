"""In Chromium: a coordinator plans a review from the organisation page, the overview shows the plan,
the revisors get the invitation, and the planning pages pass axe on a desktop and on a 360 px phone."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from tests.e2e.helpers import DESKTOP, PHONE, accessibility_problems, log_in, path_of, screenshot, wait_for_mail
from tests.e2e.test_axe import axe_violations, describe

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(make_org, make_user):
    from types import SimpleNamespace

    org = make_org(name="Jobbhuset AS")
    return SimpleNamespace(
        org=org,
        leader=make_user(org=org, member_role="leader", name="Lise Leder", email="lise@example.no"),
        coordinator=make_user(roles=("coordinator",), name="Kari Koordinator", email="kari@example.no"),
        lead=make_user(roles=("revisor",), name="Rita Revisor", email="rita@example.no"),
        co=make_user(roles=("revisor",), name="Carl Medrevisor", email="carl@example.no"),
    )


def open_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server, locale="nb-NO",
                                  timezone_id="Europe/Oslo", bypass_csp=True)  # lets the test inject axe
    context.set_default_timeout(15_000)
    return context, context.new_page()


def check(page, name: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{name}: {problems}"
    violations = axe_violations(page)
    screenshot(page, name)
    assert not violations, f"axe on {name}:\n{describe(violations)}"


def test_coordinator_plans_a_review_in_the_browser(browser, live_server, mailbox, people):
    start = clock.today() + dt.timedelta(days=30)
    context, page = open_page(browser, live_server, DESKTOP)
    try:
        log_in(page, people.coordinator.email)
        page.goto(f"/organisations/{people.org.id}/")
        page.get_by_role("link", name="Planlegg en revisjon").click()
        page.wait_for_url(f"**/organisations/{people.org.id}/reviews/new")
        check(page, "review-plan-new-desktop")
        # a refused plan first: the visit ends before it starts
        page.select_option("#lead", str(people.lead.id))
        page.check(f"#co_revisors input[value='{people.co.id}'], input[name=co_revisors][value='{people.co.id}']")
        page.fill("#visit_starts_on", start.isoformat())
        page.fill("#visit_ends_on", (start - dt.timedelta(days=1)).isoformat())
        page.check("input[name=mode][value=video]")
        page.fill("#meeting_url", "https://meet.example.no/jobbhuset")
        with page.expect_navigation():
            page.get_by_role("button", name="Planlegg revisjonen").click()
        assert page.locator("#visit_ends_on-error").inner_text() == "Besøket kan ikke slutte før det begynner."
        check(page, "review-plan-refused-desktop")
        page.fill("#visit_ends_on", (start + dt.timedelta(days=1)).isoformat())
        with page.expect_navigation():
            page.get_by_role("button", name="Planlegg revisjonen").click()
        assert path_of(page).startswith("/reviews/")
        assert page.locator("h1").inner_text() == "Sertifiseringsrevisjon – Jobbhuset AS"
        assert page.locator("[aria-current=step]").inner_text().startswith("1")
        assert "Rita Revisor" in page.locator("#revisors-h + ul").inner_text()
        check(page, "review-overview-desktop")
        message = wait_for_mail(mailbox, people.lead.email)
        assert any(p.get_content_type() == "text/calendar" for p in message.iter_attachments())
        wait_for_mail(mailbox, people.leader.email)
        review_path = path_of(page)
        page.goto("/reviews")
        assert "Jobbhuset AS" in page.locator("main").inner_text()
        check(page, "review-list-desktop")
        page.goto(f"{review_path}/plan")
        check(page, "review-plan-edit-desktop")
        page.goto(f"{review_path}/cancel")
        check(page, "review-cancel-desktop")
    finally:
        context.close()

    context, phone = open_page(browser, live_server, PHONE)
    try:
        log_in(phone, people.coordinator.email)
        for name, path in (("overview", review_path), ("list", "/reviews"),
                           ("plan-new", f"/organisations/{people.org.id}/reviews/new")):
            phone.goto(path)
            check(phone, f"review-{name}-phone")
    finally:
        context.close()
