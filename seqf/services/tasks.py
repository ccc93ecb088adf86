"""Tasks under a goal: delegate (title, assignee, due date, note), tick off, reopen.

The assignee is a member of the goal's organisation. Edits name the ``version`` they were based on
(409 ``stale_version`` otherwise, carrying the stored task). Ticking off is one tap for the
assignee: ``set_state`` with the version the page or the app last saw; two taps from two devices
give one change and one 409 that the page treats as "already done".
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import clock, plan_rules, workflow
from seqf.extensions import db
from seqf.models import Goal, GoalState, Task, TaskState, User
from seqf.services import audit, locks
from seqf.services.errors import Conflict, RuleViolation
from seqf.services.goals import Problems, member_ids, parse_date

TITLE_MAX = 200
NOTE_MAX = 5_000
EDITABLE = ("title", "assignee_id", "due_on", "note")


class StaleTask(Conflict):
    code = "stale_version"

    def __init__(self, task: Task):
        super().__init__(_("Someone else changed this task after you opened it (now version %(v)d). Compare both "
                           "versions and save again to keep yours.", v=task.version),
                         fields={"version": str(task.version)})
        self.current = task_values(task)
        self.current_version = task.version


def task_values(task: Task) -> dict[str, Any]:
    return {"title": task.title, "assignee_id": task.assignee_id,
            "due_on": task.due_on.isoformat() if task.due_on else None, "note": task.note,
            "state": task.state.value}


def _clean(organisation_id: int, changes: dict[str, Any], problems: Problems) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in changes:
        title = " ".join(str(changes["title"] or "").split())
        if not title:
            problems.add("title", _("Give the task a title."))
        elif len(title) > TITLE_MAX:
            problems.add("title", _("The title can be at most %(n)d characters.", n=TITLE_MAX))
        clean["title"] = title
    if "assignee_id" in changes:
        assignee = changes["assignee_id"]
        if assignee is None:
            problems.add("assignee_id", _("Choose who does the task."))
        elif assignee not in member_ids(organisation_id):
            problems.add("assignee_id", _("The task must go to a member of the organisation."), code="not_a_member")
        clean["assignee_id"] = assignee
    if "due_on" in changes:
        try:
            clean["due_on"] = parse_date(changes["due_on"])
        except RuleViolation as error:
            problems.add("due_on", error.fields.get("due_on", error.message), code="invalid_date")
    if "note" in changes:
        note = str(changes["note"] or "").strip()
        if len(note) > NOTE_MAX:
            problems.add("note", _("The note can be at most %(n)d characters.", n=NOTE_MAX))
        clean["note"] = note
    return clean


def create_task(actor: User, goal: Goal, changes: dict[str, Any], meeting_id: int | None = None) -> Task:
    """A new open task under ``goal`` (its owner, deputy or the leaders; also from a meeting)."""
    locks.lock(goal)
    workflow.check_action("goal", goal, "add_task", actor)
    problems = Problems()
    clean = _clean(goal.organisation_id, {"title": None, "assignee_id": None, "due_on": None, "note": "", **changes},
                   problems)
    problems.raise_if_any()
    task = Task(goal=goal, organisation_id=goal.organisation_id, created_by_id=actor.id, meeting_id=meeting_id,
                state=TaskState.open, **clean)
    db.session.add(task)
    db.session.flush()
    audit.record(actor, "task.created", task, f"Task {task.id} “{task.title}” added to goal {goal.id}",
                 goal.organisation_id, data={"title": task.title, "goal_id": goal.id, "task_id": task.id})
    return task


def edit_task(actor: User, task: Task, version: int | None, changes: dict[str, Any]) -> list[str]:
    locks.lock(task)
    only_note = set(changes) <= {"note"}
    workflow.check_action("task", task, "edit_note" if only_note else "edit", actor)
    if version is None or version != task.version:
        raise StaleTask(task)
    problems = Problems()
    clean = _clean(task.organisation_id, {k: v for k, v in changes.items() if k in EDITABLE}, problems)
    problems.raise_if_any()
    changed = [k for k, v in clean.items() if getattr(task, k) != v]
    for key in changed:
        setattr(task, key, clean[key])
    if changed:
        task.version += 1
        audit.record(actor, "task.edited", task, f"Task {task.id} changed: {', '.join(changed)}",
                     task.organisation_id, data={"title": task.title, "changed": changed, "goal_id": task.goal_id,
                                                  "task_id": task.id})
    return changed


def set_state(actor: User, task: Task, state: str, version: int | None) -> bool:
    """``done`` or ``open``. Returns False when the task already is in that state (nothing changes)."""
    if state not in {s.value for s in TaskState}:
        raise RuleViolation(_("The state must be open or done."), fields={"state": _("open or done")},
                            code="invalid_state")
    locks.lock(task)
    if version is not None and version != task.version:
        raise StaleTask(task)
    if task.state.value == state:
        return False
    if task.goal.state not in (GoalState.active, GoalState.paused) and state == "open":
        raise Conflict(_("The goal is closed; its tasks cannot be reopened."), code="wrong_state")
    workflow.apply_transition("task", task, "complete" if state == "done" else "reopen", actor)
    task.done_at = clock.now() if state == "done" else None
    task.done_by_id = actor.id if state == "done" else None
    task.version += 1
    audit.record(actor, "task.done" if state == "done" else "task.reopened", task,
                 f"Task {task.id} “{task.title}” {state}", task.organisation_id,
                 data={"title": task.title, "goal_id": task.goal_id, "task_id": task.id})
    return True


def open_tasks_for(user: User) -> list[Task]:
    """"My tasks": the caller's open tasks across organisations, overdue first then by due date."""
    return list(db.session.scalars(_open_tasks_query(), {"user_id": user.id}))


@functools.cache
def _open_tasks_query() -> sa.Select:
    """Built once with the caller as a parameter: the dashboard asks it on every visit."""
    return (sa.select(Task).join(Goal, Goal.id == Task.goal_id)
            .where(Task.assignee_id == sa.bindparam("user_id"), Task.state == TaskState.open,
                   Goal.state.in_((GoalState.active, GoalState.paused)))
            # the row shows the goal's title: take it from the join, not one lazy load (and one load
            # of its recommendations) per goal
            .options(so.contains_eager(Task.goal).lazyload(Goal.recommendations))
            .order_by(Task.due_on.is_(None), Task.due_on, Task.id))


def is_overdue(task: Task) -> bool:
    return plan_rules.task_is_overdue(task.due_on, task.state == TaskState.done, clock.today())
