"""A world for the action-plan access matrix: the review world (one organisation with a member per
role, the network roles, another organisation) plus a goal owned by the leader with the staff
member as deputy, a task for the staff member, the leader meeting series with one meeting opened,
and an absence of the staff member — all made through the services."""

from __future__ import annotations

import datetime as dt

from seqf import clock
from seqf.extensions import db
from seqf.services import absences, goals, meetings, tasks
from tests.web.review_world import review_world


def plan_world(make_org, make_user) -> dict:
    world = review_world(make_org, make_user)
    users = world["users"]
    leader, staff = users["leader"], users["staff"]
    from seqf.models import Organisation

    org = db.session.get(Organisation, world["a"])
    today = clock.today()
    goal = goals.create_goal(leader, org, {"title": "Felles sjekkliste", "areas": ["5"], "owner_id": leader.id,
                                           "deputy_id": staff.id, "due_on": today + dt.timedelta(days=60)})
    task = tasks.create_task(leader, goal, {"title": "Lag utkast", "assignee_id": staff.id,
                                            "due_on": today + dt.timedelta(days=7)})
    series = meetings.create_series(leader, org, {"title": "Ledermøte", "interval_days": 14, "first_on": today,
                                                  "participant_ids": [leader.id]})
    meeting, _created = meetings.open_meeting(leader, series, today)
    absence = absences.record_absence(staff, staff, today + dt.timedelta(days=30), today + dt.timedelta(days=40))
    db.session.commit()
    return {**world, "g": goal.id, "t": task.id, "s": series.id, "m": meeting.id, "ab": absence.id,
            "day": today.isoformat()}
