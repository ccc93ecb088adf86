"""The audit trail, the outbox and ``seqf send-mail``, and the security baseline of every response."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, MailState, Membership, Organisation, OutboxMessage, User
from tests.conftest import PASSWORD, free_port
from tests.web.helpers import count, in_english, link_in, location, text

NEW_PASSWORD = "nytt-langt-passord-for-test"


def events(action: str, **where) -> list[AuditEvent]:
    db.session.expire_all()
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


# --- audit events for every change --------------------------------------------------------------

def test_user_created_by_an_admin_is_audited(client, auth, make_user):
    admin = make_user(roles=("admin",))
    auth.login(admin)
    response = client.post("/admin/users", data={"name": "Rita Revisor", "email": "rita@example.no",
                                                  "password": NEW_PASSWORD, "global_roles": ["revisor"]})
    assert location(response) == "/admin/users"
    user = db.session.scalar(sa.select(User).where(User.email == "rita@example.no"))
    assert user.is_revisor
    [event] = events("user.created", object_id=user.id)
    assert (event.actor_id, event.object_type) == (admin.id, "user")
    assert "rita@example.no" in event.summary and "revisor" in event.summary


def test_organisation_created_is_audited(client, auth, make_user):
    coordinator = make_user(roles=("coordinator",))
    auth.login(coordinator)
    response = client.post("/admin/organisations", data={"name": "Fjord Jobb AS"})
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Fjord Jobb AS"))
    assert location(response) == f"/organisations/{organisation.id}/members"
    [event] = events("organisation.created", organisation_id=organisation.id)
    assert event.actor_id == coordinator.id


def test_membership_role_change_and_removal_are_audited(client, auth, make_org, make_user):
    org = make_org()
    admin = make_user(org=org, member_role="org_admin")
    staff = make_user(org=org, member_role="staff", email="stab@example.no")
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == staff.id))
    auth.login(admin)

    response = client.post(f"/organisations/{org.id}/members/{membership.id}/role", data={"role": "leader"})
    assert location(response) == f"/organisations/{org.id}/members"
    db.session.refresh(membership)
    assert membership.role.value == "leader"
    [changed] = events("membership.changed", organisation_id=org.id)
    assert (changed.actor_id, changed.object_id) == (admin.id, membership.id)
    assert "stab@example.no" in changed.summary and "staff" in changed.summary and "leader" in changed.summary

    client.post(f"/organisations/{org.id}/members/{membership.id}/remove", data={"confirm": "yes"})
    assert count(Membership, Membership.user_id == staff.id) == 0
    [removed] = events("membership.removed", organisation_id=org.id)
    assert removed.actor_id == admin.id and "stab@example.no" in removed.summary


def test_the_last_org_admin_cannot_be_demoted_or_removed(client, auth, make_org, make_user):
    org = make_org()
    admin = make_user(org=org, member_role="org_admin")
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == admin.id))
    auth.login(admin)
    assert client.post(f"/organisations/{org.id}/members/{membership.id}/role",
                       data={"role": "staff"}).status_code == 303
    assert client.post(f"/organisations/{org.id}/members/{membership.id}/remove",
                       data={"confirm": "yes"}).status_code == 303
    db.session.refresh(membership)
    assert membership.role.value == "org_admin"
    assert events("membership.changed") == [] and events("membership.removed") == []


def test_membership_added_through_the_api_is_audited(api, make_org, make_user):
    org = make_org()
    admin, person = make_user(roles=("admin",)), make_user()
    api.post(f"/api/v1/organisations/{org.id}/members", admin, json={"user_id": person.id, "role": "staff"})
    [event] = events("membership.added", organisation_id=org.id)
    assert event.actor_id == admin.id and person.email in event.summary


def test_invitation_sent_accepted_and_membership_added_are_audited(app, client, auth, make_org, make_user,
                                                                   mailbox):
    from tests.conftest import CSRFClient

    org = make_org()
    admin = make_user(org=org, member_role="org_admin")
    auth.login(admin)
    client.post(f"/organisations/{org.id}/members", data={"email": "ny@example.no", "role": "staff"})
    [sent] = events("invitation.sent", organisation_id=org.id)
    assert sent.actor_id == admin.id and "ny@example.no" in sent.summary

    link = link_in(mailbox.messages[0], "/invitation/")
    invitee = CSRFClient(app, app.response_class, use_cookies=True)
    invitee.post(link, data={"name": "Ny Person", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    user = db.session.scalar(sa.select(User).where(User.email == "ny@example.no"))
    assert events("invitation.accepted", organisation_id=org.id, actor_id=user.id)
    assert events("membership.added", organisation_id=org.id, actor_id=user.id)
    assert events("user.created", object_id=user.id)


def test_invitation_withdrawn_is_audited(client, auth, make_org, make_user):
    from seqf.models import OneTimeToken

    org = make_org()
    admin = make_user(org=org, member_role="org_admin")
    auth.login(admin)
    client.post(f"/organisations/{org.id}/members", data={"email": "angrer@example.no", "role": "staff"})
    invitation = db.session.scalar(sa.select(OneTimeToken))
    client.post(f"/organisations/{org.id}/invitations/{invitation.id}/revoke")
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert events("invitation.revoked", organisation_id=org.id, actor_id=admin.id)


def test_password_reset_is_audited(client, make_user, mailbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    assert events("user.password_reset_requested", object_id=user.id)
    link = link_in(mailbox.messages[0], "/password/reset/")
    client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    [event] = events("user.password_reset", object_id=user.id)
    assert event.actor_id == user.id


def test_roles_and_deactivation_by_admin_are_audited(client, auth, make_user):
    admin, person = make_user(roles=("admin",)), make_user()
    auth.login(admin)
    client.post(f"/admin/users/{person.id}", data={"global_roles": ["coordinator"]})
    client.post(f"/admin/users/{person.id}", data={"action": "deactivate"})
    db.session.refresh(person)
    assert person.is_coordinator and not person.active
    assert events("user.roles_changed", object_id=person.id, actor_id=admin.id)
    assert events("user.deactivated", object_id=person.id, actor_id=admin.id)


def test_settings_change_is_audited(client, auth, make_org, make_user):
    org = make_org()
    auth.login(make_user(org=org, member_role="org_admin"))
    assert location(client.post(f"/organisations/{org.id}/settings", data={"anonymity_threshold": "5"})) \
        == f"/organisations/{org.id}/settings"
    assert events("organisation.threshold_changed", organisation_id=org.id)
    assert client.post(f"/organisations/{org.id}/settings", data={"anonymity_threshold": "2"}).status_code == 422
    db.session.refresh(org)
    assert org.anonymity_threshold == 5


def test_a_refused_change_leaves_no_audit_event(client, auth, make_user):
    admin = make_user(roles=("admin",))
    make_user(email="finnes@example.no")
    auth.login(admin)
    before = count(AuditEvent)
    response = client.post("/admin/users", data={"name": "Dup", "email": "FINNES@example.no",
                                                  "password": NEW_PASSWORD})
    assert response.status_code == 422
    assert count(AuditEvent) == before


# --- the organisation's audit page ---------------------------------------------------------------

def test_audit_page_for_org_admin_and_leader_not_staff(app, client, auth, make_org, make_user):
    org = make_org()
    admin = make_user(org=org, member_role="org_admin", language="en")
    leader = make_user(org=org, member_role="leader", name="Lise Leder")
    staff = make_user(org=org, member_role="staff")
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == staff.id))
    auth.login(admin)
    client.post(f"/organisations/{org.id}/members/{membership.id}/role", data={"role": "viewer"})

    page = client.get(f"/organisations/{org.id}/audit")
    assert page.status_code == 200
    assert "membership.changed" in text(page) and staff.email in text(page)
    auth.logout()
    auth.login(leader)
    assert "membership.changed" in text(client.get(f"/organisations/{org.id}/audit"))
    auth.logout()
    auth.login(staff)
    assert client.get(f"/organisations/{org.id}/audit").status_code == 403


def test_audit_page_shows_only_this_organisation(client, auth, make_org, make_user):
    org, other = make_org(), make_org()
    stranger = make_user(org=other, member_role="staff", email="fremmed@example.no")
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == stranger.id))
    auth.login(make_user(roles=("admin",)))
    client.post(f"/organisations/{other.id}/members/{membership.id}/role", data={"role": "leader"})
    assert "fremmed@example.no" not in text(client.get(f"/organisations/{org.id}/audit"))
    assert "fremmed@example.no" in text(client.get(f"/organisations/{other.id}/audit"))
    assert "fremmed@example.no" in text(client.get("/admin/audit"))


def test_audit_page_with_silly_page_numbers(client, auth, make_org, make_user):
    org = make_org()
    auth.login(make_user(org=org, member_role="leader"))
    for page in ("-5", "0", "abc", "99999999999999999999999"):
        assert client.get(f"/organisations/{org.id}/audit?page={page}").status_code == 200


# --- outbox and send-mail ------------------------------------------------------------------------

def invite(client, org, email):
    return client.post(f"/organisations/{org.id}/members", data={"email": email, "role": "staff"})


def test_outbox_page_shows_queued_mail_without_smtp(client, auth, make_org, make_user):
    org = make_org(name="Jobbvei AS")
    admin = make_user(roles=("admin",), language="en")
    auth.login(admin)
    invite(client, org, "venter@example.no")
    page = client.get("/admin/outbox")
    assert page.status_code == 200
    assert "No mail server is configured" in text(page)
    assert "venter@example.no" in text(page)
    assert "Jobbvei AS" in text(page)
    assert 'href="http://seqf.test/invitation/' in text(page)  # the link can be opened from the page
    assert "queued" in text(page)


def test_send_mail_delivers_the_outbox(app, client, auth, runner, make_org, make_user, smtp_server):
    org = make_org()
    auth.login(make_user(org=org, member_role="org_admin"))
    invite(client, org, "en@example.no")
    invite(client, org, "to@example.no")
    assert count(OutboxMessage, OutboxMessage.state == MailState.queued) == 2

    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "No SMTP server configured" in result.output
    assert count(OutboxMessage, OutboxMessage.state == MailState.queued) == 2

    controller, handler = smtp_server
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 message(s)" in result.output
    assert sorted(m["To"] for m in handler.messages) == ["en@example.no", "to@example.no"]
    assert all("/invitation/" in m.get_content() for m in handler.messages)
    assert all(m["From"] == app.config["MAIL_FROM"] for m in handler.messages)
    assert count(OutboxMessage, OutboxMessage.state == MailState.sent, OutboxMessage.sent_at.is_not(None)) == 2

    result = runner.invoke(args=["send-mail"])  # nothing left: nothing sent twice
    assert "Sent 0 message(s)" in result.output
    assert len(handler.messages) == 2


def test_send_mail_keeps_mail_queued_when_the_server_is_down(app, runner):
    from seqf.services import mail

    with app.test_request_context():
        mail.queue_mail("test:down", "nede@example.no", "Emne", "Tekst")
        db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    for attempt in range(1, 6):
        result = runner.invoke(args=["send-mail"])
        assert result.exit_code == 0
        message = db.session.scalar(sa.select(OutboxMessage))
        db.session.refresh(message)
        assert message.attempts == attempt
        assert message.last_error
    assert message.state == MailState.failed  # gave up after five tries


def test_mail_is_sent_right_after_the_request_when_smtp_is_configured(client, auth, make_org, make_user,
                                                                      mailbox):
    org = make_org()
    auth.login(make_user(org=org, member_role="org_admin"))
    invite(client, org, "straks@example.no")
    assert [m["To"] for m in mailbox.messages] == ["straks@example.no"]
    assert count(OutboxMessage, OutboxMessage.state == MailState.sent) == 1


def test_a_refused_request_queues_no_mail(client, auth, make_org, make_user, mailbox):
    org = make_org()
    auth.login(make_user(org=org, member_role="org_admin"))
    assert invite(client, org, "ikke-en-adresse").status_code == 422
    assert count(OutboxMessage) == 0 and mailbox.messages == []


def test_dedupe_key_queues_a_message_once(app):
    from seqf.services import mail

    with app.test_request_context():
        first = mail.queue_mail("reminder:round:1:user:2", "a@example.no", "Påminnelse", "Tekst")
        second = mail.queue_mail("reminder:round:1:user:2", "a@example.no", "Påminnelse igjen", "Annen tekst")
        db.session.commit()
    assert first.id == second.id
    assert count(OutboxMessage) == 1
    assert db.session.scalar(sa.select(OutboxMessage.subject)) == "Påminnelse"


def test_dedupe_key_is_unique_in_the_database(app):
    db.session.add_all([OutboxMessage(dedupe_key="k", recipient="a@x.no", subject="s", body="b"),
                        OutboxMessage(dedupe_key="k", recipient="b@x.no", subject="s", body="b")])
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_mail_is_written_in_the_recipients_language(app, make_user, mailbox, client):
    english = make_user(language="en")
    client.post("/password/forgot", data={"email": english.email})
    assert mailbox.messages[0]["Subject"] == "Set a new password for seqf"
    assert english.name in mailbox.messages[0].get_content()


# --- security headers, cookies and CSRF ---------------------------------------------------------

def test_security_headers_on_html_and_json(client):
    for path in ("/login", "/healthz", "/api/v1/openapi.json", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")


def test_html_pages_are_not_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_remember_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_and_hsts_when_configured(app, client, make_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = True
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies if c.startswith(("session=", "remember_token=")))
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_secure_cookies_from_the_environment(monkeypatch, tmp_path):
    from seqf import create_app

    monkeypatch.setenv("SEQF_SECURE_COOKIES", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(client, auth, make_user):
    admin = make_user(roles=("admin",), language="en")
    auth.login(admin)
    before = count(Organisation), count(AuditEvent)
    response = client.post("/admin/organisations", data={"name": "Uten token"}, csrf=False)
    assert response.status_code == 400
    assert "The form had expired" in text(response)
    response = client.post("/admin/organisations", data={"name": "Feil token", "csrf_token": "forged"}, csrf=False)
    assert response.status_code == 400
    assert (count(Organisation), count(AuditEvent)) == before


def test_login_and_language_need_the_csrf_token(client, make_user):
    user = make_user()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}, csrf=False).status_code == 400
    assert location(client.get("/dashboard")).startswith("/login")
    assert client.post("/language", data={"language": "en"}, csrf=False).status_code == 400
    assert '<html lang="nb">' in text(client.get("/login"))


def test_logout_needs_the_csrf_token(client, auth, make_user):
    auth.login(make_user())
    assert client.post("/logout", data={}, csrf=False).status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_password_change_needs_the_csrf_token(client, auth, make_user):
    user = make_user()
    auth.login(user)
    response = client.post("/profile/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD}, csrf=False)
    assert response.status_code == 400
    auth.logout()
    assert auth.login(user).status_code == 302


# --- error pages ---------------------------------------------------------------------------------

def _add_failing_routes(app):
    def explode():
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/test-only/explode", "test_explode", explode)
    app.add_url_rule("/api/v1/test-only/explode", "test_api_explode", explode)


def test_html_500_page_shows_no_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _add_failing_routes(app)
    in_english(client)
    response = client.get("/test-only/explode")
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong" in page
    assert "Traceback" not in page and "RuntimeError" not in page and "hunter2" not in page
    assert response.mimetype == "text/html"


def test_json_500_shows_no_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _add_failing_routes(app)
    response = client.get("/api/v1/test-only/explode")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "hunter2" not in text(response) and "Traceback" not in text(response)


def test_a_failed_request_changes_nothing(app, client, make_user):
    """The request boundary rolls back: a change made before the error is not committed."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = make_user(name="Før")

    def change_then_explode():
        db.session.get(User, user.id).name = "Etter"
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/test-only/change-then-explode", "test_change", change_then_explode)
    assert client.get("/test-only/change-then-explode").status_code == 500
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Før"


def test_404_in_html_and_json(client):
    in_english(client)
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "Not found" in text(page) and "Traceback" not in text(page)

    response = client.get("/api/v1/no/such/thing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found",
                                             "message": "The page does not exist, or you do not have access to it."}}


def test_405_in_json(client):
    response = client.put("/api/v1/tokens", json={})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_nul_characters_in_forms_are_refused(client, make_user):
    user = make_user()
    assert client.post("/login", data={"email": user.email + "\x00", "password": PASSWORD}).status_code == 400
    assert client.post("/password/forgot", data={"email": "a\x00@example.no"}).status_code == 400


def test_oversized_ids_in_urls_are_404(client, auth, make_user):
    auth.login(make_user(roles=("admin",)))
    for path in ("/organisations/99999999999999999999/", "/admin/users/99999999999999999999",
                 "/organisations/2147483648/members"):
        assert client.get(path).status_code == 404


def test_health_endpoints(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["status"] == "ok"


# --- behind a reverse proxy -----------------------------------------------------------------------

@pytest.fixture
def proxied_client(app, tmp_path):
    """A client of a second app on the same database, created with ``TRUSTED_PROXIES``."""
    from seqf import create_app
    from tests.conftest import CSRFClient, base_config

    apps = []

    def make(proxies: int):
        proxied = create_app({**base_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
                              "TRUSTED_PROXIES": proxies})
        proxied.test_client_class = CSRFClient
        apps.append(proxied)
        return proxied.test_client()

    yield make
    for proxied in apps:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()


def _failed_logins_from(client, email: str, address: str, times: int) -> int:
    status = 0
    for _ in range(times):
        status = client.post("/login", data={"email": email, "password": "wrong-password-123"},
                             headers={"X-Forwarded-For": address}).status_code
    return status


def test_rate_limit_counts_the_client_behind_a_trusted_proxy(proxied_client, make_user):
    user = make_user()
    client = proxied_client(1)
    assert _failed_logins_from(client, user.email, "203.0.113.7", 6) == 429
    assert _failed_logins_from(client, user.email, "198.51.100.9", 1) == 401  # another visitor


def test_forwarded_headers_are_ignored_without_trusted_proxies(proxied_client, make_user):
    user = make_user()
    client = proxied_client(0)
    assert _failed_logins_from(client, user.email, "203.0.113.7", 6) == 429
    assert _failed_logins_from(client, user.email, "198.51.100.9", 1) == 429  # a forged header changes nothing
