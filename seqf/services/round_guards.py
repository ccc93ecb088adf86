"""Guards and role resolvers for the round and response workflows (named in workflows/*.yaml)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import permissions
from seqf.extensions import db
from seqf.models import Response, Round, RoundParticipant, RoundState, User
from seqf.workflow import guard, role_resolver


def is_participant(round_: Round, user: User) -> bool:
    """Whether ``user`` was asked to answer ``round_``; asked once per loaded round and user.

    The answer is kept on the loaded ``Round`` object (one page asks it for every workflow check):
    a round's participants are chosen when it opens and never change afterwards, and the object
    lives no longer than its session, so the kept answer cannot go stale.
    """
    seen = vars(round_).setdefault("_seqf_participants", {})
    if user.id not in seen:
        seen[user.id] = db.session.scalar(
            sa.select(sa.func.count()).select_from(RoundParticipant).where(
                RoundParticipant.round_id == round_.id, RoundParticipant.user_id == user.id
            )
        ) > 0
    return seen[user.id]


def know_participant(round_: Round, user: User, participant: bool) -> None:
    """Keep an answer to ``is_participant`` counted by the caller in this request (one statement less)."""
    vars(round_).setdefault("_seqf_participants", {})[user.id] = participant


@role_resolver("round")
def round_roles(round_: Round, user: User) -> set[str]:
    roles: set[str] = set()
    role = permissions.member_role(user, round_.organisation_id)
    if role is not None:
        roles.add(role.value)
    if is_participant(round_, user):
        roles.add("participant")
    return roles


@role_resolver("response")
def response_roles(response: Response, user: User) -> set[str]:
    return {"participant"} if response.user_id == user.id else set()


@guard("round_open")
def round_open(response: Response, actor: User) -> str | None:
    if response.round.state != RoundState.open:
        return _("The round is closed; responses can no longer be changed.")
    return None


@guard("no_consensus_recorded")
def no_consensus_recorded(round_: Round, actor: User) -> str | None:
    if round_.consensus_recorded_at is not None:
        return _("The consensus is already recorded; the round cannot be reopened.")
    return None
