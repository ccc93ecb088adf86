"""Helpers for the action-plan tests: the cast of a service's plan, and goals, tasks and meetings
made through the services (so the rules hold for what the tests start from).

``plan_cast`` gives an organisation with a leader, an org admin, three staff and a viewer, plus an
outsider organisation with its own leader. ``add_goal`` / ``add_task`` call the services as the
leader and commit.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from seqf import clock
from seqf.extensions import db
from seqf.models import Goal, Task
from seqf.services import goals as goal_service
from seqf.services import tasks as task_service


def plan_cast(make_org, make_user, staff: int = 3):
    org = make_org(name="Jobbvei Plan AS")
    other = make_org(name="Annen Virksomhet AS")
    cast = SimpleNamespace(
        org=org,
        other=other,
        leader=make_user(org=org, member_role="leader", name="Lise Leder"),
        org_admin=make_user(org=org, member_role="org_admin", name="Olav Admin"),
        staff=[make_user(org=org, member_role="staff", name=f"Medarbeider {i}") for i in range(staff)],
        viewer=make_user(org=org, member_role="viewer", name="Vera Viewer"),
        outsider=make_user(org=other, member_role="leader", name="Ulf Utenfor"),
        coordinator=make_user(roles=("coordinator",), name="Kari Koordinator"),
    )
    return cast


def add_goal(cast, title: str = "Bedre samarbeid med NAV", *, owner=None, deputy=None, areas=("4",),
             due_in_days: int | None = 120, **fields) -> Goal:
    """An active goal made by the cast's leader (owner: the leader; deputy: the first staff member)."""
    owner = owner or cast.leader
    deputy = deputy if deputy is not None else cast.staff[0]
    changes = {"title": title, "areas": list(areas), "owner_id": owner.id,
               "deputy_id": deputy.id if deputy else None,
               "due_on": clock.today() + dt.timedelta(days=due_in_days) if due_in_days is not None else None,
               **fields}
    goal = goal_service.create_goal(cast.leader, cast.org, changes)
    db.session.commit()
    return goal


def add_task(cast, goal: Goal, title: str = "Avtal møte med NAV-kontoret", *, assignee=None,
             due_in_days: int | None = 14, **fields) -> Task:
    assignee = assignee or cast.staff[0]
    changes = {"title": title, "assignee_id": assignee.id,
               "due_on": clock.today() + dt.timedelta(days=due_in_days) if due_in_days is not None else None,
               **fields}
    task = task_service.create_task(cast.leader, goal, changes)
    db.session.commit()
    return task
