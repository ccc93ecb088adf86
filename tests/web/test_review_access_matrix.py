"""Who may open what on reviews and certificates: every page and every read endpoint × 11 roles.

The rules behind the table (``seqf/services/review_guards.py``, API.md "Reviews and certificates"):

* someone with no part in the review — another organisation, a revisor not assigned — gets **404**;
* the package, the visit agenda and its notes, and the findings forms are for the **assigned revisors
  only** (404 for everyone else, coordinators and the organisation's leaders included);
* the review's plan and state: coordinators (and admins), assigned revisors, the organisation's
  leaders and org admins; staff and viewers get **403**;
* an unpublished report: revisors and coordinators (leaders only in the comment round), staff 403;
  the published report and the certificate: every member of the organisation;
* the network register, calendar and workload: coordinators and admins only (403 for the rest).

``d`` is a review in drafting (findings recorded, an agenda slot), ``p`` a decided certification
review and ``c`` its certificate. Each row is one test that checks all roles, so a failure lists
every role that got a different answer.
"""

from __future__ import annotations

import pytest

from tests.web.review_world import ROLES, review_world

# path → expected status per role, in the order of ROLES:
#   anon admin coord lead co other_revisor org_admin leader staff viewer other_org
HTML = {
    "/reviews":                                              [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "/reviews/{d}":                                          [302, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    "/reviews/{d}/plan":                                     [302, 200, 200, 403, 403, 404, 403, 403, 403, 403, 404],
    "/reviews/{d}/cancel":                                   [302, 409, 409, 403, 403, 404, 403, 403, 403, 403, 404],
    "/reviews/{d}/package":                                  [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/package.zip":                              [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/package/contents":                         [302, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    "/reviews/{d}/agenda":                                   [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/agenda/{slot}/note":                       [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/agenda/{slot}/edit":                       [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/findings":                                 [302, 302, 302, 200, 200, 404, 403, 403, 404, 404, 404],
    "/reviews/{d}/findings/1":                               [302, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/comment-round":                            [302, 404, 404, 200, 403, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/publish":                                  [302, 404, 404, 200, 403, 404, 404, 404, 404, 404, 404],
    "/reviews/{d}/report":                                   [302, 200, 200, 200, 200, 404, 403, 403, 403, 403, 404],
    "/reviews/{d}/report.pdf":                               [302, 200, 200, 200, 200, 404, 403, 403, 403, 403, 404],
    "/reviews/{p}":                                          [302, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    "/reviews/{p}/report":                                   [302, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    "/reviews/{p}/report.pdf":                               [302, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    "/reviews/{p}/decision":                                 [302, 200, 200, 200, 403, 404, 403, 403, 403, 403, 404],
    "/reviews/{p}/correction":                               [302, 403, 403, 200, 403, 404, 403, 403, 404, 404, 404],
    "/organisations/{a}/reviews/new":                        [302, 200, 200, 404, 404, 404, 403, 403, 403, 403, 404],
    "/organisations/{a}/certificates":                       [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/certificates/{c}":                                     [302, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    "/certificates/{c}/certificate.pdf":                     [302, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    "/certificates/{c}/withdraw":                            [302, 200, 200, 403, 403, 404, 403, 403, 403, 403, 404],
    "/organisations/{a}/trend":                              [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/network":                                              [302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    "/network.csv":                                          [302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    "/network/calendar":                                     [302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    "/network/workload":                                     [302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
}

API = {
    ("GET", "/api/v1/reviews"):                              [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    ("GET", "/api/v1/reviews/{d}"):                          [401, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    ("GET", "/api/v1/organisations/{a}/reviews"):            [401, 200, 200, 404, 404, 404, 200, 200, 403, 403, 404],
    ("GET", "/api/v1/reviews/{d}/package"):                  [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/reviews/{d}/package.zip"):              [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/reviews/{d}/agenda"):                   [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/visit-slots/{slot}/note"):              [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/reviews/{d}/findings"):                 [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/reviews/{d}/findings/1"):               [401, 404, 404, 200, 200, 404, 404, 404, 404, 404, 404],
    ("GET", "/api/v1/reviews/{d}/comments"):                 [401, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    ("GET", "/api/v1/reviews/{d}/report"):                   [401, 200, 200, 200, 200, 404, 403, 403, 403, 403, 404],
    ("GET", "/api/v1/reviews/{p}/report"):                   [401, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/reviews/{p}/report.pdf"):               [401, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/organisations/{a}/certificates"):       [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/certificates/{c}"):                     [401, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/certificates/{c}/certificate.pdf"):     [401, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/organisations/{a}/trend"):              [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/network/register"):                     [401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    ("GET", "/api/v1/network/calendar"):                     [401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    ("GET", "/api/v1/network/workload"):                     [401, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
}


@pytest.fixture
def world(make_org, make_user):
    return review_world(make_org, make_user)


def test_the_tables_cover_every_role():
    assert all(len(row) == len(ROLES) for row in [*HTML.values(), *API.values()])


@pytest.mark.parametrize(("path", "expected"), list(HTML.items()), ids=list(HTML))
def test_review_pages(client, auth, world, path, expected):
    ids = {k: v for k, v in world.items() if k != "users"}
    got = []
    for role in ROLES:
        user = world["users"][role]
        if user is not None:
            auth.login(user)
        got.append(client.get(path.format(**ids)).status_code)
        if user is not None:
            auth.logout()
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


@pytest.mark.parametrize(("call", "expected"), list(API.items()), ids=[p for _m, p in API])
def test_review_api(api, world, call, expected):
    method, path = call
    ids = {k: v for k, v in world.items() if k != "users"}
    got = {}
    for role in ROLES:
        response = api._call(method, path.format(**ids), world["users"][role])
        got[role] = response.status_code
        if response.status_code >= 400:
            body = response.get_json()
            assert body["error"]["code"] and body["error"]["message"], (role, body)
    assert got == dict(zip(ROLES, expected, strict=True))
