"""Telling people about a round at the right moment: a reminder the leader sends now, and the
mail and dashboard notice when the results are ready.

"Ready" means the consensus is recorded for every area of the round (own areas included). The
moment is kept as one ``round.results_ready`` audit event per round; the dashboard shows the notice
to the round's participants for ``NOTICE_DAYS`` after it.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import (
    AuditEvent,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    User,
)
from seqf.services import audit, locks, mail
from seqf.services import rounds as round_service
from seqf.urls import external_url

NOTICE_DAYS = 30


# --- reminding now -----------------------------------------------------------------------------

def not_submitted(round_: Round, active_only: bool = True) -> list[User]:
    """Participants who have not submitted (no response yet, or a draft); active accounts only
    unless ``active_only`` is false (the close page lists everyone)."""
    query = (
        sa.select(User).join(RoundParticipant, RoundParticipant.user_id == User.id)
        .outerjoin(Response, sa.and_(Response.round_id == round_.id, Response.user_id == User.id))
        .where(RoundParticipant.round_id == round_.id,
               sa.or_(Response.id.is_(None), Response.state != ResponseState.submitted))
        .order_by(User.name, User.id)
    )
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def _queue_once(key: str, recipient: User, template: str, **context) -> bool:
    """Queue unless a message with ``key`` exists; a key taken by a parallel request counts as sent."""
    if mail.is_queued(key):
        return False
    try:
        with db.session.begin_nested():
            mail.queue_template(key, recipient, template, **context)
    except sa.exc.IntegrityError:
        return False
    return True


def send_reminders_now(actor: User, round_: Round) -> int:
    """Mail every participant who has not submitted, at most once per person and day.

    Returns how many were mailed now (0 when all of them were reminded earlier today).
    """
    from seqf import workflow

    locks.lock(round_)  # a double click waits here (SQLite too), then finds today's keys taken
    workflow.check_action("round", round_, "remind", actor)
    today = clock.today().isoformat()
    link = external_url("rounds.fill", round_id=round_.id)
    reminded = sum(
        _queue_once(f"round-remind-now:{round_.id}:{user.id}:{today}", user, "round_reminder",
                    round=round_, user=user, link=link)
        for user in not_submitted(round_)
    )
    if reminded:
        audit.record(actor, "round.reminded", round_, f"Reminder sent to {reminded} participant(s) of “{round_.title}”",
                     round_.organisation_id, data={"title": round_.title, "count": reminded})
    return reminded


# --- results ready -----------------------------------------------------------------------------

def results_ready(round_: Round) -> bool:
    """True when the consensus is recorded for every area the round asks about."""
    codes = {a["code"] for a in round_service.round_areas(round_)}
    return bool(codes) and codes <= set(round_service.consensus_of(round_))


def _announced(round_: Round) -> bool:
    return db.session.scalar(
        sa.select(AuditEvent.id).where(AuditEvent.action == "round.results_ready", AuditEvent.object_type == "round",
                                       AuditEvent.object_id == round_.id).limit(1)
    ) is not None


def notify_results_ready(round_: Round, actor: User | None = None) -> int:
    """Once the results are ready, mail each participant (once, by dedupe key) and mark the moment.

    Called after every consensus save; does nothing until the last area is agreed, and nothing
    again afterwards. Returns how many mails were queued.
    """
    if not results_ready(round_) or _announced(round_):
        return 0
    participants = list(db.session.scalars(
        sa.select(User).join(RoundParticipant, RoundParticipant.user_id == User.id)
        .where(RoundParticipant.round_id == round_.id, User.active.is_(True)).order_by(User.id)
    ))
    link = external_url("rounds.results", round_id=round_.id)
    queued = sum(_queue_once(f"results-ready:{round_.id}:{user.id}", user, "results_ready",
                             round=round_, user=user, link=link) for user in participants)
    audit.record(actor, "round.results_ready", round_, f"Results of “{round_.title}” are ready; {queued} mailed",
                 round_.organisation_id, data={"title": round_.title, "count": queued})
    db.session.flush()
    return queued


@functools.cache
def _results_notices_query() -> sa.Select:
    """Asked on every dashboard: built once per process, the caller and the moment as parameters."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    return (sa.select(Round.id, Round.title, Organisation.name.label("organisation_name"))
            .join(RoundParticipant, RoundParticipant.round_id == Round.id)
            .join(Organisation, Organisation.id == Round.organisation_id)
            .join(AuditEvent, sa.and_(AuditEvent.object_type == "round", AuditEvent.object_id == Round.id,
                                      AuditEvent.action == "round.results_ready"))
            .join(Membership, sa.and_(Membership.organisation_id == Round.organisation_id,
                                      Membership.user_id == user_id))
            .where(RoundParticipant.user_id == user_id, AuditEvent.at >= sa.bindparam("since"))
            .order_by(AuditEvent.at.desc()))


def results_notices(user: User, days: int = NOTICE_DAYS) -> list[sa.Row]:
    """Rounds ``user`` took part in whose results became ready within the last ``days`` days:
    (id, title, organisation_name) rows, the dashboard's notice prints nothing else."""
    since = clock.now() - dt.timedelta(days=days)
    return list(db.session.execute(_results_notices_query(), {"user_id": user.id, "since": since}).unique())
