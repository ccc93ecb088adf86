"""Who may open what in the action plan: every page and every read endpoint × 11 roles.

The rules behind the table (``seqf/services/plan_guards.py``, API.md "Action plan", "Meetings and
calendar"):

* every member of the organisation reads the plan, its goals, tasks, meetings and minutes (viewers
  included); coordinators and admins read them too (they oversee the network); revisors who are not
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
member's absence. Each row is one test that checks all roles.
"""

from __future__ import annotations

import pytest

from tests.web.plan_world import plan_world
from tests.web.review_world import ROLES

# path → expected status per role, in the order of ROLES:
#   anon admin coord lead co other_revisor org_admin leader staff viewer other_org
HTML = {
}

API = {
}

PROBE_HTML = [
    "/organisations/{a}/plan", "/organisations/{a}/goals/new", "/goals/{g}", "/goals/{g}/edit", "/tasks/{t}/edit",
    "/organisations/{a}/meetings", "/organisations/{a}/meeting-series/new", "/meeting-series/{s}",
    "/meeting-series/{s}/edit", "/meeting-series/{s}/occurrences/{day}", "/meetings/{m}", "/meetings/{m}/print",
    "/meetings/{m}.pdf", "/meetings/{m}/approve-previous", "/me/absences", "/absences/{ab}/delete",
    "/organisations/{a}/absences", "/organisations/{a}/calendar", "/me/calendar", "/dashboard",
    "/organisations/{a}/", "/organisations/{a}/plan.pdf", "/organisations/{a}/plan.xlsx", "/reviews/{d}/action-plan",
]
PROBE_API = [
    ("GET", "/api/v1/organisations/{a}/goals"), ("GET", "/api/v1/goals/{g}"), ("GET", "/api/v1/goals/{g}/tasks"),
    ("GET", "/api/v1/goals/{g}/updates"), ("GET", "/api/v1/me/tasks"),
    ("GET", "/api/v1/organisations/{a}/meeting-series"), ("GET", "/api/v1/meeting-series/{s}"),
    ("GET", "/api/v1/meetings/{m}"), ("GET", "/api/v1/meetings/{m}/agenda.pdf"),
    ("GET", "/api/v1/organisations/{a}/calendar.ics"), ("GET", "/api/v1/me/calendar.ics"),
    ("GET", "/api/v1/me/absences"), ("GET", "/api/v1/reviews/{d}/plan"),
    ("GET", "/api/v1/organisations/{a}/plan.pdf"), ("GET", "/api/v1/organisations/{a}/plan.xlsx"),
]


@pytest.fixture
def world(make_org, make_user):
    return plan_world(make_org, make_user)


def _ids(world):
    return {k: v for k, v in world.items() if k != "users"}


def test_probe(client, auth, api, world, app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("probe once")
    lines = []
    for path in PROBE_HTML:
        got = []
        for role in ROLES:
            user = world["users"][role]
            if user is not None:
                auth.login(user)
            got.append(client.get(path.format(**_ids(world))).status_code)
            if user is not None:
                auth.logout()
        lines.append(f'    "{path}":'.ljust(62) + f"[{', '.join(map(str, got))}],")
    for method, path in PROBE_API:
        got = [api._call(method, path.format(**_ids(world)), world["users"][role]).status_code for role in ROLES]
        lines.append(f'    ("{method}", "{path}"):'.ljust(62) + f"[{', '.join(map(str, got))}],")
    print("\n".join(lines))
