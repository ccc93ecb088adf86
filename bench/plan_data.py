"""An organisation's action plan at the size of a long-lived service, shared by ``bench.plan`` and
``tests/web/test_plan_queries.py``: six active goals, ``tasks`` tasks spread over them (about a third
done, some overdue, the rest coming up) and a progress update per goal every fortnight for ``years``
years. Bulk-inserted with SQLAlchemy core (the rules are the services'; this is only volume).
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import Goal, GoalHealth, GoalState, GoalUpdate, Organisation, Task, TaskState, User

SEED = 20261201
TITLES = ["Bedre samarbeid med NAV", "Flere jobbstarter", "Systematisk oppfølging av arbeidsgivere",
          "Rutiner for karriereplanlegging", "Kompetanse i teamet", "Brukermedvirkning i tiltaket",
          "Målrettet jobbsøk", "Dokumentasjon av resultater"]
HEALTH = [GoalHealth.on_track, GoalHealth.on_track, GoalHealth.at_risk, GoalHealth.off_track]


def _insert(model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    table = model.__table__
    result = db.session.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def populate_plan(organisation: Organisation, people: list[User], *, goals: int = 6, tasks: int = 200,
                  years: int = 3, seed: int = SEED) -> dict[str, int]:
    """Add the plan to ``organisation`` (``people``: at least two members); flushes, does not commit."""
    rng = random.Random(seed)
    today, now = clock.today(), clock.now()
    start = now - dt.timedelta(days=365 * years)
    goal_rows = []
    for n in range(goals):
        owner, deputy = rng.sample(people, 2)
        goal_rows.append({
            "organisation_id": organisation.id, "title": TITLES[n % len(TITLES)] + ("" if n < len(TITLES) else f" {n}"),
            "description": "Beskrivelse av målet med **Markdown**.", "areas": [str(1 + n % 9)],
            "owner_id": owner.id, "deputy_id": deputy.id, "state": GoalState.active,
            "health": rng.choice(HEALTH), "state_reason": "", "version": 1, "created_at": start,
            "updated_at": now, "due_on": today + dt.timedelta(days=rng.randint(-30, 365)),
            "created_by_id": owner.id,
        })
    goal_ids = _insert(Goal, goal_rows)
    task_rows = []
    for n in range(tasks):
        due = today + dt.timedelta(days=rng.randint(-400, 120))
        done = due < today and rng.random() < 0.8 or rng.random() < 0.1
        if n < 2:  # every plan has overdue tasks, whatever its size (the tests compare like with like)
            due, done = today - dt.timedelta(days=3 * (n + 1)), False
        task_rows.append({
            "goal_id": goal_ids[n % len(goal_ids)], "organisation_id": organisation.id,
            "title": f"Oppgave {n + 1}", "note": "", "assignee_id": rng.choice(people).id, "due_on": due,
            "state": TaskState.done if done else TaskState.open,
            "done_at": (dt.datetime.combine(min(due, today), dt.time(12), tzinfo=dt.UTC) if done else None),
            "done_by_id": people[0].id if done else None, "version": 1, "created_at": start, "updated_at": now,
            "created_by_id": people[0].id,
        })
    _insert(Task, task_rows)
    update_rows = []
    fortnights = years * 26
    for goal_id in goal_ids:
        for k in range(fortnights):
            update_rows.append({
                "goal_id": goal_id, "health": rng.choice(HEALTH), "note": f"Status etter møte {k + 1}.",
                "author_id": rng.choice(people).id, "created_at": start + dt.timedelta(days=14 * k),
            })
    _insert(GoalUpdate, update_rows)
    last = start + dt.timedelta(days=14 * (fortnights - 1))
    db.session.execute(sa.update(Goal).where(Goal.id.in_(goal_ids)).values(last_update_at=last))
    db.session.flush()
    return {"goals": len(goal_ids), "tasks": len(task_rows), "updates": len(update_rows)}
