"""Action-plan goals: create, edit (versioned), and move between active, paused, achieved, dropped.

The rules (``seqf.plan_rules``): at most six goals are active at a time — a seventh is refused with
``goal_limit`` (422), checked under a lock on the organisation's row so two leaders adding goal
six and seven at the same moment cannot both succeed; the owner and the deputy are members, and
not the same person; linked areas are the organisation's (own areas included); linked
recommendations come from the organisation's published reports. Every problem is reported at once
(``RuleViolation`` with ``fields``) and a refused save changes nothing.

Saves name the ``version`` they were based on; an older one is refused with ``StaleGoal`` (409),
which carries the stored values so the page can show both versions and keep what was typed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import clock, plan_rules, workflow
from seqf.extensions import db
from seqf.models import Goal, GoalState, Membership, Organisation, Recommendation, User
from seqf.services import audit, locks
from seqf.services import instruments as instrument_service
from seqf.services.errors import Conflict, RuleViolation

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
REASON_MAX = 2_000
MAX_AREAS = 20
MAX_RECOMMENDATIONS = 50
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
# what a PATCH may change, in the order the audit names them
EDITABLE = ("title", "description", "areas", "owner_id", "deputy_id", "due_on", "recommendation_ids")


class StaleGoal(Conflict):
    """The save was based on an older version (409); ``current`` is the stored goal for comparison."""

    code = "stale_version"

    def __init__(self, goal: Goal):
        super().__init__(_("Someone else changed this goal after you opened it (now version %(v)d). Compare "
                           "both versions below and save again to keep yours.", v=goal.version),
                         fields={"version": str(goal.version)})
        self.current = goal_values(goal)
        self.current_version = goal.version


@dataclass
class Problems:
    """Collects every problem so one answer names them all."""

    fields: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    code: str = "validation_failed"

    def add(self, name: str, message: str, code: str | None = None) -> None:
        self.fields[name] = message
        self.messages.append(message)
        if code and self.code == "validation_failed":
            self.code = code

    def raise_if_any(self) -> None:
        if self.fields:
            raise RuleViolation(" ".join(self.messages), fields=self.fields, code=self.code)


def parse_date(value: Any, name: str = "due_on") -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → date; empty → None; anything else → 422 naming the field."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(_("Write the date as YYYY-MM-DD, e.g. 2027-03-31."),
                                fields={name: _("Write the date as YYYY-MM-DD.")}, code="invalid_date") from None
    if not EARLIEST <= day <= LATEST:
        raise RuleViolation(_("The date must be between %(a)s and %(b)s.", a=EARLIEST.isoformat(),
                              b=LATEST.isoformat()), fields={name: _("Out of range.")}, code="invalid_date")
    return day


def member_ids(organisation_id: int) -> set[int]:
    """Ids of the organisation's active members (any role): who may own, deputise or be assigned."""
    return set(db.session.scalars(
        sa.select(Membership.user_id).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True))))


def members(organisation_id: int) -> list[User]:
    """The active members by name (for owner, deputy and assignee choices)."""
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True))
        .options(so.lazyload(User.role_grants))  # names for pickers: their platform roles are not needed
        .order_by(User.name, User.id)))


def active_count(organisation_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Goal).where(
        Goal.organisation_id == organisation_id, Goal.state == GoalState.active)) or 0


def limit_message() -> str:
    return _("The plan already has %(n)d active goals. SEQF works with five or six goals at a time, so the plan "
             "stays doable: mark a goal as achieved, pause it or drop it before you add a new one.",
             n=plan_rules.GOAL_LIMIT)


def _check_limit(organisation_id: int) -> None:
    if not plan_rules.may_add_goal(active_count(organisation_id)):
        raise RuleViolation(limit_message(), code="goal_limit",
                            fields={"state": _("At most %(n)d active goals.", n=plan_rules.GOAL_LIMIT)})


def goal_values(goal: Goal) -> dict[str, Any]:
    """The editable fields as plain values (for the stale-version comparison and the audit)."""
    return {
        "title": goal.title, "description": goal.description, "areas": list(goal.areas or []),
        "owner_id": goal.owner_id, "deputy_id": goal.deputy_id,
        "due_on": goal.due_on.isoformat() if goal.due_on else None,
        "recommendation_ids": sorted(r.id for r in goal.recommendations),
    }


def _clean(organisation: Organisation, changes: dict[str, Any], problems: Problems,
           current: Goal | None = None) -> dict[str, Any]:
    """Validate the given fields (all of them for a new goal); returns the cleaned values."""
    clean: dict[str, Any] = {}
    if "title" in changes:
        title = " ".join(str(changes["title"] or "").split())
        if not title:
            problems.add("title", _("Give the goal a title."))
        elif len(title) > TITLE_MAX:
            problems.add("title", _("The title can be at most %(n)d characters.", n=TITLE_MAX))
        clean["title"] = title
    if "description" in changes:
        description = str(changes["description"] or "").strip()
        if len(description) > DESCRIPTION_MAX:
            problems.add("description", _("The description can be at most %(n)d characters.", n=DESCRIPTION_MAX))
        clean["description"] = description
    if "areas" in changes:
        areas = [str(a).strip() for a in (changes["areas"] or []) if str(a).strip()]
        known = instrument_service.area_codes_for(organisation.id)
        unknown = [a for a in areas if a not in known]
        if unknown:
            problems.add("areas", _("Unknown area: %(codes)s.", codes=", ".join(unknown[:5])))
        elif len(areas) > MAX_AREAS:
            problems.add("areas", _("At most %(n)d areas.", n=MAX_AREAS))
        clean["areas"] = sorted(set(areas), key=_area_order)
    the_members = member_ids(organisation.id) if {"owner_id", "deputy_id"} & changes.keys() else set()
    owner_id = changes.get("owner_id", current.owner_id if current else None)
    deputy_id = changes.get("deputy_id", current.deputy_id if current else None)
    if "owner_id" in changes:
        if owner_id is None:
            problems.add("owner_id", _("Choose who owns the goal."))
        elif owner_id not in the_members:
            problems.add("owner_id", _("The owner must be a member of the organisation."), code="not_a_member")
        clean["owner_id"] = owner_id
    if "deputy_id" in changes:
        if deputy_id is not None and deputy_id not in the_members:
            problems.add("deputy_id", _("The deputy must be a member of the organisation."), code="not_a_member")
        clean["deputy_id"] = deputy_id
    if owner_id is not None and not plan_rules.owner_and_deputy_valid(owner_id, deputy_id):
        problems.add("deputy_id", _("The deputy must be someone other than the owner."), code="deputy_is_owner")
    if "due_on" in changes:
        try:
            clean["due_on"] = parse_date(changes["due_on"])
        except RuleViolation as error:
            problems.add("due_on", error.fields.get("due_on", error.message), code="invalid_date")
    if "recommendation_ids" in changes:
        ids = sorted({int(i) for i in (changes["recommendation_ids"] or [])})
        if len(ids) > MAX_RECOMMENDATIONS:
            problems.add("recommendation_ids", _("At most %(n)d recommendations.", n=MAX_RECOMMENDATIONS))
            ids = []
        found = list(db.session.scalars(sa.select(Recommendation).where(
            Recommendation.id.in_(ids), Recommendation.organisation_id == organisation.id))) if ids else []
        if len(found) != len(ids):
            problems.add("recommendation_ids", _("Unknown recommendation: link only recommendations from this "
                                                 "organisation's published reports."))
        clean["recommendations"] = found
    return clean


def _area_order(code: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (10_000, code)


def _apply(goal: Goal, clean: dict[str, Any]) -> list[str]:
    changed = []
    for key, value in clean.items():
        if key == "recommendations":
            if sorted(r.id for r in goal.recommendations) != sorted(r.id for r in value):
                goal.recommendations = value
                changed.append("recommendation_ids")
        elif getattr(goal, key) != value:
            setattr(goal, key, value)
            changed.append(key)
    return changed


def create_goal(actor: User, organisation: Organisation, changes: dict[str, Any]) -> Goal:
    """A new active goal (leaders and org admins). ``changes`` holds the fields of ``EDITABLE``."""
    from seqf.services.plan_guards import require_plan_lead

    require_plan_lead(organisation.id, actor)
    problems = Problems()
    fields = {"title": None, "description": "", "areas": [], "owner_id": None, "deputy_id": None,
              "due_on": None, "recommendation_ids": [], **changes}
    clean = _clean(organisation, fields, problems)
    problems.raise_if_any()
    locks.lock(organisation)  # the count below and the insert happen under the organisation's lock
    _check_limit(organisation.id)
    goal = Goal(organisation_id=organisation.id, state=GoalState.active, created_by_id=actor.id, title=clean["title"])
    db.session.add(goal)
    _apply(goal, clean)
    db.session.flush()
    audit.record(actor, "goal.created", goal, f"Goal {goal.id} “{goal.title}” added", organisation.id,
                 data={"title": goal.title, "goal_id": goal.id})
    return goal


def edit_goal(actor: User, goal: Goal, version: int | None, changes: dict[str, Any]) -> list[str]:
    """Change fields of ``EDITABLE`` (owner, deputy, leaders). Returns the names of changed fields."""
    locks.lock(goal)
    workflow.check_action("goal", goal, "edit", actor)
    if version is None or version != goal.version:
        raise StaleGoal(goal)
    problems = Problems()
    clean = _clean(goal.organisation, {k: v for k, v in changes.items() if k in EDITABLE}, problems, goal)
    problems.raise_if_any()
    changed = _apply(goal, clean)
    if changed:
        goal.version += 1
        audit.record(actor, "goal.edited", goal, f"Goal {goal.id} changed: {', '.join(changed)}",
                     goal.organisation_id, data={"title": goal.title, "changed": changed, "goal_id": goal.id,
                                                  "version": goal.version})
    return changed


TRANSITIONS = {"achieve": GoalState.achieved, "drop": GoalState.dropped, "pause": GoalState.paused,
               "resume": GoalState.active, "reopen": GoalState.active}


def change_state(actor: User, goal: Goal, transition: str, version: int | None, reason: str = "") -> None:
    """Achieve, drop (a reason is required), pause, resume or reopen; becoming active again needs a place."""
    if transition not in TRANSITIONS:
        raise RuleViolation(_("Unknown state change."), fields={"state": transition}, code="invalid_state")
    locks.lock(goal.organisation)
    locks.lock(goal)
    if version is not None and version != goal.version:
        raise StaleGoal(goal)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise RuleViolation(_("The reason can be at most %(n)d characters.", n=REASON_MAX),
                            fields={"reason": _("At most %(n)d characters.", n=REASON_MAX)})
    if transition == "drop" and not reason:
        raise RuleViolation(_("Say why the goal is dropped."), fields={"reason": _("A reason is required.")},
                            code="reason_required")
    if TRANSITIONS[transition] == GoalState.active and goal.state != GoalState.active:
        if workflow.allowed("goal", goal, transition, actor):
            _check_limit(goal.organisation_id)
    workflow.apply_transition("goal", goal, transition, actor)
    goal.state_reason = reason
    goal.closed_on = clock.today() if goal.state in (GoalState.achieved, GoalState.dropped) else None
    goal.version += 1
    audit.record(actor, "goal.state_changed", goal, f"Goal {goal.id} “{goal.title}” is now {goal.state.value}",
                 goal.organisation_id, data={"title": goal.title, "goal_id": goal.id, "state": goal.state.value,
                                             "reason": reason[:200]})


def transition_to(goal: Goal, state: str) -> str | None:
    """The transition that leads ``goal`` to an API ``state`` value (``achieved`` → ``achieve``);
    None when ``state`` is its current state or no state at all."""
    if state == goal.state.value:
        return None
    if state == "active":
        return "resume" if goal.state == GoalState.paused else "reopen"
    return {"achieved": "achieve", "dropped": "drop", "paused": "pause"}.get(state, state)


def goals_of(organisation_id: int, states: tuple[GoalState, ...] = (GoalState.active,), *,
             with_recommendations: bool = True) -> list[Goal]:
    """The goals in ``states``, oldest first, with owner and deputy joined in the same statement (one
    query whatever the count, plus one for the linked recommendations unless the caller does not show
    them — the plan page does not)."""
    return list(db.session.scalars(_goals_query(tuple(states), with_recommendations),
                                   {"organisation_id": organisation_id}))


@functools.cache
def _goals_query(states: tuple[GoalState, ...], with_recommendations: bool) -> sa.Select:
    """``goals_of``' statement, built once per shape with the organisation as a parameter."""
    query = sa.select(Goal).where(
        Goal.organisation_id == sa.bindparam("organisation_id"), Goal.state.in_(states)) \
        .order_by(Goal.created_at, Goal.id) \
        .options(so.joinedload(Goal.owner).lazyload("*"), so.joinedload(Goal.deputy).lazyload("*"))
    return query if with_recommendations else query.options(so.lazyload(Goal.recommendations))
