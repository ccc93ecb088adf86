"""The plan page and a goal's page read what they show in a fixed, small number of statements (issue 9):
the plan page takes owner and deputy with the goals and no list of the organisation's members; the goal
page takes the organisation and the recommendations with the goal and reads the evidence links once.
Counts include the log-in session's own statement."""

from __future__ import annotations

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Goal
from tests.web.test_plan_queries import _count, plans  # noqa: F401  (the fixture)


def test_plan_and_goal_pages_statement_ceilings(client, auth, api, plans):  # noqa: F811
    org_id, leader, _counts = plans["large"]
    auth.login(leader)
    goal = db.session.scalar(sa.select(sa.func.min(Goal.id)).where(Goal.organisation_id == org_id))
    counts = {}
    for path in (f"/organisations/{org_id}/plan", f"/goals/{goal}"):
        _count(client, api, path, leader)  # warm up
        counts[path] = _count(client, api, path, leader)
    assert counts[f"/organisations/{org_id}/plan"] <= 6, counts
    assert counts[f"/goals/{goal}"] <= 7, counts
