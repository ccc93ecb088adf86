"""The leader's confirm steps in Chromium, on a desktop and on a 360×740 phone: closing a round
asks first and names who has not submitted (the leader too), a round opened by mistake is deleted
only after confirming, and "Send reminder now" on the dashboard mails each person once a day.

Selectors use hrefs, form actions and classes, so the test holds whatever the UI language.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from seqf.extensions import db
from seqf.models import Round, RoundState
from tests.e2e.helpers import DESKTOP, PHONE, accessibility_problems, log_in, path_of, screenshot, wait_for_mail
from tests.web.round_helpers import answer, open_round

pytestmark = pytest.mark.e2e

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def state_of(round_id: int) -> RoundState | None:
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    return round_.state if round_ else None


@pytest.fixture
def team(make_org, make_user):
    """A leader who takes part, and three staff; the round is open and one has submitted."""
    org = make_org(name="Jobbvei AS")
    leader = make_user(org=org, member_role="leader", name="Lise Leder", email="lise@example.no")
    staff = [make_user(org=org, member_role="staff", name=name, email=email)
             for name, email in (("Bjørn Berg", "bjorn@example.no"), ("Cecilie Dahl", "cecilie@example.no"),
                                 ("David Eriksen", "david@example.no"))]
    round_ = open_round(leader, org, title="Vårrunden")
    return org, leader, staff, round_.id


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_closing_asks_first_and_names_who_has_not_submitted(backend, team, new_page, viewport):
    org, leader, staff, round_id = team
    answer(staff[0], db.session.get(Round, round_id), {"1": 1})
    page = new_page(viewport)
    log_in(page, leader.email)
    page.goto(f"/rounds/{round_id}")
    page.click(f"a[href='/rounds/{round_id}/close']")
    assert path_of(page) == f"/rounds/{round_id}/close"
    left = page.locator(".close-left li")
    expect(left).to_have_count(3)
    expect(page.locator(".close-left")).to_contain_text(leader.name)
    expect(page.locator(".close-left")).not_to_contain_text(staff[0].name)
    expect(page.locator(".close-left .tag")).to_have_count(1)  # "you", next to the leader
    assert state_of(round_id) == RoundState.open  # nothing happened yet
    assert accessibility_problems(page) == [] and fits(page)
    screenshot(page, f"leader-close-confirm-{viewport['width']}-{backend}")
    page.click(f"form[action='/rounds/{round_id}/close'] button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/rounds/{round_id}/consensus")
    assert state_of(round_id) == RoundState.closed


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_deleting_a_round_asks_first_and_tells_the_participants(backend, team, new_page, mailbox, viewport):
    org, leader, staff, round_id = team
    page = new_page(viewport)
    log_in(page, leader.email)
    page.goto(f"/rounds/{round_id}")
    page.click(f"a[href='/rounds/{round_id}/delete']")
    assert path_of(page) == f"/rounds/{round_id}/delete"
    assert state_of(round_id) == RoundState.open
    assert accessibility_problems(page) == [] and fits(page)
    screenshot(page, f"leader-delete-confirm-{viewport['width']}-{backend}")
    page.click(f"form[action='/rounds/{round_id}/delete'] button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/organisations/{org.id}/rounds")
    expect(page.locator(".flashes .alert--success")).to_contain_text("Vårrunden")
    assert state_of(round_id) is None
    withdrawn = wait_for_mail(mailbox, staff[1].email)
    assert "Vårrunden" in withdrawn["Subject"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_round_someone_answered_cannot_be_deleted(backend, team, new_page, viewport):
    org, leader, staff, round_id = team
    answer(staff[1], db.session.get(Round, round_id), {"2": 1}, submit=False)
    page = new_page(viewport)
    log_in(page, leader.email)
    page.goto(f"/rounds/{round_id}")
    expect(page.locator(f"a[href='/rounds/{round_id}/delete']")).to_have_count(0)
    page.goto(f"/rounds/{round_id}/delete")
    expect(page.locator(".alert--warning")).to_be_visible()
    expect(page.locator(f"form[action='/rounds/{round_id}/delete']")).to_have_count(0)
    assert state_of(round_id) == RoundState.open


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_send_reminder_now_from_the_dashboard_once_a_day(backend, team, new_page, mailbox, viewport):
    org, leader, staff, round_id = team
    answer(staff[0], db.session.get(Round, round_id), {"1": 1})
    page = new_page(viewport)
    log_in(page, leader.email)
    card = page.locator(".lead-card")
    expect(card).to_have_count(1)
    expect(card.locator(f"a[href='/rounds/{round_id}/summary']").first).to_be_visible()
    expect(card.locator("progress")).to_have_attribute("value", "1")
    assert accessibility_problems(page) == [] and fits(page)
    screenshot(page, f"leader-dashboard-{viewport['width']}-{backend}")
    button = card.locator(f"form[action='/rounds/{round_id}/remind'] button[type=submit]")
    button.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard")
    expect(page.locator(".flashes .alert--success")).to_contain_text("3")
    for person in (leader, staff[1], staff[2]):
        assert f"/rounds/{round_id}/fill" in wait_for_mail(mailbox, person.email).get_content()
    sent = len(mailbox.messages)
    assert sent == 3  # not the one who has submitted
    page.locator(f".lead-card form[action='/rounds/{round_id}/remind'] button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/dashboard")
    expect(page.locator(".flashes .alert--info")).to_be_visible()
    time.sleep(0.3)  # give a wrongly queued mail the time to arrive
    assert len(mailbox.messages) == sent
