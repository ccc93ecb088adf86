"""The plan page, a goal's page with its timeline, the goal list, the organisation dashboard and the
plan's exports cost the same number of SQL statements for a small plan and for six goals, 200 tasks
and three years of fortnightly updates (the data builder is ``bench/plan_data.py``, shared with
``python -m bench.plan``)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from bench.plan_data import populate_plan
from seqf.extensions import db
from seqf.models import Goal

PATHS = ["/organisations/{org}/plan", "/goals/{goal}", "/api/v1/organisations/{org}/goals",
         "/organisations/{org}/", "/organisations/{org}/plan.pdf", "/organisations/{org}/plan.xlsx",
         "/api/v1/organisations/{org}/plan.xlsx"]


@contextmanager
def counting():
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


@pytest.fixture
def plans(app, make_org, make_user):
    with app.test_request_context():
        result = {}
        for size, (goals, tasks, years) in {"small": (2, 5, 1), "large": (6, 200, 3)}.items():
            org = make_org(name=f"Plan {size} AS")
            leader = make_user(org=org, member_role="leader", name=f"Leder {size}")
            people = [leader] + [make_user(org=org, member_role="staff", name=f"Medarbeider {size} {n}")
                                 for n in range(4)]
            counts = populate_plan(org, people, goals=goals, tasks=tasks, years=years)
            db.session.commit()
            result[size] = (org.id, leader, counts)
        return result


def _count(client, api, path: str, user) -> int:
    if path.startswith("/api/"):
        token = api.token(user)
        with counting() as statements:
            response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    else:
        with counting() as statements:
            response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_statement_counts_do_not_grow_with_the_plan(client, auth, api, plans):
    assert plans["large"][2] == {"goals": 6, "tasks": 200, "updates": 6 * 78}
    counts = {}
    for size, (org_id, leader, _counts) in plans.items():
        auth.login(leader)
        goal = db.session.scalar(sa.select(sa.func.min(Goal.id)).where(Goal.organisation_id == org_id))
        for path in PATHS:
            url = path.format(org=org_id, goal=goal)
            _count(client, api, url, leader)  # warm up (caches of the instrument and translations)
            counts[(size, path)] = _count(client, api, url, leader)
        auth.logout()
    differ = {path: (counts[("small", path)], counts[("large", path)]) for path in PATHS
              if counts[("small", path)] != counts[("large", path)]}
    assert differ == {}
