"""In a real browser: an admin logs in, switches language, creates an organisation and invites a
leader; the leader accepts the invitation from the mail, lands on the dashboard, logs out and in.

Selectors use element ids, hrefs and form actions, so the tests hold whatever the UI language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Membership, Organisation, User
from tests.conftest import PASSWORD, extract_links
from tests.e2e.helpers import accessibility_problems, log_in, path_of, screenshot, wait_for_mail

pytestmark = pytest.mark.e2e

LEADER_PASSWORD = "lederens-eget-passord-2026"


def log_out(page) -> None:
    page.click("form[action='/logout'] button")
    wait_for_path(page, "/login")


def wait_for_path(page, path: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


@pytest.fixture
def admin(make_user):
    return make_user(roles=("admin",), name="Ada Admin", email="ada@example.no")


def test_admin_creates_organisation_and_invites_a_leader(backend, page, new_page, mailbox, admin):
    # the login page, in Norwegian by default
    page.goto("/login")
    assert html_lang(page) == "nb"
    assert accessibility_problems(page) == []
    screenshot(page, f"login-desktop-{backend}")

    log_in(page, admin.email)
    assert "Ada Admin" in page.inner_text("main h1")

    # English and back
    page.click(".language-switch button[value=en]")
    page.wait_for_load_state()
    assert html_lang(page) == "en"
    assert path_of(page) == "/dashboard"
    assert "Hello, Ada Admin" in page.inner_text("main h1")
    page.click(".language-switch button[value=nb]")
    page.wait_for_load_state()
    assert html_lang(page) == "nb"

    # a new organisation, from the main menu
    page.click("nav a[href='/admin/organisations']")
    page.fill("#name", "Fjordbyen jobbstøtte")
    page.click("form:has(#name) button[type=submit]")
    page.wait_for_url("**/organisations/*/members")
    assert "Fjordbyen jobbstøtte" in page.inner_text("main")
    members_url = page.url

    # invite a leader by e-mail
    page.fill("#email", "ny.leder@example.no")
    page.select_option("#role", "leader")
    page.click("form:has(#email) button[type=submit]")
    page.wait_for_url(members_url)
    assert page.locator(".alert--success").count() == 1
    assert "ny.leder@example.no" in page.inner_text("main")
    assert accessibility_problems(page) == []
    screenshot(page, f"members-desktop-{backend}")

    # the leader opens the link from the mail in their own browser
    message = wait_for_mail(mailbox, "ny.leder@example.no")
    assert "Fjordbyen jobbstøtte" in message["Subject"]
    [link] = [url for url in extract_links(message.get_content()) if "/invitation/" in url]
    leader = new_page()
    leader.goto(link)
    assert "Fjordbyen jobbstøtte" in leader.inner_text("main h1")
    assert accessibility_problems(leader) == []
    leader.fill("#name", "Nora Leder")
    leader.fill("#new_password", LEADER_PASSWORD)
    leader.fill("#confirm", LEADER_PASSWORD)
    leader.click("main form button[type=submit]")
    wait_for_path(leader, "/dashboard")
    assert "Nora Leder" in leader.inner_text("main h1")
    assert "Fjordbyen jobbstøtte" in leader.inner_text("main")
    screenshot(leader, f"dashboard-leader-desktop-{backend}")

    # out and in again with the new password
    log_out(leader)
    log_in(leader, "ny.leder@example.no", LEADER_PASSWORD)
    assert "Fjordbyen jobbstøtte" in leader.inner_text("main")

    # the invitation link was for one use
    leader.goto(link)
    assert leader.locator("main h1").count() == 1
    assert "#new_password" not in leader.content()

    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.email == "ny.leder@example.no"))
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Fjordbyen jobbstøtte"))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    assert (user.name, membership.organisation_id, membership.role.value) == ("Nora Leder", organisation.id, "leader")


def test_wrong_password_then_right_one(page, admin):
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", "feil-passord-her")
    page.click("main form button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    assert path_of(page) == "/login"
    assert page.input_value("#email") == admin.email
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    wait_for_path(page, "/dashboard")


def test_keyboard_user_can_skip_to_content_and_log_in(page, admin):
    page.goto("/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    page.focus("#email")
    page.keyboard.type(admin.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_for_path(page, "/dashboard")


def test_pages_fit_a_phone(backend, phone_page, make_org, make_user):
    org = make_org(name="Jobbvei AS – avdeling for arbeidsinkludering")
    admin = make_user(org=org, member_role="org_admin", name="Oda Organisasjonsadministrator",
                      email="oda.organisasjonsadministrator@jobbvei-arbeidsinkludering.example.no")
    for n in range(3):
        make_user(org=org, member_role="staff", name=f"Medarbeider Nummer {n}",
                  email=f"medarbeider.nummer.{n}@jobbvei-arbeidsinkludering.example.no")
    page = phone_page
    page.goto("/login")
    screenshot(page, f"login-phone-{backend}")
    assert accessibility_problems(page) == []

    log_in(page, admin.email)
    screenshot(page, f"dashboard-phone-{backend}")
    assert accessibility_problems(page) == []

    page.goto(f"/organisations/{org.id}/members")
    screenshot(page, f"members-phone-{backend}")
    assert accessibility_problems(page) == []


def test_dashboard_and_admin_pages_on_desktop(backend, page, admin, make_org, make_user):
    org = make_org(name="Jobbvei AS")
    make_user(org=org, member_role="leader", name="Lise Leder")
    log_in(page, admin.email)
    assert accessibility_problems(page) == []
    screenshot(page, f"dashboard-admin-desktop-{backend}")
    for path in ("/admin/organisations", "/admin/users", "/admin/outbox", "/admin/audit", "/profile",
                 f"/organisations/{org.id}/", f"/organisations/{org.id}/audit"):
        page.goto(path)
        assert path_of(page) == path
        assert accessibility_problems(page) == [], path
