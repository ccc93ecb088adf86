"""Logging in and out, rate limits, safe redirects, passwords, invitations and the language switch."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import (
    AuditEvent,
    Membership,
    OneTimeToken,
    OutboxMessage,
    TokenPurpose,
    User,
    utcnow,
)
from tests.conftest import PASSWORD, CSRFClient
from tests.web.helpers import count, in_english, link_in, location, text

NEW_PASSWORD = "nytt-langt-passord-for-test"


def form_error(response) -> str:
    """The text of the form-level error box on a page."""
    match = re.search(r'<div class="alert alert--error" role="alert">(.*?)</div>', text(response), re.S)
    assert match, text(response)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def fresh_client(app):
    """A second browser: its own cookies, same app."""
    return CSRFClient(app, app.response_class, use_cookies=True)


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


# --- logging in and out ---------------------------------------------------------------------------

def test_login_then_logout(client, auth, make_user):
    user = make_user()
    assert location(client.get("/dashboard")).startswith("/login")

    response = auth.login(user)
    assert response.status_code == 302
    assert location(response) == "/dashboard"
    assert client.get("/dashboard").status_code == 200

    response = auth.logout()
    assert location(response) == "/login"
    assert location(client.get("/dashboard")).startswith("/login")


def test_logout_needs_a_post(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_email_is_matched_regardless_of_case(client, make_user):
    user = make_user(email="kari.nordmann@example.no")
    response = login(client, "  Kari.Nordmann@EXAMPLE.no ")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_email_and_wrong_password_give_the_same_message(client, make_user):
    in_english(client)
    user = make_user()
    wrong_password = login(client, user.email, "not-the-password-at-all")
    wrong_email = login(client, "nobody@example.no", PASSWORD)
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert form_error(wrong_password) == form_error(wrong_email) == "Wrong e-mail or password."
    assert location(client.get("/dashboard")).startswith("/login")


def test_inactive_user_cannot_log_in(client, make_user):
    in_english(client)
    user = make_user(active=False)
    response = login(client, user.email)
    assert response.status_code == 401
    assert form_error(response) == "Wrong e-mail or password."
    assert location(client.get("/dashboard")).startswith("/login")


def test_deactivated_user_is_logged_out(client, auth, make_user):
    user = make_user()
    auth.login(user)
    user.active = False
    db.session.commit()
    assert location(client.get("/dashboard")).startswith("/login")


def test_empty_login_form_is_refused_without_error_page(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "<form" in text(response)


# --- rate limit ---------------------------------------------------------------------------------

def test_sixth_failed_login_is_refused_with_a_clear_message(client, make_user):
    in_english(client)
    user = make_user()
    for _ in range(5):
        assert login(client, user.email, "wrong-password-123").status_code == 401
    response = login(client, user.email, "wrong-password-123")
    assert response.status_code == 429
    page = text(response)
    assert "Too many attempts" in page
    assert "Wait a few minutes" in page
    assert "per 15 minute" not in page  # the limiter's own wording is not shown
    assert int(response.headers["Retry-After"]) > 0
    # even the right password is refused until the window has passed
    assert login(client, user.email).status_code == 429
    assert location(client.get("/dashboard")).startswith("/login")


def test_successful_logins_do_not_count_towards_the_limit(client, auth, make_user):
    user = make_user()
    for _ in range(8):
        assert auth.login(user).status_code == 302
        assert auth.logout().status_code == 302
    for _ in range(4):
        assert login(client, user.email, "wrong-password-123").status_code == 401
    assert auth.login(user).status_code == 302  # four failures, still allowed


def test_the_limit_is_per_account(client, make_user):
    locked, other = make_user(), make_user()
    for _ in range(6):
        login(client, locked.email, "wrong-password-123")
    assert login(client, locked.email).status_code == 429
    assert login(client, other.email).status_code == 302


def test_api_tokens_share_the_failed_login_limit(client, make_user):
    user = make_user()
    for _ in range(5):
        response = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-password-1"})
        assert response.status_code == 401
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-password-1"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"


# --- next: no open redirect ----------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.com",
    "https://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "http:evil.com",
    "javascript:alert(1)",
    " //evil.com",
    "/\t/evil.com",
])
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = login(client, user.email, next=target)
    assert response.status_code == 302
    assert location(response) == "/dashboard"
    assert "evil" not in response.headers["Location"]


def test_next_to_a_local_page_is_followed(client, make_user):
    user = make_user()
    assert location(login(client, user.email, next="/profile")) == "/profile"


def test_login_page_carries_next_from_the_query(client):
    page = text(client.get("/login?next=/profile"))
    assert 'name="next" type="hidden" value="/profile"' in page


def test_language_switch_next_never_leaves_the_site(client):
    response = client.post("/language", data={"language": "en", "next": "//evil.com"})
    assert location(response) == "/"


# --- changing the password -----------------------------------------------------------------------

def change_password(client, current, new, confirm=None):
    return client.post("/profile/password", data={
        "current_password": current, "new_password": new, "confirm": confirm or new})


def test_change_password_with_wrong_current_password(client, auth, make_user):
    user = make_user(language="en")
    auth.login(user)
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 422
    assert "The current password is wrong." in text(response)
    auth.logout()
    assert login(client, user.email).status_code == 302


@pytest.mark.parametrize("weak", ["short", "passord123", "aaaaaaaaaaaaaaa", "x" * 300])
def test_change_password_refuses_weak_passwords(client, auth, make_user, weak):
    user = make_user(language="en")
    auth.login(user)
    response = change_password(client, PASSWORD, weak)
    assert response.status_code == 422
    assert 'class="field__error"' in text(response)
    auth.logout()
    assert login(client, user.email, weak).status_code in (401, 422)
    assert login(client, user.email).status_code == 302


def test_change_password_refuses_the_email_as_password(client, auth, make_user):
    user = make_user(email="lang.adresse@example.no")
    auth.login(user)
    assert change_password(client, PASSWORD, "lang.adresse@example.no").status_code == 422


def test_change_password_needs_matching_confirmation(client, auth, make_user):
    user = make_user()
    auth.login(user)
    assert change_password(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x").status_code == 422


def test_change_password_logs_out_other_sessions(app, client, auth, make_user):
    user = make_user()
    other_browser = fresh_client(app)
    assert login(other_browser, user.email).status_code == 302
    assert other_browser.get("/dashboard").status_code == 200

    auth.login(user)
    response = change_password(client, PASSWORD, NEW_PASSWORD)
    assert location(response) == "/profile"

    assert client.get("/dashboard").status_code == 200  # this session stays
    assert location(other_browser.get("/dashboard")).startswith("/login")
    assert login(fresh_client(app), user.email).status_code == 401
    assert login(fresh_client(app), user.email, NEW_PASSWORD).status_code == 302
    assert count(AuditEvent, AuditEvent.action == "user.password_changed", AuditEvent.object_id == user.id) == 1


# --- password reset by mail ----------------------------------------------------------------------

def request_reset(client, email):
    return client.post("/password/forgot", data={"email": email})


def reset_link(mailbox, user) -> str:
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == user.email
    return link_in(message, "/password/reset/")


def test_password_reset_end_to_end_through_smtp(app, client, make_user, mailbox):
    user = make_user(language="en")
    logged_in_elsewhere = fresh_client(app)
    login(logged_in_elsewhere, user.email)

    response = request_reset(client, user.email.upper())
    assert location(response) == "/login"
    message = mailbox.messages[0]
    assert message["Subject"] == "Set a new password for seqf"
    link = reset_link(mailbox, user)
    assert count(OutboxMessage, OutboxMessage.state == "sent") == 1

    assert client.get(link).status_code == 200
    response = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert location(response) == "/login"

    assert login(fresh_client(app), user.email, PASSWORD).status_code == 401
    assert login(fresh_client(app), user.email, NEW_PASSWORD).status_code == 302
    assert location(logged_in_elsewhere.get("/dashboard")).startswith("/login")
    assert count(AuditEvent, AuditEvent.action == "user.password_reset", AuditEvent.object_id == user.id) == 1


def test_reset_link_works_once(app, client, make_user, mailbox):
    user = make_user()
    request_reset(client, user.email)
    link = reset_link(mailbox, user)
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302

    assert client.get(link).status_code == 404
    response = client.post(link, data={"new_password": "a-third-password-x", "confirm": "a-third-password-x"})
    assert response.status_code in (404, 422)
    assert login(fresh_client(app), user.email, "a-third-password-x").status_code == 401
    assert login(fresh_client(app), user.email, NEW_PASSWORD).status_code == 302


def test_expired_reset_link_fails(app, client, make_user, mailbox):
    user = make_user()
    request_reset(client, user.email)
    link = reset_link(mailbox, user)
    token = db.session.scalar(sa.select(OneTimeToken).where(OneTimeToken.user_id == user.id))
    token.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    assert client.get(link).status_code == 404
    response = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code in (404, 422)
    assert login(fresh_client(app), user.email, NEW_PASSWORD).status_code == 401
    assert login(fresh_client(app), user.email).status_code == 302


def test_reset_with_weak_password_keeps_the_link_usable(client, make_user, mailbox):
    user = make_user()
    request_reset(client, user.email)
    link = reset_link(mailbox, user)
    assert client.post(link, data={"new_password": "kort", "confirm": "kort"}).status_code == 422
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_reset_for_unknown_email_looks_the_same_and_sends_only_a_note(app, make_user, mailbox):
    """Both addresses get one mail, delivered the same way, so neither the answer nor its time tells
    whether the address has an account; the unknown one gets a note without a link."""
    user = make_user()
    known_browser, unknown_browser = fresh_client(app), fresh_client(app)
    known = request_reset(known_browser, user.email)
    unknown = request_reset(unknown_browser, "nobody@example.no")
    assert known.status_code == unknown.status_code == 302
    assert location(known) == location(unknown)
    assert sorted(m["To"] for m in mailbox.messages) == sorted([user.email, "nobody@example.no"])
    note = next(m for m in mailbox.messages if m["To"] == "nobody@example.no")
    assert "http" not in note.get_content()
    assert count(OneTimeToken, OneTimeToken.email == "nobody@example.no") == 0


def test_reset_confirmation_message_is_identical(app, make_user, mailbox):
    user = make_user()
    pages = []
    for email in (user.email, "nobody@example.no"):
        browser = fresh_client(app)
        in_english(browser)
        response = browser.post("/password/forgot", data={"email": email}, follow_redirects=True)
        pages.append(re.findall(r'<p class="alert alert--info">([^<]+)</p>', text(response)))
    assert pages[0] == pages[1]
    assert pages[0] == ["If the address belongs to an account, a link to set a new password is on its way."]


def test_reset_for_inactive_user_sends_no_link(client, make_user, mailbox):
    user = make_user(active=False)
    request_reset(client, user.email)
    assert [m["To"] for m in mailbox.messages] == [user.email]
    assert "http" not in mailbox.messages[0].get_content()
    assert count(OneTimeToken, OneTimeToken.user_id == user.id) == 0


# --- invitations ---------------------------------------------------------------------------------

@pytest.fixture
def org_admin(make_org, make_user):
    org = make_org(name="Jobbvei AS")
    return make_user(org=org, member_role="org_admin", name="Ola Orgadmin", language="en"), org


def invite(client, org, email, role="leader"):
    return client.post(f"/organisations/{org.id}/members", data={"email": email, "role": role})


def invitation_link(mailbox, email) -> str:
    messages = [m for m in mailbox.messages if m["To"] == email]
    assert len(messages) == 1
    return link_in(messages[0], "/invitation/")


def test_invitation_to_a_new_person(app, client, auth, org_admin, mailbox):
    admin, org = org_admin
    auth.login(admin)
    response = invite(client, org, "Ny.Leder@Example.no", "leader")
    assert location(response) == f"/organisations/{org.id}/members"
    assert "ny.leder@example.no" in text(client.get(f"/organisations/{org.id}/members"))

    message = mailbox.messages[0]
    assert "Jobbvei AS" in message["Subject"]
    link = invitation_link(mailbox, "ny.leder@example.no")

    invitee = fresh_client(app)
    page = invitee.get(link)
    assert page.status_code == 200
    assert "Jobbvei AS" in text(page)
    response = invitee.post(link, data={"name": "Nora Ny", "new_password": NEW_PASSWORD,
                                        "confirm": NEW_PASSWORD})
    assert location(response) == "/dashboard"

    dashboard = invitee.get("/dashboard")  # logged in right away
    assert dashboard.status_code == 200
    assert "Nora Ny" in text(dashboard) and "Jobbvei AS" in text(dashboard)
    user = db.session.scalar(sa.select(User).where(User.email == "ny.leder@example.no"))
    assert user.name == "Nora Ny"
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    assert (membership.organisation_id, membership.role.value) == (org.id, "leader")
    assert login(fresh_client(app), "ny.leder@example.no", NEW_PASSWORD).status_code == 302


def test_invitation_link_works_once(app, client, auth, org_admin, mailbox):
    admin, org = org_admin
    auth.login(admin)
    invite(client, org, "en.gang@example.no", "staff")
    link = invitation_link(mailbox, "en.gang@example.no")
    data = {"name": "En Gang", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert fresh_client(app).post(link, data=data).status_code == 302

    again = fresh_client(app)
    assert again.get(link).status_code == 404
    assert again.post(link, data={**data, "name": "Noen Andre"}).status_code == 404
    assert count(User, User.email == "en.gang@example.no") == 1
    assert db.session.scalar(sa.select(User.name).where(User.email == "en.gang@example.no")) == "En Gang"


def test_invitation_with_weak_password_creates_nothing(app, client, auth, org_admin, mailbox):
    admin, org = org_admin
    auth.login(admin)
    invite(client, org, "svak@example.no")
    link = invitation_link(mailbox, "svak@example.no")
    response = fresh_client(app).post(link, data={"name": "Svak", "new_password": "kort", "confirm": "kort"})
    assert response.status_code == 422
    assert count(User, User.email == "svak@example.no") == 0
    assert fresh_client(app).get(link).status_code == 200  # still usable


def test_invitation_to_an_existing_account(app, client, auth, org_admin, make_user, mailbox):
    admin, org = org_admin
    existing = make_user(email="finnes@example.no", name="Finn Finnes")
    auth.login(admin)
    invite(client, org, "FINNES@example.no", "staff")
    link = invitation_link(mailbox, "finnes@example.no")

    invitee = fresh_client(app)
    response = invitee.get(link)  # not logged in: log in first, then come back
    assert urlsplit(location(response)).path == "/login"
    assert parse_qs(urlsplit(location(response)).query)["next"] == [link]
    response = login(invitee, existing.email, next=link)
    assert location(response) == link
    assert invitee.get(link).status_code == 200
    assert location(invitee.post(link, data={})) == "/dashboard"

    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == existing.id))
    assert (membership.organisation_id, membership.role.value) == (org.id, "staff")
    assert count(User, User.email == "finnes@example.no") == 1
    assert invitee.get(link).status_code == 404


def test_invitation_cannot_be_accepted_by_someone_else(app, client, auth, org_admin, make_user, mailbox):
    admin, org = org_admin
    make_user(email="mottaker@example.no")
    intruder = make_user()
    auth.login(admin)
    invite(client, org, "mottaker@example.no", "staff")
    link = invitation_link(mailbox, "mottaker@example.no")

    browser = fresh_client(app)
    login(browser, intruder.email)
    assert browser.post(link, data={}).status_code == 403
    assert count(Membership, Membership.user_id == intruder.id) == 0


def test_a_new_invitation_replaces_the_old_one(app, client, auth, org_admin, mailbox):
    admin, org = org_admin
    auth.login(admin)
    invite(client, org, "to.ganger@example.no", "staff")
    invite(client, org, "to.ganger@example.no", "leader")
    first, second = (link_in(m, "/invitation/") for m in mailbox.messages)
    assert fresh_client(app).get(first).status_code == 404
    assert fresh_client(app).get(second).status_code == 200


def test_inviting_an_existing_member_is_refused(client, auth, org_admin, make_user, mailbox):
    admin, org = org_admin
    member = make_user(org=org, member_role="staff")
    auth.login(admin)
    response = invite(client, org, member.email, "leader")
    assert response.status_code == 422  # the form comes back with the reason
    assert "already a member" in text(response)
    assert mailbox.messages == []
    assert count(OneTimeToken, OneTimeToken.purpose == TokenPurpose.invitation) == 0


def test_invitation_mail_waits_in_the_outbox_without_smtp(client, auth, org_admin):
    admin, org = org_admin
    auth.login(admin)
    invite(client, org, "offline@example.no")
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.recipient == "offline@example.no"
    assert message.state.value == "queued"
    assert "http://seqf.test/invitation/" in message.body


# --- language -----------------------------------------------------------------------------------

def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)">', text(response)).group(1)


def test_norwegian_is_the_default(app, client):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("nb"):
        heading = gettext("Log in")  # "Logg inn" once the catalogue has it
    response = client.get("/login")
    assert html_lang(response) == "nb"
    assert f"<h1>{heading}</h1>" in text(response)


def test_language_switch_without_login_is_kept_in_the_session(app, client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert location(response) == "/login"
    page = client.get("/login")
    assert html_lang(page) == "en"
    assert "Log in" in text(page)
    assert html_lang(fresh_client(app).get("/login")) == "nb"


def test_language_switch_is_remembered_on_the_user(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    assert html_lang(client.get("/dashboard")) == "nb"
    response = client.post("/language", data={"language": "en", "next": "/dashboard"})
    assert location(response) == "/dashboard"
    page = client.get("/dashboard")
    assert html_lang(page) == "en"
    assert "My organisations" in text(page)
    db.session.refresh(user)
    assert user.language == "en"

    other_browser = fresh_client(app)  # a new browser: nothing in its session
    login(other_browser, user.email)
    assert html_lang(other_browser.get("/dashboard")) == "en"


def test_switching_back_to_norwegian(client, auth, make_user):
    user = make_user(language="en")
    auth.login(user)
    client.post("/language", data={"language": "nb", "next": "/dashboard"})
    assert html_lang(client.get("/dashboard")) == "nb"
    db.session.refresh(user)
    assert user.language == "nb"


def test_unknown_language_is_ignored(client, auth, make_user):
    user = make_user()
    auth.login(user)
    client.post("/language", data={"language": "de", "next": "/dashboard"})
    assert html_lang(client.get("/dashboard")) == "nb"
    db.session.refresh(user)
    assert user.language == "nb"
