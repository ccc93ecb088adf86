"""Deleting a round opened by mistake: allowed only while nobody has answered anything.

The check runs under row locks on the round and its responses, so an answer saved at the same
moment has a defined outcome: either it is committed first and the delete is refused (409), or
the delete wins and the save finds no round (its insert waits for the lock, then fails).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import workflow
from seqf.extensions import db
from seqf.models import AreaAssessment, Response, Round, RoundParticipant, User
from seqf.services import audit, locks, mail
from seqf.urls import external_url
from seqf.workflow import guard


def answered_count(round_: Round) -> int:
    """How many responses in the round have at least one area answered (drafts included)."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Response.id))).select_from(Response)
        .join(AreaAssessment, AreaAssessment.response_id == Response.id)
        .where(Response.round_id == round_.id)
    ) or 0


@guard("nobody_answered")
def nobody_answered(round_: Round, actor: User) -> str | None:
    if answered_count(round_):
        return _("Someone has already answered; the round can no longer be deleted. Close it instead.")
    return None


def lock_round(round_: Round) -> None:
    """Take the round's row lock and re-read it: ``FOR UPDATE`` on PostgreSQL; on SQLite the file's
    write lock, taken now, so the check that follows sees every answer committed before it (a plain
    read would let a save commit between the check and the delete)."""
    locks.lock(round_)


def delete_round(actor: User, round_: Round) -> str:
    """Delete an open round nobody has answered; tell the participants it is withdrawn.

    Returns the round's title (for the message after the redirect).
    """
    lock_round(round_)
    # a save that is inserting an answer holds a key-share lock on its response: wait for it
    db.session.execute(sa.select(Response.id).where(Response.round_id == round_.id).with_for_update())
    workflow.check_action("round", round_, "delete", actor)
    participants = list(db.session.scalars(
        sa.select(User).join(RoundParticipant, RoundParticipant.user_id == User.id)
        .where(RoundParticipant.round_id == round_.id, User.active.is_(True)).order_by(User.id)
    ))
    title, organisation = round_.title, round_.organisation
    for user in participants:
        mail.queue_template(f"round-withdrawn:{round_.id}:{user.id}", user, "round_withdrawn",
                            round_title=title, organisation=organisation, user=user,
                            link=external_url("main.dashboard"))
    audit.record(actor, "round.deleted", round_, f"Round “{title}” deleted before anyone answered",
                 round_.organisation_id, data={"title": title, "participants": len(participants)})
    db.session.execute(sa.delete(Response).where(Response.round_id == round_.id))
    db.session.delete(round_)
    db.session.flush()
    return title
