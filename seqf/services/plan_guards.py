"""Who someone is on the action plan (role resolvers for workflows/goal.yaml, task.yaml and
meeting.yaml), and loading goals, tasks, series and meetings with the rule every page and endpoint
shares.

Every member of the organisation reads the plan (viewers included); network coordinators and
admins read it too (they oversee certificates and the plan's health), but only members change it.
Someone who may not read an organisation's plan does not learn that a goal or meeting exists: 404.
Roles: ``leader`` and ``org_admin`` (membership), ``owner`` / ``deputy`` of a goal, ``assignee``
of a task, ``participant`` of a meeting series, and ``member`` for any membership.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import permissions
from seqf.extensions import db
from seqf.models import Goal, Meeting, MeetingSeries, MemberRole, Organisation, Task, User
from seqf.services.errors import Forbidden, NotFound
from seqf.workflow import role_resolver

LEADER_ROLES = {"leader", "org_admin"}
LEADING = {MemberRole.leader, MemberRole.org_admin}


def _membership_roles(user: User, organisation_id: int) -> set[str]:
    role = permissions.member_role(user, organisation_id)
    return {role.value, "member"} if role is not None else set()


def can_read_plan(user: User, organisation_id: int) -> bool:
    return permissions.oversees_network(user) or permissions.member_role(user, organisation_id) is not None


def can_lead_plan(user: User, organisation_id: int) -> bool:
    """Create goals and meeting series, see stale-goal alerts: the organisation's leaders and org admins."""
    return permissions.member_role(user, organisation_id) in LEADING


@role_resolver("goal")
def goal_roles(goal: Goal, user: User) -> set[str]:
    roles = _membership_roles(user, goal.organisation_id)
    if not roles:
        return roles
    if goal.owner_id == user.id:
        roles.add("owner")
    if goal.deputy_id is not None and goal.deputy_id == user.id:
        roles.add("deputy")
    return roles


@role_resolver("task")
def task_roles(task: Task, user: User) -> set[str]:
    roles = goal_roles(task.goal, user)
    if roles and task.assignee_id == user.id:
        roles.add("assignee")
    return roles


@role_resolver("meeting")
def meeting_roles(meeting: Meeting, user: User) -> set[str]:
    roles = _membership_roles(user, meeting.organisation_id)
    if roles and any(p.id == user.id for p in meeting.series.participants):
        roles.add("participant")
    return roles


def organisation_plan_or_404(organisation_id: int, user: User) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_read_plan(user, organisation_id):
        raise NotFound(_("No such organisation."))
    return organisation


def require_plan_lead(organisation_id: int, user: User) -> None:
    if not can_lead_plan(user, organisation_id):
        raise Forbidden(_("Only the organisation's leaders can do this."))


@functools.cache
def _goal_query() -> sa.Select:
    """Built once with the goal as a parameter: ``session.get`` with loader options built its
    statement anew on every call, which cost more than running it."""
    return (sa.select(Goal).where(Goal.id == sa.bindparam("goal_id"))
            .options(so.joinedload(Goal.organisation), so.joinedload(Goal.recommendations)))


def goal_or_404(goal_id: int, user: User) -> Goal:
    """The goal with its organisation and linked recommendations, joined into one statement (every goal
    page and call shows or checks them; a goal links a handful of recommendations at most)."""
    goal = db.session.execute(_goal_query(), {"goal_id": goal_id}).unique().scalar_one_or_none()
    if goal is None or not can_read_plan(user, goal.organisation_id):
        raise NotFound(_("No such goal."))
    return goal


def task_or_404(task_id: int, user: User) -> Task:
    task = db.session.get(Task, task_id)
    if task is None or not can_read_plan(user, task.organisation_id):
        raise NotFound(_("No such task."))
    return task


def series_or_404(series_id: int, user: User) -> MeetingSeries:
    series = db.session.get(MeetingSeries, series_id)
    if series is None or not can_read_plan(user, series.organisation_id):
        raise NotFound(_("No such meeting series."))
    return series


def meeting_or_404(meeting_id: int, user: User) -> Meeting:
    """The meeting with its series, organisation, participants and attendees in three statements; the
    people's platform roles are not loaded (``role_grants`` is eager by default; nobody here needs them),
    nor the series' moved and cancelled dates (loaded when read: only the agenda's "next meeting" does)."""
    people = so.lazyload(User.role_grants)
    meeting = db.session.get(Meeting, meeting_id, options=[
        so.joinedload(Meeting.series).joinedload(MeetingSeries.organisation),
        so.joinedload(Meeting.series).lazyload(MeetingSeries.changes),
        so.joinedload(Meeting.series).selectinload(MeetingSeries.participants).options(people),
        so.selectinload(Meeting.attendees).options(people)])
    if meeting is None or not can_read_plan(user, meeting.organisation_id):
        raise NotFound(_("No such meeting."))
    return meeting
