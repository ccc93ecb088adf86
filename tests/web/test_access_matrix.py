"""Who may open what: roles × endpoints, for the HTML pages and the JSON API.

The table below is the access rule written out (see ``seqf/permissions.py`` and API.md):

* an organisation the caller has no part in answers **404** — its existence is not revealed;
* a member (or network role) whose role is too weak gets **403**;
* anonymous callers are sent to the log-in page (**302**) in HTML and get **401** from the API;
* admins and network coordinators oversee every organisation; only admins (and the organisation's
  org admins and leaders) read its audit log; the outbox and the full audit log are for admins.
"""

from __future__ import annotations

import itertools

import pytest

from tests.web.helpers import location

ROLES = ["anonymous", "admin", "coordinator", "revisor", "org_admin", "leader", "staff", "viewer", "other_org"]

# endpoint → expected status per role, in the order of ROLES
#            anon admin coord revisor org_admin leader staff viewer other_org
HTML = {
    "/organisations/{a}/":        [302, 200, 200, 404, 200, 200, 200, 200, 404],
    "/organisations/{a}/members": [302, 200, 200, 404, 200, 403, 403, 403, 404],
    "/organisations/{a}/settings": [302, 200, 200, 404, 200, 403, 403, 403, 404],
    "/organisations/{a}/audit":   [302, 200, 403, 404, 200, 200, 403, 403, 404],
    "/admin/organisations":       [302, 200, 200, 403, 403, 403, 403, 403, 403],
    "/admin/users":               [302, 200, 200, 403, 403, 403, 403, 403, 403],
    "/admin/outbox":              [302, 200, 403, 403, 403, 403, 403, 403, 403],
    "/admin/audit":               [302, 200, 403, 403, 403, 403, 403, 403, 403],
}

API = {
    ("GET", "/api/v1/organisations/{a}"):              [401, 200, 200, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/organisations/{a}/members"):      [401, 200, 200, 404, 200, 403, 403, 403, 404],
    ("GET", "/api/v1/organisations/{a}/audit-events"): [401, 200, 403, 404, 200, 200, 403, 403, 404],
    ("POST", "/api/v1/organisations"):                 [401, 201, 201, 403, 403, 403, 403, 403, 403],
    ("POST", "/api/v1/users"):                         [401, 201, 201, 403, 403, 403, 403, 403, 403],
    ("POST", "/api/v1/organisations/{a}/members"):     [401, 201, 201, 404, 403, 403, 403, 403, 404],
    ("POST", "/api/v1/organisations/{a}/invitations"): [401, 201, 201, 404, 201, 403, 403, 403, 404],
    ("GET", "/api/v1/organisations/{a}/invitations"):  [401, 200, 200, 404, 200, 403, 403, 403, 404],
    ("GET", "/api/v1/tokens"):                         [401, 200, 200, 200, 200, 200, 200, 200, 200],
}

# valid bodies, so that only the caller's role decides the answer
BODIES = {
    "/api/v1/organisations": lambda ctx: {"name": "Ny organisasjon AS"},
    "/api/v1/users": lambda ctx: {"email": "ny.bruker@example.no", "name": "Ny Bruker",
                                  "password": "et-langt-og-godt-passord"},
    "/api/v1/organisations/{a}/members": lambda ctx: {"user_id": ctx["outsider"].id, "role": "staff"},
    "/api/v1/organisations/{a}/invitations": lambda ctx: {"email": "ny.kollega@example.no", "role": "staff"},
}


@pytest.fixture
def world(make_org, make_user):
    """Organisation A with one member per role, organisation B with one member, network roles."""
    org_a, org_b = make_org(name="Organisasjon A"), make_org(name="Organisasjon B")
    users = {
        "anonymous": None,
        "admin": make_user(roles=("admin",)),
        "coordinator": make_user(roles=("coordinator",)),
        "revisor": make_user(roles=("revisor",)),
        "org_admin": make_user(org=org_a, member_role="org_admin"),
        "leader": make_user(org=org_a, member_role="leader"),
        "staff": make_user(org=org_a, member_role="staff"),
        "viewer": make_user(org=org_a, member_role="viewer"),
        "other_org": make_user(org=org_b, member_role="org_admin"),
    }
    return {"a": org_a, "b": org_b, "users": users, "outsider": make_user()}


def _cases(table):
    for (endpoint, statuses), (role_index, role) in itertools.product(table.items(), enumerate(ROLES)):
        yield pytest.param(endpoint, role, statuses[role_index], id=f"{role}-{endpoint}")


def test_the_tables_cover_every_role():
    assert all(len(row) == len(ROLES) for row in [*HTML.values(), *API.values()])


@pytest.mark.parametrize(("path", "role", "expected"), list(_cases(HTML)))
def test_html_pages(client, auth, world, path, role, expected):
    user = world["users"][role]
    if user is not None:
        assert auth.login(user).status_code == 302
    response = client.get(path.format(a=world["a"].id))
    assert response.status_code == expected
    if expected == 302:
        assert location(response).startswith("/login")


@pytest.mark.parametrize(("call", "role", "expected"), list(_cases(API)))
def test_api(api, world, call, role, expected):
    method, path = call
    user = world["users"][role]
    kwargs = {}
    if method == "POST":
        kwargs["json"] = BODIES[path](world)
    response = api._call(method, path.format(a=world["a"].id), user, **kwargs)
    assert response.status_code == expected, response.get_json()
    body = response.get_json()
    if expected >= 400:
        assert set(body) == {"error"}
        assert body["error"]["code"] and body["error"]["message"]


@pytest.mark.parametrize("path", [
    "/organisations/{missing}/", "/organisations/{missing}/members", "/organisations/{missing}/audit",
])
def test_unknown_organisation_is_404_even_for_admins(client, auth, world, path):
    auth.login(world["users"]["admin"])
    assert client.get(path.format(missing=world["b"].id + 1000)).status_code == 404


def test_a_non_member_gets_the_same_answer_as_for_a_missing_organisation(client, auth, world):
    """404 for both: a revisor cannot tell whether organisation A exists."""
    auth.login(world["users"]["revisor"])
    hidden = client.get(f"/organisations/{world['a'].id}/")
    missing = client.get(f"/organisations/{world['b'].id + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert world["a"].name not in hidden.get_data(as_text=True)


@pytest.mark.parametrize("role", ["leader", "staff", "viewer", "other_org", "revisor"])
def test_forbidden_member_changes_change_nothing(client, auth, world, role):
    """Posting to the member page of A without the right role neither invites nor changes roles."""
    from seqf.models import Membership, OneTimeToken
    from tests.web.helpers import count

    org_a = world["a"]
    target = world["users"]["staff"]
    membership_id = next(m.id for m in target.memberships if m.organisation_id == org_a.id)
    auth.login(world["users"][role])
    expected = 404 if role in ("other_org", "revisor") else 403
    assert client.post(f"/organisations/{org_a.id}/members",
                       data={"email": "x@example.no", "role": "staff"}).status_code == expected
    assert client.post(f"/organisations/{org_a.id}/members/{membership_id}/role",
                       data={"role": "org_admin"}).status_code == expected
    assert client.post(f"/organisations/{org_a.id}/members/{membership_id}/remove",
                       data={"confirm": "yes"}).status_code == expected
    assert count(OneTimeToken) == 0
    assert count(Membership, Membership.id == membership_id, Membership.role == "staff") == 1


def test_organisation_menu_shows_only_allowed_pages(client, auth, world):
    auth.login(world["users"]["staff"])
    page = client.get(f"/organisations/{world['a'].id}/").get_data(as_text=True)
    assert f"/organisations/{world['a'].id}/members" not in page
    assert f"/organisations/{world['a'].id}/audit" not in page


def test_main_menu_by_role(client, auth, world):
    auth.login(world["users"]["staff"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "/admin/" not in page
    auth.logout()
    auth.login(world["users"]["admin"])
    page = client.get("/dashboard").get_data(as_text=True)
    for path in ("/admin/organisations", "/admin/users", "/admin/outbox", "/admin/audit"):
        assert path in page
