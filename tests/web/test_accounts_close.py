"""Accounts that close (issue 6, point 2): membership only by invitation or by a coordinator, server-side
sessions that logout really ends, revocable API tokens, failed-login counting shared by every process,
equal work for known and unknown e-mails, single-use links even in parallel, and a confirmed
"remove member"."""

from __future__ import annotations

import datetime as dt
import re
import threading
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from seqf.extensions import db
from seqf.models import (
    ApiToken,
    AuditEvent,
    FailedLogin,
    LoginSession,
    Membership,
    OneTimeToken,
    OutboxMessage,
    User,
    utcnow,
)
from tests.conftest import PASSWORD, CSRFClient, base_config
from tests.web.helpers import count, in_english, location, text

NEW_PASSWORD = "nytt-langt-passord-for-test"


def browser(app) -> CSRFClient:
    """Another browser: its own cookies, the same app."""
    return CSRFClient(app, app.response_class, use_cookies=True)


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def logged_in(client) -> bool:
    response = client.get("/dashboard")
    return response.status_code == 200


def token_for(client, user, password=PASSWORD) -> str:
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def mail_link(email: str, fragment: str) -> str:
    """The path of the newest link containing ``fragment`` mailed to ``email`` (from the outbox)."""
    db.session.expire_all()
    bodies = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc())).all()
    for body in bodies:
        links = [link for link in re.findall(r"https?://\S+", body) if fragment in link]
        if links:
            return urlsplit(links[0]).path
    raise AssertionError(f"no {fragment} link mailed to {email}")


@pytest.fixture
def org_people(make_org, make_user):
    org, other = make_org(name="Jobbvei AS"), make_org(name="Annen AS")
    return {
        "org": org,
        "other": other,
        "org_admin": make_user(org=org, member_role="org_admin", name="Ola Orgadmin"),
        "leader": make_user(org=org, member_role="leader"),
        "stranger": make_user(org=other, member_role="staff", name="Sigrid Fremmed",
                              email="sigrid@annen.no"),
        "coordinator": make_user(roles=("coordinator",)),
    }


# --- 1. membership: invitation, or a coordinator/admin adds ------------------------------------------

@pytest.mark.parametrize("target", ["stranger", "unknown"])
def test_org_admin_cannot_add_users_by_id_and_learns_nothing(client, org_people, target):
    org, stranger = org_people["org"], org_people["stranger"]
    token = token_for(client, org_people["org_admin"])
    user_id = stranger.id if target == "stranger" else 99_999_999
    response = client.post(f"/api/v1/organisations/{org.id}/members", headers=bearer(token),
                           json={"user_id": user_id, "role": "staff"})
    assert response.status_code == 403
    body = text(response)
    assert "Sigrid" not in body and "sigrid@annen.no" not in body
    assert count(Membership, Membership.organisation_id == org.id) == 2


def test_coordinator_still_adds_by_id(client, org_people):
    org, stranger = org_people["org"], org_people["stranger"]
    token = token_for(client, org_people["coordinator"])
    response = client.post(f"/api/v1/organisations/{org.id}/members", headers=bearer(token),
                           json={"user_id": stranger.id, "role": "viewer"})
    assert response.status_code == 201
    assert count(Membership, Membership.organisation_id == org.id, Membership.user_id == stranger.id) == 1


def test_org_admin_invites_lists_and_withdraws_through_the_api(client, org_people):
    org = org_people["org"]
    token = token_for(client, org_people["org_admin"])
    path = f"/api/v1/organisations/{org.id}/invitations"
    response = client.post(path, headers=bearer(token), json={"email": " Ny.Person@Example.no ", "role": "staff"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["email"], created["role"], created["organisation_id"]) == ("ny.person@example.no", "staff", org.id)
    assert count(OutboxMessage, OutboxMessage.recipient == "ny.person@example.no") == 1
    assert count(Membership, Membership.organisation_id == org.id) == 2  # not a member until accepted

    listed = client.get(path, headers=bearer(token)).get_json()
    assert [i["id"] for i in listed] == [created["id"]]
    assert client.delete(f"{path}/{created['id']}", headers=bearer(token)).status_code == 204
    assert client.get(path, headers=bearer(token)).get_json() == []
    assert client.delete(f"{path}/{created['id']}", headers=bearer(token)).status_code == 404


def test_invitation_of_a_member_of_another_organisation_reveals_nothing(client, org_people):
    org = org_people["org"]
    token = token_for(client, org_people["org_admin"])
    path = f"/api/v1/organisations/{org.id}/invitations"
    known = client.post(path, headers=bearer(token), json={"email": "sigrid@annen.no", "role": "staff"})
    unknown = client.post(path, headers=bearer(token), json={"email": "ingen@annen.no", "role": "staff"})
    assert known.status_code == unknown.status_code == 201
    assert set(known.get_json()) == set(unknown.get_json())
    assert "Sigrid" not in text(known) and "Fremmed" not in text(known)
    assert count(Membership, Membership.user_id == org_people["stranger"].id) == 1


def test_invitations_of_another_organisation_are_not_found(client, org_people, make_user):
    other = org_people["other"]
    other_admin = make_user(org=other, member_role="org_admin")
    other_token = token_for(client, other_admin)
    created = client.post(f"/api/v1/organisations/{other.id}/invitations", headers=bearer(other_token),
                          json={"email": "x@annen.no", "role": "staff"}).get_json()
    token = token_for(client, org_people["org_admin"])
    org = org_people["org"]
    # through one's own organisation, another organisation's invitation id is unknown
    assert client.delete(f"/api/v1/organisations/{org.id}/invitations/{created['id']}",
                         headers=bearer(token)).status_code == 404
    assert client.get(f"/api/v1/organisations/{other.id}/invitations", headers=bearer(token)).status_code == 404
    assert count(OneTimeToken, OneTimeToken.id == created["id"], OneTimeToken.revoked_at.is_(None)) == 1


def test_leader_cannot_invite(client, org_people):
    token = token_for(client, org_people["leader"])
    response = client.post(f"/api/v1/organisations/{org_people['org'].id}/invitations", headers=bearer(token),
                           json={"email": "x@example.no", "role": "staff"})
    assert response.status_code == 403


def test_member_list_holds_only_the_organisation(client, org_people):
    token = token_for(client, org_people["org_admin"])
    body = text(client.get(f"/api/v1/organisations/{org_people['org'].id}/members", headers=bearer(token)))
    assert "sigrid" not in body.lower()
    response = client.get(f"/api/v1/users/{org_people['stranger'].id}", headers=bearer(token))
    assert response.status_code == 403 and "sigrid" not in text(response).lower()


# --- 2. sessions that logout ends --------------------------------------------------------------------

def test_logout_ends_the_session_cookie_and_the_remember_cookie(app, client, make_user):
    user = make_user()
    assert login(client, user.email, remember="y").status_code == 302
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    assert count(LoginSession, LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)) == 1

    # before logout, a copy of either cookie logs in (so the test below can fail)
    copy = browser(app)
    copy.set_cookie("remember_token", remember_cookie)
    assert logged_in(copy)

    assert client.post("/logout").status_code == 302
    assert count(LoginSession, LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)) == 0
    replay_session, replay_remember = browser(app), browser(app)
    replay_session.set_cookie("session", session_cookie)
    replay_remember.set_cookie("remember_token", remember_cookie)
    assert not logged_in(replay_session)
    assert not logged_in(replay_remember)
    assert not logged_in(copy)


def test_the_cookie_holds_a_session_key_not_the_user_id(app, client, make_user):
    user = make_user()
    login(client, user.email)
    forged = browser(app)
    with forged.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
    assert not logged_in(forged)


def test_profile_lists_sessions_and_tokens(app, client, make_user):
    user = make_user()
    other = browser(app)
    login(other, user.email)
    login(client, user.email)
    token_for(client, user)
    in_english(client)
    page = text(client.get("/profile"))
    assert page.count("this session") == 1
    assert page.count("/profile/sessions/") == 2 + 1  # two sessions and "log out everywhere else"
    assert page.count("/profile/tokens/") == 1
    assert "Log out everywhere else" in page


def test_ending_another_session_asks_first(app, client, make_user):
    user = make_user()
    phone = browser(app)
    login(phone, user.email)
    login(client, user.email)
    in_english(client)
    phone_session = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id)
                                      .order_by(LoginSession.id))
    path = f"/profile/sessions/{phone_session.id}/end"
    page = client.get(path)
    assert page.status_code == 200 and "must log in again" in text(page)
    assert 'name="confirm" value="yes"' in text(page)
    assert client.post(path).status_code == 200  # no confirmation: the question again, nothing ended
    assert logged_in(phone)
    assert location(client.post(path, data={"confirm": "yes"})) == "/profile"
    assert not logged_in(phone)
    assert logged_in(client)


def test_someone_elses_session_and_token_are_not_found(app, client, make_user):
    owner, intruder = make_user(), make_user()
    other = browser(app)
    login(other, owner.email)
    token_for(other, owner)
    login(client, intruder.email)
    their_session = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == owner.id))
    their_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == owner.id))
    assert client.post(f"/profile/sessions/{their_session.id}/end", data={"confirm": "yes"}).status_code == 404
    assert client.post(f"/profile/tokens/{their_token.id}/revoke", data={"confirm": "yes"}).status_code == 404
    assert logged_in(other)


def test_log_out_everywhere_else(app, client, make_user):
    user = make_user()
    phone = browser(app)
    login(phone, user.email, remember="y")
    token = token_for(phone, user)
    login(client, user.email)
    assert client.get("/profile/sessions/end-others").status_code == 200
    assert location(client.post("/profile/sessions/end-others", data={"confirm": "yes"})) == "/profile"
    assert not logged_in(phone)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert logged_in(client)
    assert count(AuditEvent, AuditEvent.action == "session.ended_others") == 1


def test_revoking_a_token_from_the_profile(client, make_user):
    user = make_user()
    login(client, user.email)
    token = token_for(client, user)
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/profile/tokens/{row.id}/revoke").status_code == 200  # asks first
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.post(f"/profile/tokens/{row.id}/revoke", data={"confirm": "yes"}).status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_ending_the_current_session_logs_out(client, make_user):
    user = make_user()
    login(client, user.email)
    record = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))
    assert location(client.post(f"/profile/sessions/{record.id}/end", data={"confirm": "yes"})) == "/login"
    assert not logged_in(client)


def test_password_change_ends_every_other_session_and_every_token(app, client, make_user):
    user = make_user()
    phone = browser(app)
    login(phone, user.email, remember="y")
    remember = phone.get_cookie("remember_token").value
    token = token_for(phone, user)
    login(client, user.email)
    response = client.post("/profile/password", data={"current_password": PASSWORD,
                                                      "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(phone)
    replay = browser(app)
    replay.set_cookie("remember_token", remember)
    assert not logged_in(replay)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_password_reset_ends_all_sessions_and_tokens(app, client, make_user):
    user = make_user()
    desk = browser(app)
    login(desk, user.email)
    token = token_for(desk, user)
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(user.email, "/password/reset/")
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not logged_in(desk)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert count(LoginSession, LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)) == 0


def test_deactivating_a_user_ends_their_sessions_and_tokens(app, client, make_user):
    from seqf.services import accounts

    user, admin = make_user(), make_user(roles=("admin",))
    desk = browser(app)
    login(desk, user.email)
    token = token_for(desk, user)
    accounts.set_active(admin, user, False)
    db.session.commit()
    accounts.set_active(admin, user, True)  # even reactivated, the old sessions and tokens stay ended
    db.session.commit()
    assert not logged_in(desk)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_last_seen_is_written_at_most_once_a_minute(client, make_user):
    user = make_user()
    login(client, user.email)
    record = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))
    recent = utcnow() - dt.timedelta(seconds=30)
    record.last_seen_at = recent
    db.session.commit()
    client.get("/dashboard")
    db.session.refresh(record)
    assert record.last_seen_at == recent
    old = utcnow() - dt.timedelta(minutes=5)
    record.last_seen_at = old
    db.session.commit()
    client.get("/dashboard")
    db.session.refresh(record)
    assert record.last_seen_at > old + dt.timedelta(minutes=4)


def test_a_session_unused_for_too_long_ends(client, make_user):
    user = make_user()
    login(client, user.email, remember="y")
    record = db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))
    record.last_seen_at = utcnow() - dt.timedelta(days=29)
    db.session.commit()
    assert logged_in(client)
    record.last_seen_at = utcnow() - dt.timedelta(days=31)
    db.session.commit()
    assert not logged_in(client)


@pytest.mark.parametrize(("header", "expected"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
     "Chrome / Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1",
     "Safari / iPhone"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox / Linux"),
    ("", ""),
])
def test_user_agent_is_described_briefly(header, expected):
    from seqf.services.sessions import describe_user_agent

    assert describe_user_agent(header) == expected


@given(st.text(max_size=600))
def test_any_user_agent_gives_a_short_plain_description(header):
    from seqf.services.sessions import describe_user_agent

    described = describe_user_agent(header)
    assert len(described) <= 80
    assert not any(c in described for c in "<>\"'&\x00")


@pytest.mark.parametrize(("text_", "expected"), [
    ("5 per 15 minutes", (5, dt.timedelta(minutes=15))), ("50/hour", (50, dt.timedelta(hours=1))),
    ("3 per 2 days", (3, dt.timedelta(days=2))),
])
def test_login_limits_are_read_like_flask_limiter_strings(text_, expected):
    from seqf.services.login_attempts import parse_limit

    assert parse_limit(text_) == expected


# --- API tokens ---------------------------------------------------------------------------------------

def test_token_list_and_revoke(client, make_user):
    user, other = make_user(), make_user()
    first, second = token_for(client, user), token_for(client, user)
    others = token_for(client, other)
    listed = client.get("/api/v1/tokens", headers=bearer(first))
    assert listed.status_code == 200
    rows = listed.get_json()
    assert len(rows) == 2
    assert all(set(row) == {"id", "created_at", "expires_at", "last_used_at", "current"} for row in rows)
    assert first not in text(listed) and second not in text(listed)
    assert [row["current"] for row in rows].count(True) == 1
    current_id = next(row["id"] for row in rows if row["current"])
    other_id = next(row["id"] for row in rows if not row["current"])

    their_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert client.delete(f"/api/v1/tokens/{their_id}", headers=bearer(first)).status_code == 404
    assert client.get("/api/v1/me", headers=bearer(others)).status_code == 200

    assert client.delete(f"/api/v1/tokens/{other_id}", headers=bearer(first)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401
    assert client.delete(f"/api/v1/tokens/{other_id}", headers=bearer(first)).status_code == 404
    assert client.delete("/api/v1/tokens/current", headers=bearer(first)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert count(ApiToken, ApiToken.id == current_id, ApiToken.revoked_at.is_not(None)) == 1


def test_token_last_used_is_recorded(client, make_user):
    user = make_user()
    token = token_for(client, user)
    client.get("/api/v1/me", headers=bearer(token))
    row = client.get("/api/v1/tokens", headers=bearer(token)).get_json()[0]
    assert row["last_used_at"] is not None


# --- 3. failed logins counted in the database ------------------------------------------------------

@pytest.fixture
def second_app(app, backend, database_urls, tmp_path):
    """Another process of the same deployment: its own app, its own memory, the same database."""
    from seqf import create_app

    other = create_app(base_config(database_urls[backend], tmp_path))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_failed_logins_add_up_across_app_instances(app, client, second_app, make_user):
    user = make_user()
    other = browser(second_app)
    for browser_ in (client, other, client, other, client):
        assert login(browser_, user.email, "wrong-password-123").status_code == 401
    assert count(FailedLogin, FailedLogin.account == user.email) == 5
    assert login(other, user.email).status_code == 429  # blocked in the other process too
    assert login(client, user.email).status_code == 429


def test_form_and_api_share_the_count(client, make_user):
    user = make_user()
    for _ in range(3):
        assert login(client, user.email, "wrong-password-123").status_code == 401
    for _ in range(2):
        assert client.post("/api/v1/tokens", json={"email": user.email, "password": "x"}).status_code == 401
    assert login(client, user.email).status_code == 429
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 429


def test_old_failures_expire_and_are_pruned(client, make_user):
    user = make_user()
    long_ago = utcnow() - dt.timedelta(minutes=16)
    for _ in range(5):
        db.session.add(FailedLogin(account=user.email, address="127.0.0.1", at=long_ago))
    db.session.commit()
    assert login(client, user.email, "wrong-password-123").status_code == 401  # old ones do not block
    assert count(FailedLogin) == 1  # and are gone
    assert login(client, user.email).status_code == 302


# --- 4. the same work for unknown and known e-mails ----------------------------------------------

@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts every argon2 verification, and the hashes they ran against."""
    from argon2 import PasswordHasher

    calls: list[str] = []
    original = PasswordHasher.verify

    def spy(self, hash_, password):
        calls.append(hash_)
        return original(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return calls


@pytest.mark.parametrize("case", ["unknown", "wrong_password", "right_password", "inactive", "no_password"])
@pytest.mark.parametrize("channel", ["form", "api"])
def test_every_login_runs_one_argon2_verification_with_the_same_parameters(client, make_user, argon2_calls,
                                                                           case, channel):
    from argon2 import extract_parameters

    known = make_user()
    user = {"unknown": None, "wrong_password": known, "right_password": known,
            "inactive": make_user(active=False), "no_password": make_user(password_hash=None)}[case]
    email = user.email if user is not None else "nobody@example.no"
    password = PASSWORD if case in ("right_password", "inactive", "no_password") else "wrong-password-123"
    argon2_calls.clear()
    if channel == "form":
        login(client, email, password)
    else:
        client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert len(argon2_calls) == 1
    assert extract_parameters(argon2_calls[0]) == extract_parameters(known.password_hash)


# --- 5. links that work once -----------------------------------------------------------------------

def test_reset_link_works_once(app, client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(user.email, "/password/reset/")
    assert client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    again = browser(app).post(link, data={"new_password": "tredje-passord-her", "confirm": "tredje-passord-her"})
    assert again.status_code == 404
    assert login(browser(app), user.email, NEW_PASSWORD).status_code == 302


def test_a_newer_reset_link_voids_the_older(app, client, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    older = mail_link(user.email, "/password/reset/")
    browser(app).post("/password/forgot", data={"email": user.email})
    newer = mail_link(user.email, "/password/reset/")
    assert older != newer
    assert client.get(older).status_code == 404
    assert client.post(older, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 404
    assert client.get(newer).status_code == 200


def test_a_password_change_voids_reset_links(app, client, make_user):
    user = make_user()
    browser(app).post("/password/forgot", data={"email": user.email})
    link = mail_link(user.email, "/password/reset/")
    login(client, user.email)
    client.post("/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    assert browser(app).get(link).status_code == 404


def _race(app, n: int, call) -> list[int]:
    """Run ``call(client, i)`` in ``n`` threads, each with its own client (and so its own database
    session), released together by a barrier; returns the status codes."""
    barrier = threading.Barrier(n)
    statuses: list[int] = [0] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = browser(app)
            client.csrf_token()  # prepare the form token before the race
            barrier.wait(timeout=10)
            statuses[i] = call(client, i).status_code
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def test_one_reset_link_used_twice_in_parallel_works_once(app, backend, client, make_user):
    if backend != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL")
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(user.email, "/password/reset/")
    db.session.commit()
    passwords = ["forste-nye-passord", "andre-nye-passord"]
    statuses = _race(app, 2, lambda c, i: c.post(link, data={"new_password": passwords[i],
                                                             "confirm": passwords[i]}))
    assert sorted(statuses)[0] == 302 and statuses.count(302) == 1, statuses
    winner = passwords[statuses.index(302)]
    loser = passwords[1 - statuses.index(302)]
    assert login(browser(app), user.email, winner).status_code == 302
    assert login(browser(app), user.email, loser).status_code == 401
    assert count(AuditEvent, AuditEvent.action == "user.password_reset") == 1


def test_one_invitation_accepted_twice_in_parallel_works_once(app, backend, client, org_people):
    if backend != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL")
    org = org_people["org"]
    login(client, org_people["org_admin"].email)
    client.post(f"/organisations/{org.id}/members", data={"email": "ny@example.no", "role": "staff"})
    link = mail_link("ny@example.no", "/invitation/")
    db.session.commit()
    landed = ["", ""]

    def accept(c, i):
        response = c.post(link, data={"name": f"Ny {i}", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        landed[i] = urlsplit(location(response)).path if response.status_code == 302 else ""
        return response

    statuses = _race(app, 2, accept)
    # exactly one acceptance goes through. The other finds the link used (4xx) or, when it read the
    # invitation before the winner committed and looked the e-mail up after (seen under load),
    # finds the account just made and is sent to log in: a 302 too, but to /login, joining nothing
    assert landed.count("/dashboard") == 1, (statuses, landed)
    loser = 1 - landed.index("/dashboard")
    assert 400 <= statuses[loser] < 500 or landed[loser] == "/login", (statuses, landed)
    assert count(User, User.email == "ny@example.no") == 1
    assert count(Membership, Membership.organisation_id == org.id) == 3


def test_an_invitation_works_once(app, client, org_people):
    org = org_people["org"]
    login(client, org_people["org_admin"].email)
    client.post(f"/organisations/{org.id}/members", data={"email": "ny@example.no", "role": "staff"})
    link = mail_link("ny@example.no", "/invitation/")
    first = browser(app)
    assert first.post(link, data={"name": "Ny", "new_password": NEW_PASSWORD,
                                  "confirm": NEW_PASSWORD}).status_code == 302
    assert browser(app).post(link, data={"name": "Ny igjen", "new_password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD}).status_code == 404


# --- 6. removing a member asks first ---------------------------------------------------------------

def test_remove_member_asks_and_says_what_follows(client, org_people):
    org, leader = org_people["org"], org_people["leader"]
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == leader.id))
    login(client, org_people["org_admin"].email)
    in_english(client)
    path = f"/organisations/{org.id}/members/{membership.id}/remove"
    members_page = text(client.get(f"/organisations/{org.id}/members"))
    assert f'href="{path}"' in members_page  # a link to the question, not a one-click form
    page = text(client.get(path))
    assert "loses access" in page and "anonymously" in page
    assert client.post(path).status_code == 200  # without the confirmation: asked again
    assert count(Membership, Membership.id == membership.id) == 1
    assert location(client.post(path, data={"confirm": "yes"})) == f"/organisations/{org.id}/members"
    assert count(Membership, Membership.id == membership.id) == 0


def test_removing_the_last_org_admin_is_explained_not_offered(client, org_people):
    org, admin = org_people["org"], org_people["org_admin"]
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == admin.id))
    login(client, admin.email)
    in_english(client)
    page = text(client.get(f"/organisations/{org.id}/members/{membership.id}/remove"))
    assert "only organisation admin" in page
    assert 'value="yes"' not in page
    client.post(f"/organisations/{org.id}/members/{membership.id}/remove", data={"confirm": "yes"})
    assert count(Membership, Membership.id == membership.id) == 1


def test_audit_events_carry_data(client, org_people):
    token = token_for(client, org_people["org_admin"])
    client.post(f"/api/v1/organisations/{org_people['org'].id}/invitations", headers=bearer(token),
                json={"email": "ny@example.no", "role": "leader"})
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "invitation.sent"))
    assert event.data == {"email": "ny@example.no", "role": "leader"}

