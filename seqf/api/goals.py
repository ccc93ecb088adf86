"""API: the action plan's goals, their tasks and progress updates, and "my tasks" (API.md "Action plan").

Every member of the organisation reads the plan; leaders and org admins create goals (others 403);
the goal's owner and deputy edit it, the assignee ticks a task off (workflows/goal.yaml, task.yaml).
A goal or task the caller may not read answers 404, as if it did not exist. Saves name the
``version`` they were based on; an older one is 409 ``stale_version`` with the current version in
``error.fields.version``. A seventh active goal is 422 ``goal_limit``.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from seqf.api import goal_schemas as s
from seqf.api.core import ApiError, Query, current_api_user, iso, operation
from seqf.extensions import db
from seqf.models import Goal, GoalState, GoalUpdate, Task
from seqf.services import goal_summary, goal_updates, plan_guards, tasks
from seqf.services import goals as goal_service

GOAL_FIELDS = ("title", "description", "areas", "owner_id", "deputy_id", "due_on", "recommendation_ids")
TASK_FIELDS = ("title", "assignee_id", "due_on", "note")


def goals_out(goals: list[Goal]) -> list[dict]:
    counts = goal_summary.task_counts(g.id for g in goals)
    acting = goal_summary.acting_owner_ids(goals)
    return [{
        "id": g.id, "organisation_id": g.organisation_id, "title": g.title, "description": g.description,
        "areas": list(g.areas or []), "owner_id": g.owner_id, "deputy_id": g.deputy_id,
        "acting_owner_id": acting[g.id], "due_on": g.due_on.isoformat() if g.due_on else None,
        "state": g.state.value, "state_reason": g.state_reason or "", "health": g.health.value,
        "last_update_at": iso(g.last_update_at), "version": g.version,
        "recommendation_ids": sorted(r.id for r in g.recommendations),
        "open_tasks": counts[g.id].open, "overdue_tasks": counts[g.id].overdue, "created_at": iso(g.created_at),
    } for g in goals]


def goal_out(goal: Goal) -> dict:
    return goals_out([goal])[0]


def task_out(task: Task) -> dict:
    return {"id": task.id, "goal_id": task.goal_id, "organisation_id": task.organisation_id, "title": task.title,
            "note": task.note or "", "assignee_id": task.assignee_id,
            "due_on": task.due_on.isoformat() if task.due_on else None, "state": task.state.value,
            "overdue": tasks.is_overdue(task), "done_at": iso(task.done_at), "version": task.version,
            "meeting_id": task.meeting_id}


def update_out(update: GoalUpdate) -> dict:
    return {"id": update.id, "goal_id": update.goal_id, "health": update.health.value, "note": update.note or "",
            "meeting_id": update.meeting_id, "author_id": update.author_id, "created_at": iso(update.created_at)}


def _given(body, names) -> dict:
    return {name: getattr(body, name) for name in names if name in body.model_fields_set}


def _reject_nulls(changes: dict, names: tuple[str, ...]) -> None:
    """``null`` clears only what may be empty; for the others it is a 422 naming the field."""
    bad = {name: _("This field cannot be empty.") for name in names if name in changes and changes[name] is None}
    if bad:
        raise ApiError(422, "validation_failed", _("Some fields are missing or invalid."), bad)


@operation("/organisations/<int:org>/goals", "POST", tag="plan", body=s.GoalCreateIn, response=s.GoalOut,
           status=201, errors=(403, 404, 422),
           summary="Add a goal to the action plan (leaders, org admins); a 7th active goal is 422 goal_limit")
def goal_create(org: int, body: s.GoalCreateIn):
    user = current_api_user()
    organisation = plan_guards.organisation_plan_or_404(org, user)
    goal = goal_service.create_goal(user, organisation, body.model_dump())
    db.session.commit()
    return goal_out(goal)


@operation("/organisations/<int:org>/goals", tag="plan", response=list[s.GoalOut], errors=(404,),
           query={"state": Query.choice("only goals in this state", "active", "paused", "achieved", "dropped")},
           summary="The organisation's goals: active first, then paused, achieved and dropped (members)")
def goal_list(org: int):
    plan_guards.organisation_plan_or_404(org, current_api_user())
    wanted = request.args.get("state")
    if wanted:
        try:
            states = (GoalState(wanted),)
        except ValueError:
            raise ApiError(422, "validation_failed", _("Some fields are missing or invalid."),
                           {"state": "active | paused | achieved | dropped"}) from None
    else:
        states = (GoalState.active, GoalState.paused, GoalState.achieved, GoalState.dropped)
    order = {state: i for i, state in enumerate(states)}
    found = sorted(goal_service.goals_of(org, states), key=lambda g: order[g.state])
    return goals_out(found)


@operation("/goals/<int:goal_id>", tag="plan", response=s.GoalOut, errors=(404,),
           summary="One goal with its acting owner and task counts (members)")
def goal_get(goal_id: int):
    return goal_out(plan_guards.goal_or_404(goal_id, current_api_user()))


@operation("/goals/<int:goal_id>", "PATCH", tag="plan", body=s.GoalPatchIn, response=s.GoalOut,
           errors=(403, 404, 409, 422),
           summary="Change a goal and/or its state (version required; a stale version is 409)")
def goal_patch(goal_id: int, body: s.GoalPatchIn):
    user = current_api_user()
    goal = plan_guards.goal_or_404(goal_id, user)
    changes = _given(body, GOAL_FIELDS)
    _reject_nulls(changes, ("title", "description", "areas", "owner_id", "recommendation_ids"))
    version = body.version
    if changes:
        goal_service.edit_goal(user, goal, version, changes)
        version = goal.version
    transition = goal_service.transition_to(goal, body.state) if body.state else None
    if transition:
        goal_service.change_state(user, goal, transition, version, body.reason)
    elif not changes and version != goal.version:
        raise goal_service.StaleGoal(goal)
    db.session.commit()
    return goal_out(goal)


@operation("/goals/<int:goal_id>/tasks", "POST", tag="plan", body=s.GoalTaskIn, response=s.GoalTaskOut,
           status=201, errors=(403, 404, 422),
           summary="Add a task under a goal (its owner, deputy, the leaders)")
def goal_task_create(goal_id: int, body: s.GoalTaskIn):
    user = current_api_user()
    goal = plan_guards.goal_or_404(goal_id, user)
    task = tasks.create_task(user, goal, body.model_dump())
    db.session.commit()
    return task_out(task)


@operation("/goals/<int:goal_id>/tasks", tag="plan", response=list[s.GoalTaskOut], errors=(404,),
           summary="A goal's tasks, by due date (members)")
def goal_task_list(goal_id: int):
    goal = plan_guards.goal_or_404(goal_id, current_api_user())
    return [task_out(t) for t in goal.tasks]


@operation("/tasks/<int:task_id>", "PATCH", tag="plan", body=s.GoalTaskPatchIn, response=s.GoalTaskOut,
           errors=(403, 404, 409, 422),
           summary="Tick a task off or reopen it, or change it (version required; a stale version is 409)")
def goal_task_patch(task_id: int, body: s.GoalTaskPatchIn):
    user = current_api_user()
    task = plan_guards.task_or_404(task_id, user)
    changes = _given(body, TASK_FIELDS)
    _reject_nulls(changes, ("title", "assignee_id", "note"))
    version = body.version
    if changes:
        tasks.edit_task(user, task, version, changes)
        version = task.version
    if body.state:
        tasks.set_state(user, task, body.state, version)
    elif not changes and version != task.version:
        raise tasks.StaleTask(task)
    db.session.commit()
    return task_out(task)


@operation("/goals/<int:goal_id>/updates", "POST", tag="plan", body=s.GoalUpdateIn, response=s.GoalUpdateOut,
           status=201, errors=(403, 404, 422),
           summary="Record a progress update on a goal: health and a short note, optionally in a meeting")
def goal_update_create(goal_id: int, body: s.GoalUpdateIn):
    user = current_api_user()
    goal = plan_guards.goal_or_404(goal_id, user)
    update = goal_updates.add_update(user, goal, body.health, body.note, meeting_id=body.meeting_id)
    db.session.commit()
    return update_out(update)


@operation("/goals/<int:goal_id>/updates", tag="plan", response=list[s.GoalUpdateOut], errors=(404,),
           summary="A goal's progress updates, newest first (members)")
def goal_update_list(goal_id: int):
    goal = plan_guards.goal_or_404(goal_id, current_api_user())
    rows = db.session.scalars(sa.select(GoalUpdate).where(GoalUpdate.goal_id == goal.id)
                              .order_by(GoalUpdate.created_at.desc(), GoalUpdate.id.desc()).limit(1000))
    return [update_out(u) for u in rows]


@operation("/me/tasks", tag="plan", response=list[s.GoalTaskOut],
           summary="My open tasks across organisations, by due date")
def goal_my_tasks():
    return [task_out(t) for t in tasks.open_tasks_for(current_api_user())]
