"""Accounts that close, tried as an attacker and a hurried user would (issue 6, point 2).

Each test is one attempt: learning who has an account through invitations or the reset form,
replaying cookies and tokens after the account or session changed, dodging the failed-login count,
and posting the new forms without a CSRF token. Every attempt must change nothing and tell nothing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqf.extensions import db
from seqf.models import (
    ApiToken,
    FailedLogin,
    LoginSession,
    Membership,
    OneTimeToken,
    OutboxMessage,
    User,
)
from tests.conftest import PASSWORD
from tests.web.helpers import count, in_english, location, text
from tests.web.test_accounts_close import (
    NEW_PASSWORD,
    bearer,
    browser,
    logged_in,
    login,
    mail_link,
    token_for,
)

WRONG = "wrong-password-123"


@pytest.fixture
def people(make_org, make_user):
    org, other = make_org(name="Jobbvei AS"), make_org(name="Annen AS")
    return {
        "org": org,
        "other": other,
        "org_admin": make_user(org=org, member_role="org_admin", name="Ola Orgadmin"),
        "staff": make_user(org=org, member_role="staff", name="Siv Stab", email="siv@jobbvei.no"),
        "stranger": make_user(org=other, member_role="staff", name="Sigrid Fremmed", email="sigrid@annen.no"),
        "other_admin": make_user(org=other, member_role="org_admin"),
        "coordinator": make_user(roles=("coordinator",)),
        "admin": make_user(roles=("admin",)),
    }


def invite(client, org, email, role="staff"):
    return client.post(f"/organisations/{org.id}/members", data={"email": email, "role": role})


def outbox_to(email: str) -> int:
    return count(OutboxMessage, OutboxMessage.recipient == email)


# --- invitations tell an org admin nothing about other organisations' people -----------------------

def test_inviting_a_known_or_an_unknown_address_looks_the_same_on_the_page(client, people):
    org = people["org"]
    login(client, people["org_admin"].email)
    in_english(client)
    known, unknown = invite(client, org, "sigrid@annen.no"), invite(client, org, "ingen@annen.no")
    assert known.status_code == unknown.status_code == 302
    assert location(known) == location(unknown)
    page = text(client.get(f"/organisations/{org.id}/members"))
    assert "Sigrid" not in page and "Fremmed" not in page
    assert outbox_to("sigrid@annen.no") == outbox_to("ingen@annen.no") == 1
    # the two rows of the invitation list are alike: address, role, dates
    rows = client.get(f"/api/v1/organisations/{org.id}/invitations",
                      headers=bearer(token_for(client, people["org_admin"]))).get_json()
    assert sorted(r["email"] for r in rows) == ["ingen@annen.no", "sigrid@annen.no"]
    assert len({frozenset(r) for r in rows}) == 1


def test_an_admin_cannot_withdraw_or_see_another_organisations_invitation_on_the_page(client, people):
    other = people["other"]
    login(client, people["other_admin"].email)
    invite(client, other, "x@annen.no")
    invitation = db.session.scalar(sa.select(OneTimeToken).where(OneTimeToken.email == "x@annen.no"))
    intruder = browser(client.application)
    login(intruder, people["org_admin"].email)
    org = people["org"]
    assert intruder.post(f"/organisations/{org.id}/invitations/{invitation.id}/revoke").status_code == 404
    assert intruder.post(f"/organisations/{other.id}/invitations/{invitation.id}/revoke").status_code == 404
    assert intruder.get(f"/organisations/{other.id}/members").status_code == 404
    assert count(OneTimeToken, OneTimeToken.id == invitation.id, OneTimeToken.revoked_at.is_(None)) == 1


def test_an_invitation_opened_while_logged_in_as_someone_else_creates_no_account(app, client, people):
    org = people["org"]
    login(client, people["org_admin"].email)
    invite(client, org, "ny@example.no")
    link = mail_link("ny@example.no", "/invitation/")
    # someone else is logged in in the browser where the link is opened
    other = browser(app)
    login(other, people["staff"].email)
    in_english(other)
    page = other.get(link)
    assert page.status_code == 200
    assert "ny@example.no" in text(page) and "siv@jobbvei.no" in text(page) and "Log out" in text(page)
    response = other.post(link, data={"name": "Ny", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 403
    assert count(User, User.email == "ny@example.no") == 0
    assert logged_in(other)
    # "log out and continue" returns to the link, which still works
    assert location(other.post("/logout", data={"next": link})) == link
    assert other.post(link, data={"name": "Ny Person", "new_password": NEW_PASSWORD,
                                  "confirm": NEW_PASSWORD}).status_code == 302
    assert count(Membership, Membership.organisation_id == org.id, Membership.user.has(email="ny@example.no")) == 1


def test_an_invitation_for_an_existing_account_is_refused_to_another_logged_in_account(app, client, people):
    org = people["org"]
    login(client, people["org_admin"].email)
    invite(client, org, "sigrid@annen.no")
    link = mail_link("sigrid@annen.no", "/invitation/")
    other = browser(app)
    login(other, people["staff"].email)
    in_english(other)
    page = text(other.get(link))
    assert "sigrid@annen.no" in page and "Accept invitation</button>" not in page
    assert other.post(link).status_code == 403
    assert count(Membership, Membership.user_id == people["stranger"].id) == 1
    # the invited person logs in and accepts
    sigrid = browser(app)
    assert location(sigrid.get(link)).startswith("/login")
    login(sigrid, "sigrid@annen.no")
    assert sigrid.post(link).status_code == 302
    assert count(Membership, Membership.user_id == people["stranger"].id) == 2


def test_an_invited_address_that_gets_an_account_meanwhile_accepts_by_logging_in(app, client, people):
    org = people["org"]
    login(client, people["org_admin"].email)
    invite(client, org, "senere@example.no")
    link = mail_link("senere@example.no", "/invitation/")
    coordinator = token_for(client, people["coordinator"])
    created = client.post("/api/v1/users", headers=bearer(coordinator),
                          json={"email": "senere@example.no", "name": "Senere", "password": PASSWORD})
    assert created.status_code == 201
    newcomer = browser(app)
    # the form that would create a second account with the address is gone; logging in is asked
    assert location(newcomer.get(link)).startswith("/login")
    assert newcomer.post(link, data={"name": "Kapring", "new_password": NEW_PASSWORD,
                                     "confirm": NEW_PASSWORD}).status_code == 302
    assert count(User, User.email == "senere@example.no") == 1
    assert login(browser(app), "senere@example.no", NEW_PASSWORD).status_code == 401  # password unchanged
    login(newcomer, "senere@example.no")
    assert newcomer.post(link).status_code == 302
    assert count(Membership, Membership.organisation_id == org.id,
                 Membership.user_id == created.get_json()["id"]) == 1


def test_a_coordinator_cannot_add_a_deactivated_account(client, people, make_user):
    inactive = make_user(active=False)
    token = token_for(client, people["coordinator"])
    response = client.post(f"/api/v1/organisations/{people['org'].id}/members", headers=bearer(token),
                           json={"user_id": inactive.id, "role": "staff"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "user_inactive"
    assert count(Membership, Membership.user_id == inactive.id) == 0


# --- cookies and tokens stop at once -------------------------------------------------------------

def test_removal_from_the_organisation_ends_access_at_once(app, client, people):
    org, staff = people["org"], people["staff"]
    desk = browser(app)
    login(desk, staff.email, remember="y")
    token = token_for(desk, staff)
    assert desk.get(f"/organisations/{org.id}/").status_code == 200
    assert client.get(f"/api/v1/organisations/{org.id}", headers=bearer(token)).status_code == 200
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == staff.id))
    login(client, people["org_admin"].email)
    client.post(f"/organisations/{org.id}/members/{membership.id}/remove", data={"confirm": "yes"})
    assert desk.get(f"/organisations/{org.id}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{org.id}", headers=bearer(token)).status_code == 404
    assert logged_in(desk)  # the account itself is not closed


def test_remember_cookie_stops_after_log_out_everywhere_else(app, client, make_user):
    user = make_user()
    phone = browser(app)
    login(phone, user.email, remember="y")
    remember = phone.get_cookie("remember_token").value
    login(client, user.email)
    client.post("/profile/sessions/end-others", data={"confirm": "yes"})
    replay = browser(app)
    replay.set_cookie("remember_token", remember)
    assert not logged_in(replay)
    assert not logged_in(phone)


def test_a_session_cookie_cannot_be_edited_to_another_session(app, client, make_user):
    victim, attacker = make_user(), make_user()
    login(browser(app), victim.email)
    login(client, attacker.email)
    # the attacker re-signs its own cookie with a guessed key: the signature is refused
    forged_interface = SecureCookieSessionInterface()
    other_app = type("A", (), {"secret_key": "guessed-secret", "config": app.config})
    serializer = forged_interface.get_signing_serializer(other_app)
    victim_session = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == victim.id))
    forged = serializer.dumps({"_user_id": victim_session.key_hash, "_fresh": True})
    tampered = browser(app)
    tampered.set_cookie("session", forged)
    assert not logged_in(tampered)
    # and a remember-me cookie with a made-up key (unsigned, or signed wrongly) logs nobody in
    for value in (victim_session.key_hash, f"{victim_session.key_hash}|{'0' * 128}", str(victim.id)):
        replay = browser(app)
        replay.set_cookie("remember_token", value)
        assert not logged_in(replay)


def test_api_tokens_stop_when_the_account_is_deactivated_through_the_admin_page(app, client, people):
    staff = people["staff"]
    token = token_for(client, staff)
    login(client, people["admin"].email)
    response = client.post(f"/admin/users/{staff.id}", data={"action": "deactivate"})
    assert response.status_code in (302, 303), text(response)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert count(ApiToken, ApiToken.user_id == staff.id, ApiToken.revoked_at.is_(None)) == 0


def test_deleting_someone_elses_token_answers_like_an_unknown_id(client, make_user):
    owner, intruder = make_user(), make_user()
    token_for(client, owner)
    theirs = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == owner.id))
    mine = token_for(client, intruder)
    unknown_id = theirs + 10_000
    foreign = client.delete(f"/api/v1/tokens/{theirs}", headers=bearer(mine))
    missing = client.delete(f"/api/v1/tokens/{unknown_id}", headers=bearer(mine))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json() == missing.get_json()
    assert count(ApiToken, ApiToken.id == theirs, ApiToken.revoked_at.is_(None)) == 1


# --- failed-login counting cannot be dodged ------------------------------------------------------

@pytest.mark.parametrize("channel", ["form", "api"])
def test_case_and_spaces_in_the_e_mail_count_as_one_account(client, make_user, channel):
    user = make_user(email="ola@jobbvei.no")
    variants = ["OLA@jobbvei.no", " ola@jobbvei.no", "Ola@Jobbvei.No ", "\tola@JOBBVEI.no", "ola@jobbvei.no"]
    for variant in variants:
        if channel == "form":
            assert login(client, variant, WRONG).status_code == 401
        else:
            assert client.post("/api/v1/tokens", json={"email": variant, "password": WRONG}).status_code == 401
    assert login(client, user.email).status_code == 429
    assert login(client, "OLA@JOBBVEI.NO").status_code == 429


def test_x_forwarded_for_is_ignored_without_trusted_proxies(app, client, make_user):
    assert app.config["TRUSTED_PROXIES"] == 0
    user = make_user()
    for i in range(5):
        response = client.post("/login", data={"email": user.email, "password": WRONG},
                               headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert response.status_code == 401
    assert set(db.session.scalars(sa.select(FailedLogin.address))) == {"127.0.0.1"}
    assert client.post("/login", data={"email": user.email, "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429


def test_fifty_failures_from_one_address_block_every_account(client, make_user):
    user = make_user()
    for i in range(49):
        db.session.add(FailedLogin(account=f"guess{i}@example.no", address="127.0.0.1"))
    db.session.commit()
    assert login(client, "one-more@example.no", WRONG).status_code == 401  # the 50th
    assert login(client, user.email).status_code == 429  # an account never tried is blocked too
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 429


def test_a_successful_login_clears_that_accounts_failures_but_not_the_addresss(app, client, make_user):
    user = make_user()
    for _ in range(4):
        login(client, user.email, WRONG)
    assert login(client, user.email).status_code == 302
    client.post("/logout")
    for _ in range(4):  # four more typing errors do not lock the person out
        assert login(client, user.email, WRONG).status_code == 401
    assert login(client, user.email).status_code == 302
    assert count(FailedLogin, FailedLogin.address == "127.0.0.1") == 8  # still counted for the address


def test_logging_in_to_ones_own_account_does_not_unblock_another(app, client, make_user):
    victim, attacker = make_user(), make_user()
    for _ in range(5):
        login(client, victim.email, WRONG)
    assert login(browser(app), attacker.email).status_code == 302
    assert login(client, victim.email).status_code == 429


def test_a_wrong_current_password_counts_as_a_failed_login(app, client, make_user):
    user = make_user()
    login(client, user.email)
    form = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        assert client.post("/profile/password", data={**form, "current_password": WRONG}).status_code == 422
    blocked = client.post("/profile/password", data={**form, "current_password": PASSWORD})
    assert blocked.status_code == 429 and blocked.headers["Retry-After"]
    assert "For mange forsøk" in text(blocked) and 'name="current_password"' in text(blocked)  # the form stays
    assert login(browser(app), user.email).status_code == 429  # the same count as the log-in form
    assert login(browser(app), user.email, NEW_PASSWORD).status_code == 429
    db.session.expire_all()
    from seqf.passwords import verify_password

    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_a_new_password_refused_by_the_rules_is_not_a_failed_login(client, make_user):
    user = make_user()
    login(client, user.email)
    for _ in range(6):
        response = client.post("/profile/password", data={"current_password": PASSWORD, "new_password": "kort",
                                                          "confirm": "kort"})
        assert response.status_code == 422
    assert count(FailedLogin) == 0


# --- the reset form: the same answer and the same work for every address -------------------------

@pytest.fixture
def argon2_work(monkeypatch):
    from argon2 import PasswordHasher

    calls: list[str] = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)

        def spy(self, *args, _original=original, _name=name):
            calls.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(PasswordHasher, name, spy)
    return calls


def test_reset_request_for_known_unknown_and_deactivated_addresses_alike(client, make_user, argon2_work):
    known, inactive = make_user(email="kjent@example.no"), make_user(email="borte@example.no", active=False)
    in_english(client)
    answers = {}
    for email in (known.email, "ukjent@example.no", inactive.email):
        argon2_work.clear()
        response = client.post("/password/forgot", data={"email": email.upper()})
        answers[email] = (response.status_code, location(response), text(client.get("/login")).count("on its way"))
        assert argon2_work == []  # no password work on any path
        assert outbox_to(email) == 1  # one mail written on every path
    assert len(set(answers.values())) == 1, answers
    assert "/password/reset/" in mail_link(known.email, "/password/reset/")
    for email in ("ukjent@example.no", inactive.email):
        body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email))
        assert "/password/reset/" not in body and "no active account" not in body  # Norwegian by default
        assert "ingen aktiv konto" in body
    assert count(OneTimeToken, OneTimeToken.user_id == inactive.id) == 0


def test_reset_mails_to_one_address_are_capped_per_hour(client, make_user):
    known = make_user()
    for email in (known.email, "ukjent@example.no"):
        for i in range(7):  # from seven client addresses: the cap is per mailbox, not per client
            response = client.post("/password/forgot", data={"email": email},
                                   environ_overrides={"REMOTE_ADDR": f"198.51.100.{i}"})
            assert response.status_code == 302
        assert outbox_to(email) == 5


def test_a_reset_link_stops_working_when_the_account_is_deactivated(app, client, people):
    staff = people["staff"]
    client.post("/password/forgot", data={"email": staff.email})
    link = mail_link(staff.email, "/password/reset/")
    from seqf.services import accounts

    accounts.set_active(people["admin"], db.session.get(User, staff.id), False)
    db.session.commit()
    assert client.get(link).status_code == 404
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404


def test_a_reset_link_from_before_a_password_change_in_another_browser(app, client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(user.email, "/password/reset/")
    desk = browser(app)
    login(desk, user.email)
    desk.post("/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
    assert client.post(link, data={"new_password": "et-tredje-passord", "confirm": "et-tredje-passord"}
                       ).status_code == 404
    assert login(browser(app), user.email, NEW_PASSWORD).status_code == 302


# --- CSRF: a post without the token changes nothing ----------------------------------------------

def test_the_new_forms_refuse_posts_without_a_csrf_token(app, client, people):
    org, admin, staff = people["org"], people["org_admin"], people["staff"]
    phone = browser(app)
    login(phone, admin.email)
    token_for(client, admin)
    login(client, admin.email)
    invite(client, org, "ny@example.no")
    link = mail_link("ny@example.no", "/invitation/")
    phone_session = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == admin.id)
                                      .order_by(LoginSession.id))
    api_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == admin.id))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == staff.id))
    invitation = db.session.scalar(sa.select(OneTimeToken).where(OneTimeToken.email == "ny@example.no"))
    attempts = [
        (f"/profile/sessions/{phone_session.id}/end", {"confirm": "yes"}),
        ("/profile/sessions/end-others", {"confirm": "yes"}),
        (f"/profile/tokens/{api_token.id}/revoke", {"confirm": "yes"}),
        (f"/organisations/{org.id}/members/{membership.id}/remove", {"confirm": "yes"}),
        (f"/organisations/{org.id}/invitations/{invitation.id}/revoke", {}),
        ("/profile/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                               "confirm": NEW_PASSWORD}),
        ("/logout", {}),
    ]
    for path, data in attempts:
        assert client.post(path, data=data, csrf=False).status_code == 400, path
    assert client.post(f"/organisations/{org.id}/members", data={"email": "x@example.no", "role": "staff"},
                       csrf=False).status_code == 400
    newcomer = browser(app)
    assert newcomer.post(link, data={"name": "Ny", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                         csrf=False).status_code == 400
    assert count(LoginSession, LoginSession.user_id == admin.id, LoginSession.ended_at.is_(None)) == 2
    assert count(ApiToken, ApiToken.user_id == admin.id, ApiToken.revoked_at.is_(None)) == 1
    assert count(Membership, Membership.id == membership.id) == 1
    assert count(OneTimeToken, OneTimeToken.id == invitation.id, OneTimeToken.revoked_at.is_(None),
                 OneTimeToken.used_at.is_(None)) == 1
    assert count(OneTimeToken, OneTimeToken.email == "x@example.no") == 0
    assert count(User, User.email == "ny@example.no") == 0
    assert logged_in(client) and logged_in(phone)
    assert login(browser(app), admin.email).status_code == 302  # the password is unchanged


# --- the profile on a phone, in Norwegian -----------------------------------------------------

def test_profile_tables_label_every_date_and_speak_norwegian(app, client, make_user):
    user = make_user()
    login(browser(app), user.email)
    login(client, user.email)
    token_for(client, user)
    page = text(client.get("/profile"))
    for label in ("Logget inn", "Sist aktiv", "Opprettet", "Sist brukt", "Utløper"):
        assert f'data-label="{label}"' in page, label
    for norwegian in ("Der du er logget inn", "denne økten", "API-nøkler", "Logg ut alle andre steder"):
        assert norwegian in page
    for english in ("Log out everywhere else", "this session", "API tokens", "Last seen"):
        assert english not in page
    css = client.get("/static/css/seqf.css")
    assert "td[data-label]::before" in text(css)
    css.close()



def test_a_reset_used_in_a_browser_logged_in_as_someone_else_ends_that_session(app, client, make_user):
    owner, other = make_user(), make_user()
    browser(app).post("/password/forgot", data={"email": owner.email})
    link = mail_link(owner.email, "/password/reset/")
    login(client, other.email)
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not logged_in(client)
    assert count(LoginSession, LoginSession.user_id == other.id, LoginSession.ended_at.is_(None)) == 0


@pytest.mark.parametrize("channel", ["form", "api"])
def test_a_decoy_e_mail_next_to_the_real_one_is_counted_as_the_one_tried(client, make_user, channel):
    """The account counted is the account tried: a second e-mail field (form) or key (JSON) cannot
    send the count to a decoy while the password is checked against the victim."""
    victim = make_user()
    for i in range(5):
        if channel == "form":
            client.post("/login", data={"email": [victim.email, f"decoy{i}@example.no"], "password": WRONG})
        else:
            body = f'{{"email": "decoy{i}@example.no", "email": "{victim.email}", "password": "{WRONG}"}}'
            client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert count(FailedLogin, FailedLogin.account == victim.email) == 5
    assert login(client, victim.email).status_code == 429


def test_another_organisations_membership_cannot_be_changed_or_removed(client, people):
    org, stranger = people["org"], people["stranger"]
    theirs = db.session.scalar(sa.select(Membership).where(Membership.user_id == stranger.id))
    login(client, people["org_admin"].email)
    assert client.post(f"/organisations/{org.id}/members/{theirs.id}/role",
                       data={"role": "org_admin"}).status_code == 404
    assert client.get(f"/organisations/{org.id}/members/{theirs.id}/remove").status_code == 404
    assert client.post(f"/organisations/{org.id}/members/{theirs.id}/remove",
                       data={"confirm": "yes"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Membership, theirs.id).role.value == "staff"


@pytest.mark.parametrize("action", ["password_change", "log_out_everywhere_else"])
def test_a_copy_of_this_browsers_cookies_stops_too(app, client, make_user, action):
    """Whoever copied the cookies of the browser that changes the password (or logs out everywhere
    else) is logged out as well: the browser gets a new session key, the old one ends."""
    user = make_user()
    login(client, user.email, remember="y")
    copied_session = client.get_cookie("session").value
    copied_remember = client.get_cookie("remember_token").value
    if action == "password_change":
        response = client.post("/profile/password", data={"current_password": PASSWORD,
                                                          "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    else:
        response = client.post("/profile/sessions/end-others", data={"confirm": "yes"})
    assert location(response) == "/profile"
    assert logged_in(client)
    assert client.get_cookie("remember_token").value != copied_remember  # still remembered, newly
    for name, value in (("session", copied_session), ("remember_token", copied_remember)):
        thief = browser(app)
        thief.set_cookie(name, value)
        assert not logged_in(thief), name
    assert count(LoginSession, LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)) == 1


def test_logout_next_is_only_a_local_path(client, make_user):
    user = make_user()
    login(client, user.email)
    assert location(client.post("/logout", data={"next": "https://evil.example/"})) == "/login"


@st.composite
def spellings(draw, email: str) -> str:
    """The same address as a hurried or a cunning typist might send it: any case, spaces around."""
    letters = [c.upper() if draw(st.booleans()) else c for c in email]
    space = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u2003"])
    return draw(space) + "".join(letters) + draw(space)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_spelling_of_an_address_is_counted_as_its_account(client, make_user, data):
    user = db.session.scalar(sa.select(User).where(User.email == "kari.nordmann@jobbvei.no")) \
        or make_user(email="kari.nordmann@jobbvei.no")
    db.session.execute(sa.delete(FailedLogin))
    db.session.commit()
    spelling = data.draw(spellings(user.email))
    channel = data.draw(st.sampled_from(["form", "api"]))
    if channel == "form":
        response = login(client, spelling, WRONG)
    else:
        response = client.post("/api/v1/tokens", json={"email": spelling, "password": WRONG})
    if response.status_code == 401:  # refused as a wrong password: counted as the account's failure
        assert set(db.session.scalars(sa.select(FailedLogin.account))) == {user.email}
    else:  # refused as malformed (the API checks the address's form): nothing was tried, nothing counted
        assert response.status_code == 422 and count(FailedLogin) == 0
