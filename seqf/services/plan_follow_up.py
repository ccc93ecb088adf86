"""Follow-up against the action plan: what a review shows of the organisation's plan, and the
revisors' comment per goal.

For a review (shown prominently on a follow-up) the plan is the organisation's active and paused
goals plus those achieved or dropped since the previous review (its publication; else the
certificate's ``valid_from``; else ever), each with its timeline since then
(``goal_timeline.timeline``), its task counts and the revisors' comment (``GoalReviewComment``).

Who reads it: the coordinator, the assigned revisors and the organisation's leaders (as the review
overview; 403 for staff, 404 for anyone without a role). Who comments: the assigned revisors (lead or
co) while ``record_finding`` is allowed (planned, drafting, comment round). A comment carries a
version: saving over a newer one is refused (409 ``stale_version``) and nothing changes.

The report (``review_report.build_content``) takes ``report_rows``: plain JSON, with updates up to
the publication so a published version reads the same whatever happens to the plan later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import workflow
from seqf.extensions import db
from seqf.models import (
    Goal,
    GoalReviewComment,
    GoalState,
    Review,
    ReviewState,
    Task,
    TaskState,
    User,
)
from seqf.services import audit, goal_timeline, locks, review_guards
from seqf.services.errors import Conflict, NotFound, RuleViolation

MAX_COMMENT = 10_000
SHOWN_ALWAYS = (GoalState.active, GoalState.paused)
CLOSED = (GoalState.achieved, GoalState.dropped)
PUBLISHED = (ReviewState.published, ReviewState.decided)


class StaleComment(Conflict):
    code = "stale_version"

    def __init__(self, comment: GoalReviewComment):
        super().__init__(_("Someone else changed this comment after you opened it (now version %(v)d). "
                           "Your text is kept below: compare and save again.", v=comment.version),
                         fields={"version": str(comment.version)})
        self.current_text = comment.text
        self.current_version = comment.version


@dataclass
class GoalRow:
    goal: Goal
    entries: list = field(default_factory=list)
    tasks_done: int = 0
    tasks_open: int = 0
    comment: GoalReviewComment | None = None


# --- access --------------------------------------------------------------------------------------

def require_reader(review: Review, user: User) -> set[str]:
    """Coordinator, revisors and the organisation's leaders (403 for other members)."""
    return review_guards.require_overview(review, user)


def can_comment(review: Review, user: User) -> bool:
    return workflow.allowed("review", review, "record_finding", user)


# --- what is shown -------------------------------------------------------------------------------

def previous_review(review: Review) -> Review | None:
    """The review the plan is followed from: the linked previous review, else the organisation's
    latest published review before this one."""
    if review.previous_review is not None:
        return review.previous_review
    return db.session.scalar(
        sa.select(Review).where(Review.organisation_id == review.organisation_id, Review.id != review.id,
                                Review.state.in_(PUBLISHED), Review.published_at.is_not(None))
        .order_by(Review.published_at.desc(), Review.id.desc()).limit(1))


def since_of(review: Review) -> dt.datetime | None:
    """The moment the follow-up looks back to (None: the whole history)."""
    previous = previous_review(review)
    if previous is not None and previous.published_at is not None:
        return previous.published_at
    cert = review.certificate
    if cert is not None and cert.valid_from is not None:
        return dt.datetime.combine(cert.valid_from, dt.time(), tzinfo=dt.UTC)
    return None


def until_of(review: Review) -> dt.datetime | None:
    """Updates after publication do not belong to the report (it is frozen then)."""
    return review.published_at if review.state in PUBLISHED else None


def goals_for(review: Review, since: dt.datetime | None) -> list[Goal]:
    closed_recently = Goal.state.in_(CLOSED)
    if since is not None:
        # ``closed_on`` is the (Oslo) day the goal was achieved or dropped; a goal closed on the day of
        # the previous review is shown (the review may have spoken of it as still open)
        closed_recently = sa.and_(closed_recently, sa.or_(Goal.closed_on.is_(None), Goal.closed_on >= since.date()))
    return list(db.session.scalars(
        sa.select(Goal).where(Goal.organisation_id == review.organisation_id,
                              sa.or_(Goal.state.in_(SHOWN_ALWAYS), closed_recently))
        .options(sa.orm.joinedload(Goal.owner), sa.orm.joinedload(Goal.deputy))
        .order_by(sa.case((Goal.state == GoalState.active, 0), (Goal.state == GoalState.paused, 1), else_=2),
                  Goal.due_on.is_(None), Goal.due_on, Goal.id)).unique())


def task_counts(goal_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{goal_id: (done, open)} in one statement."""
    if not goal_ids:
        return {}
    rows = db.session.execute(
        sa.select(Task.goal_id, Task.state, sa.func.count()).where(Task.goal_id.in_(goal_ids))
        .group_by(Task.goal_id, Task.state))
    counts: dict[int, list[int]] = {}
    for goal_id, state, n in rows:
        pair = counts.setdefault(goal_id, [0, 0])
        pair[0 if state == TaskState.done else 1] += n
    return {k: (v[0], v[1]) for k, v in counts.items()}


def comments_of(review: Review) -> dict[int, GoalReviewComment]:
    return {c.goal_id: c for c in db.session.scalars(
        sa.select(GoalReviewComment).where(GoalReviewComment.review_id == review.id))}


def rows(review: Review, *, with_timeline: bool = True) -> list[GoalRow]:
    """Every goal shown with its history since the previous review, task counts and comment."""
    since = since_of(review)
    until = until_of(review)
    goals = goals_for(review, since)
    counts = task_counts([g.id for g in goals])
    comments = comments_of(review)
    result = []
    for goal in goals:
        entries = []
        if with_timeline:
            entries = [e for e in goal_timeline.timeline(goal, since=since) if until is None or e.at <= until]
        done, open_ = counts.get(goal.id, (0, 0))
        result.append(GoalRow(goal, entries, done, open_, comments.get(goal.id)))
    return result


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def report_rows(review: Review) -> list[dict]:
    """The ``action_plan`` of the report content (follow-ups only; an empty list otherwise)."""
    from seqf.models import ReviewKind

    if review.kind != ReviewKind.follow_up:
        return []
    out = []
    for row in rows(review):
        goal = row.goal
        updates = [{"at": _iso(e.at), "health": e.update.health.value, "note": e.update.note or "",
                    "author": e.actor.name if e.actor else None}
                   for e in row.entries if e.kind == "update"]
        out.append({
            "goal_id": goal.id, "title": goal.title, "state": goal.state.value, "health": goal.health.value,
            "areas": list(goal.areas or []), "owner": goal.owner.name if goal.owner else None,
            "due_on": _iso(goal.due_on), "updates": updates,
            "tasks_done": row.tasks_done, "tasks_open": row.tasks_open,
            "comment": row.comment.text if row.comment else "",
        })
    return out


# --- the revisors' comment -----------------------------------------------------------------------

def goal_of_review(review: Review, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.organisation_id != review.organisation_id:
        raise NotFound(_("No such goal."))
    return goal


def save_comment(actor: User, review: Review, goal: Goal, text: str, version: int | None = None
                 ) -> GoalReviewComment:
    """Store the revisor's comment on ``goal``; refused on a stale version (409), too long (422),
    the wrong person or state (403/409). Callers commit (or roll back on ``ServiceError``)."""
    locks.lock(review)
    workflow.check_action("review", review, "record_finding", actor)
    if goal.organisation_id != review.organisation_id:
        raise NotFound(_("No such goal."))
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise RuleViolation(_("The text can be at most %(n)d characters.", n=MAX_COMMENT),
                            fields={"text": _("At most %(n)d characters.", n=MAX_COMMENT)}, code="too_long")
    comment = db.session.scalar(sa.select(GoalReviewComment).where(
        GoalReviewComment.review_id == review.id, GoalReviewComment.goal_id == goal.id))
    if comment is None:
        comment = GoalReviewComment(review_id=review.id, goal_id=goal.id, text=text, author_id=actor.id, version=1)
        db.session.add(comment)
    else:
        # version 0: the caller saw no comment (two revisors writing the first one at once)
        if version is not None and version != comment.version:
            raise StaleComment(comment)
        if comment.text == text:
            return comment
        comment.text = text
        comment.author_id = actor.id
        comment.version += 1
    db.session.flush()
    audit.record(actor, "follow_up.goal_commented", review,
                 f"Comment on goal {goal.id} saved for review {review.id}", review.organisation_id,
                 data={"goal_id": goal.id, "title": goal.title})
    return comment


# --- the pre-visit package ------------------------------------------------------------------------

def package_plan(organisation_id: int) -> list[dict]:
    """The plan as the revisors receive it: active and paused goals with health, last update and
    tasks (three statements whatever the size of the plan)."""
    from seqf.models import GoalUpdate

    goals = list(db.session.scalars(
        sa.select(Goal).where(Goal.organisation_id == organisation_id, Goal.state.in_(SHOWN_ALWAYS))
        .options(sa.orm.joinedload(Goal.owner), sa.orm.joinedload(Goal.deputy))
        .order_by(Goal.state, Goal.due_on.is_(None), Goal.due_on, Goal.id)).unique())
    ids = [g.id for g in goals]
    tasks: dict[int, list[Task]] = {}
    last: dict[int, GoalUpdate] = {}
    if ids:
        for task in db.session.scalars(sa.select(Task).where(Task.goal_id.in_(ids))
                                       .options(sa.orm.joinedload(Task.assignee))
                                       .order_by(Task.due_on.is_(None), Task.due_on, Task.id)):
            tasks.setdefault(task.goal_id, []).append(task)
        newest = (sa.select(GoalUpdate.goal_id, sa.func.max(GoalUpdate.id).label("id"))
                  .where(GoalUpdate.goal_id.in_(ids)).group_by(GoalUpdate.goal_id).subquery())
        for update in db.session.scalars(sa.select(GoalUpdate).join(newest, newest.c.id == GoalUpdate.id)):
            last[update.goal_id] = update
    out = []
    for goal in goals:
        update = last.get(goal.id)
        out.append({
            "goal_id": goal.id, "title": goal.title, "state": goal.state.value, "health": goal.health.value,
            "areas": list(goal.areas or []), "owner": goal.owner.name if goal.owner else None,
            "deputy": goal.deputy.name if goal.deputy else None, "due_on": _iso(goal.due_on),
            "last_update": ({"at": _iso(update.created_at), "health": update.health.value, "note": update.note or ""}
                            if update else None),
            "tasks": [{"id": t.id, "title": t.title, "assignee": t.assignee.name if t.assignee else None,
                       "due_on": _iso(t.due_on), "state": t.state.value} for t in tasks.get(goal.id, [])],
        })
    return out
