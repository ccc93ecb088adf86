"""The app starts, logs a user in and serves the main pages on both databases."""


def test_healthz_does_not_need_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(client):
    assert client.get("/readyz").get_json()["database"] == "ok"


def test_login_then_dashboard_lists_memberships(client, auth, make_user, make_org):
    org = make_org(name="Jobbvei AS")
    user = make_user(org=org, member_role="leader", name="Lise Leder")
    response = auth.login(user)
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Jobbvei AS" in page
    assert "Lise Leder" in page
