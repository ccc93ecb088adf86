"""``seqf tick`` mail for the action plan (issue 8, items 6 and 7). Every message goes through the
outbox with a dedupe key, so running tick again (the same day, or every day) queues nothing twice;
each is rendered in the recipient's language (``mail.queue_template``). Inactive accounts get nothing.

- **Task reminders**: from three days before a task's due date (``plan_rules.task_reminder_on``)
  until the due date, once per task and due date — a task whose due date changes is reminded again.
  To the assignee; while the assignee is away, to the goal's acting owner (the owner, or the deputy
  while the owner is away too) instead.
- **Stale goals**: an active goal with no update for six weeks (``plan_rules.goal_is_stale``) alerts
  the organisation's leaders and org admins, and the goal's acting owner (so while the owner is
  away the deputy is told). Once per goal per six-week period without an update.
- **Monthly digest** per active member who has not switched it off (``User.digest``): their open
  tasks (overdue first), the health of the active goals in each of their organisations, the next
  meeting, coming review visits, follow-ups due and certificate expiry. Sent by the first tick on or
  after the 1st of each month (``plan-digest:<user>:<YYYY-MM>``). Decision: a member with nothing to
  report (no open task, no active goal, no meeting, no review or certificate date in their
  organisations) gets no digest that month. Every digest ends with the link to switch it off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from seqf import clock, plan_rules, ticks
from seqf.extensions import db
from seqf.models import (
    Certificate,
    Goal,
    GoalState,
    Membership,
    Organisation,
    Review,
    ReviewKind,
    ReviewState,
    Task,
    TaskState,
    User,
)
from seqf.services import absences, mail, meeting_calendar
from seqf.services import tasks as task_service
from seqf.services.certification import organisation_leaders, superseded_clause
from seqf.urls import external_url

STALE_PERIOD_DAYS = plan_rules.STALE_AFTER.days  # 42
REVIEW_HORIZON_DAYS = 90
CERTIFICATE_HORIZON_DAYS = 180


def _oslo_date(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(clock.OSLO).date()


def _queue(key: str, user: User | None, template: str, **context) -> int:
    if user is None or not user.active or mail.is_queued(key):
        return 0
    mail.queue_template(key, user, template, user=user, **context)
    return 1


# --- task reminders ------------------------------------------------------------------------------

def task_reminders(today: dt.date | None = None) -> int:
    today = today or clock.today()
    due = list(db.session.scalars(
        sa.select(Task).join(Goal, Goal.id == Task.goal_id)
        .where(Task.state == TaskState.open, Task.due_on.is_not(None), Task.due_on >= today,
               Task.due_on <= today + plan_rules.TASK_REMINDER_LEAD,
               Goal.state.in_((GoalState.active, GoalState.paused)))
        .order_by(Task.due_on, Task.id)))
    queued = 0
    away = absences.away_ids({t.assignee_id for t in due} | {t.goal.owner_id for t in due}
                             | {t.goal.deputy_id for t in due if t.goal.deputy_id}, today)
    for task in due:
        if plan_rules.task_reminder_on(task.due_on) > today:
            continue
        recipient = task.assignee
        covering = False
        if task.assignee_id in away:
            acting = absences.acting_owner_id(task.goal, away)
            if acting not in away and acting != task.assignee_id:
                recipient, covering = db.session.get(User, acting), True
        queued += _queue(f"plan-task-reminder:{task.id}:{task.due_on.isoformat()}:{recipient.id}", recipient,
                         "plan_task_reminder", task=task, covering=covering, days=(task.due_on - today).days,
                         link=external_url("plans.goal", goal_id=task.goal_id))
    return queued


# --- stale goals ---------------------------------------------------------------------------------

def stale_goal_alerts(today: dt.date | None = None) -> int:
    today = today or clock.today()
    goals = list(db.session.scalars(sa.select(Goal).where(Goal.state == GoalState.active)
                                    .order_by(Goal.organisation_id, Goal.id)))
    away = absences.away_ids({g.owner_id for g in goals} | {g.deputy_id for g in goals if g.deputy_id}, today)
    queued = 0
    leaders: dict[int, list[User]] = {}
    for goal in goals:
        last = _oslo_date(goal.last_update_at) if goal.last_update_at else None
        created = _oslo_date(goal.created_at)
        if not plan_rules.goal_is_stale(last, created, today):
            continue
        since = last or created
        period = (today - since).days // STALE_PERIOD_DAYS
        if goal.organisation_id not in leaders:
            leaders[goal.organisation_id] = organisation_leaders(goal.organisation_id)
        acting = db.session.get(User, absences.acting_owner_id(goal, away))
        recipients = {u.id: u for u in [*leaders[goal.organisation_id], acting] if u is not None}
        for user in recipients.values():
            queued += _queue(f"plan-goal-stale:{goal.id}:{since.isoformat()}:{period}:{user.id}", user,
                             "plan_goal_stale", goal=goal, since=since, weeks=(today - since).days // 7,
                             acting=acting, link=external_url("plans.goal", goal_id=goal.id))
    return queued


# --- monthly digest ------------------------------------------------------------------------------

@dataclass
class OrganisationDigest:
    organisation: Organisation
    goals: list[Goal] = field(default_factory=list)
    next_meeting: meeting_calendar.NextMeeting | None = None
    reviews: list[Review] = field(default_factory=list)
    follow_ups: list[Review] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.goals or self.next_meeting or self.reviews or self.follow_ups or self.certificates)


def _organisation_digest(organisation: Organisation, today: dt.date) -> OrganisationDigest:
    oid = organisation.id
    horizon = today + dt.timedelta(days=REVIEW_HORIZON_DAYS)
    return OrganisationDigest(
        organisation=organisation,
        goals=list(db.session.scalars(sa.select(Goal).where(Goal.organisation_id == oid,
                                                            Goal.state == GoalState.active)
                                      .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id))),
        next_meeting=meeting_calendar.next_meeting(oid, today),
        reviews=list(db.session.scalars(sa.select(Review).where(
            Review.organisation_id == oid, Review.state == ReviewState.planned,
            Review.visit_starts_on >= today, Review.visit_starts_on <= horizon).order_by(Review.visit_starts_on))),
        follow_ups=list(db.session.scalars(sa.select(Review).where(
            Review.organisation_id == oid, Review.kind == ReviewKind.follow_up, Review.state == ReviewState.due,
            Review.due_on <= horizon).order_by(Review.due_on))),
        certificates=list(db.session.scalars(sa.select(Certificate).where(
            Certificate.organisation_id == oid, Certificate.withdrawn_at.is_(None), ~superseded_clause(),
            Certificate.valid_until >= today,
            Certificate.valid_until <= today + dt.timedelta(days=CERTIFICATE_HORIZON_DAYS)))),
    )


def digest_for(user: User, today: dt.date) -> dict | None:
    """What the user's digest says, or None when there is nothing to say."""
    organisations = list(db.session.scalars(
        sa.select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id).order_by(Organisation.name, Organisation.id)))
    tasks = task_service.open_tasks_for(user)
    overdue = [t for t in tasks if plan_rules.task_is_overdue(t.due_on, False, today)]
    ordered = overdue + [t for t in tasks if t not in overdue]
    parts = [d for d in (_organisation_digest(o, today) for o in organisations) if not d.empty]
    if not ordered and not parts:
        return None
    return {"tasks": ordered, "overdue": len(overdue), "organisations": parts}


def monthly_digests(today: dt.date | None = None) -> int:
    today = today or clock.today()
    month = today.strftime("%Y-%m")
    users = list(db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.digest.is_(True),
                              sa.exists().where(Membership.user_id == User.id)).order_by(User.id)))
    queued = 0
    for user in users:
        key = f"plan-digest:{user.id}:{month}"
        if mail.is_queued(key):
            continue
        content = digest_for(user, today)
        if content is None:
            continue
        queued += _queue(key, user, "plan_digest", month=today.replace(day=1), today=today,
                         opt_out=external_url("main.profile"), link=external_url("main.dashboard"), **content)
    return queued


@ticks.job("action plan task reminders")
def _tick_tasks() -> int:
    return task_reminders()


@ticks.job("action plan stale goals")
def _tick_stale() -> int:
    return stale_goal_alerts()


@ticks.job("action plan monthly digest")
def _tick_digest() -> int:
    return monthly_digests()
