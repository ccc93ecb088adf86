"""Who may open what in the action plan: every page and every read endpoint × 11 roles.

The rules behind the table (``seqf/services/plan_guards.py``, API.md "Action plan", "Meetings and
calendar"):

* every member of the organisation reads the plan, its goals, tasks, meetings, minutes and exports
  (viewers included); coordinators and admins read them too (they oversee the network), but have no
  calendar link of an organisation they are not a member of (403); revisors who are not
  members, and members of another organisation, get **404** — the goal or meeting is not revealed;
* writing forms (new goal, new series, edit) are for the leaders and org admins (staff, viewers
  and the network roles get **403**); a goal's owner and deputy edit it; a task's assignee edits its
  note;
* absences and calendar feeds are personal: ``/me/…`` for every logged-in person; the
  organisation's absence list for its leaders and org admins; a feed of an organisation for its
  members;
* the follow-up against the plan (``/reviews/{d}/plan``) for the review's revisors, coordinators and
  the organisation's leaders.

``g`` is a goal owned by the leader (the staff member is deputy), ``t`` a task for the staff member,
``s`` the leader meeting series (the leader takes part), ``m`` its opened meeting, ``ab`` the staff
member's absence, ``d`` a review in drafting. ``/meetings/{m}/approve-previous`` is 404 for everyone:
the first meeting of a series has no previous minutes to approve. The tables are checked whole
(one world each), and a failure lists every cell that differs.
"""

from __future__ import annotations

import pytest

from tests.web.plan_world import plan_world
from tests.web.review_world import ROLES

# path → expected status per role, in the order of ROLES:
#   anon admin coord lead co other_revisor org_admin leader staff viewer other_org
HTML = {
    "/organisations/{a}/plan":                                [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/organisations/{a}/goals/new":                           [302, 403, 403, 404, 404, 404, 200, 200, 403, 403, 404],
    "/goals/{g}":                                             [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/goals/{g}/edit":                                        [302, 403, 403, 404, 404, 404, 200, 200, 200, 403, 404],
    "/tasks/{t}/edit":                                        [302, 403, 403, 404, 404, 404, 200, 200, 200, 403, 404],
    "/organisations/{a}/meetings":                            [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/organisations/{a}/meeting-series/new":                  [302, 403, 403, 404, 404, 404, 200, 200, 403, 403, 404],
    "/meeting-series/{s}":                                    [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/meeting-series/{s}/edit":                               [302, 403, 403, 404, 404, 404, 200, 200, 403, 403, 404],
    "/meeting-series/{s}/occurrences/{day}":                  [302, 403, 403, 404, 404, 404, 200, 200, 403, 403, 404],
    "/meetings/{m}":                                          [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/meetings/{m}/print":                                    [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/meetings/{m}.pdf":                                      [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/meetings/{m}/approve-previous":                         [302, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    "/me/absences":                                           [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "/absences/{ab}/delete":                                  [302, 404, 404, 404, 404, 404, 200, 200, 200, 404, 404],
    "/organisations/{a}/absences":                            [302, 403, 403, 404, 404, 404, 200, 200, 403, 403, 404],
    "/organisations/{a}/calendar":                            [302, 403, 403, 404, 404, 404, 200, 200, 200, 200, 404],
    "/me/calendar":                                           [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "/dashboard":                                             [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "/organisations/{a}/":                                    [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/organisations/{a}/plan.pdf":                            [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/organisations/{a}/plan.xlsx":                           [302, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    "/reviews/{d}/action-plan":                               [302, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
}

API = {
    ("GET", "/api/v1/organisations/{a}/goals"):               [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/goals/{g}"):                             [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/goals/{g}/tasks"):                       [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/goals/{g}/updates"):                     [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/me/tasks"):                              [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    ("GET", "/api/v1/organisations/{a}/meeting-series"):      [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/meeting-series/{s}"):                    [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/meetings/{m}"):                          [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/meetings/{m}/agenda.pdf"):               [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/organisations/{a}/calendar.ics"):        [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/me/calendar.ics"):                       [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    ("GET", "/api/v1/me/absences"):                           [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    ("GET", "/api/v1/reviews/{d}/plan"):                      [401, 200, 200, 200, 200, 404, 200, 200, 403, 403, 404],
    ("GET", "/api/v1/organisations/{a}/plan.pdf"):            [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
    ("GET", "/api/v1/organisations/{a}/plan.xlsx"):           [401, 200, 200, 404, 404, 404, 200, 200, 200, 200, 404],
}

@pytest.fixture
def world(make_org, make_user):
    return plan_world(make_org, make_user)


def _ids(world):
    return {k: v for k, v in world.items() if k != "users"}


def test_the_tables_cover_every_role():
    assert all(len(row) == len(ROLES) for row in [*HTML.values(), *API.values()])


def test_plan_pages(client, auth, world):
    """One world for the whole table (building it is the slow part); a failure lists every cell that differs."""
    got = {path: [] for path in HTML}
    for role in ROLES:
        user = world["users"][role]
        if user is not None:
            auth.login(user)
        for path in HTML:
            got[path].append(client.get(path.format(**_ids(world))).status_code)
        if user is not None:
            auth.logout()
    assert _differences(got, HTML) == {}


def test_plan_api(api, world):
    got = {call: [] for call in API}
    for (method, path) in API:
        for role in ROLES:
            response = api._call(method, path.format(**_ids(world)), world["users"][role])
            got[(method, path)].append(response.status_code)
            if response.status_code >= 400:
                body = response.get_json()
                assert body["error"]["code"] and body["error"]["message"], (role, body)
    assert _differences(got, API) == {}


def _differences(got: dict, expected: dict) -> dict:
    return {key: {role: (g, e) for role, g, e in zip(ROLES, got[key], expected[key], strict=True) if g != e}
            for key in expected if got[key] != expected[key]}
