"""Accounts in the browser: removing a member and logging out elsewhere both ask first, on a page
of their own that works without JavaScript and passes axe; the other browser is really logged out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Membership
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, path_of, screenshot

pytestmark = pytest.mark.e2e


def test_remove_member_asks_first(backend, page, make_org, make_user):
    org = make_org(name="Jobbvei AS")
    admin = make_user(org=org, member_role="org_admin")
    staff = make_user(org=org, member_role="staff", name="Stine Stab")
    membership_id = db.session.scalar(sa.select(Membership.id).where(Membership.user_id == staff.id))
    log_in(page, admin.email)
    page.goto(f"/organisations/{org.id}/members")
    page.click(f"a[href='/organisations/{org.id}/members/{membership_id}/remove']")
    assert "Stine Stab" in page.inner_text("main h1")
    assert page.locator("main li").count() >= 2  # what follows, spelled out
    assert accessibility_problems(page) == []
    screenshot(page, f"remove-member-confirm-{backend}")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/organisations/{org.id}/members")
    assert "Stine Stab" not in page.inner_text("main table")


def test_log_out_everywhere_else(backend, new_page, make_user):
    user = make_user(name="Per Profil")
    desk, phone = new_page(), new_page(PHONE)
    log_in(phone, user.email)
    log_in(desk, user.email)
    desk.goto("/profile")
    assert desk.locator("main table").first.locator("tbody tr").count() == 2
    assert accessibility_problems(desk) == []
    desk.click("a[href='/profile/sessions/end-others']")
    assert path_of(desk) == "/profile/sessions/end-others"
    assert accessibility_problems(desk) == []
    screenshot(desk, f"log-out-elsewhere-confirm-{backend}")
    desk.click("main form button[type=submit]")
    desk.wait_for_url(lambda url: urlsplit(url).path == "/profile")
    assert desk.locator("main table").first.locator("tbody tr").count() == 1
    phone.goto("/dashboard")
    assert path_of(phone) == "/login"


def test_profile_sessions_and_tokens_on_a_phone(backend, new_page, make_user):
    """On a phone the tables become blocks: each date says what it is, nothing scrolls sideways."""
    from seqf.services import tokens

    user = make_user(name="Per Profil")
    tokens.issue_api_token(user)
    db.session.commit()
    desk, phone = new_page(), new_page(PHONE)
    log_in(desk, user.email)
    log_in(phone, user.email)
    phone.goto("/profile")
    sessions_table = phone.locator("main table").first
    assert sessions_table.locator("tbody tr").count() == 2
    labels = phone.evaluate("""() => [...document.querySelectorAll('main td[data-label]')].map(
        td => getComputedStyle(td, '::before').content)""")
    for label in ("Logget inn", "Sist aktiv", "Opprettet", "Sist brukt", "Utløper"):
        assert f'"{label}: "' in labels, labels
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert accessibility_problems(phone) == []
    screenshot(phone, f"profile-phone-{backend}")
