"""Loading a round for a page: 404 for anyone outside its organisation, 403 when the role is too weak."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from seqf import permissions
from seqf.extensions import db
from seqf.models import Instrument, Round
from seqf.services.round_guards import is_participant
from seqf.web import Refused

# the loader options are the same for every round page
ROUND_PAGE_OPTIONS = (joinedload(Round.organisation), joinedload(Round.instrument).defer(Instrument.definition))


@functools.cache
def _round_page_query() -> sa.Select:
    """Built once with the round as a parameter: ``session.get`` with options builds its statement
    anew on every call (31 SQL expressions), and a round page starts with an empty session anyway."""
    return sa.select(Round).where(Round.id == sa.bindparam("round_id")).options(*ROUND_PAGE_OPTIONS)


def round_or_404(round_id: int, *, lead: bool = False) -> Round:
    """The round if the caller is a member of its organisation; ``lead`` also requires leader or org admin.

    The organisation (every round page names it) and the instrument row without its large
    definition (``instruments.light_instrument`` then finds it in the session) come in the same
    statement."""
    round_ = db.session.scalar(_round_page_query(), {"round_id": round_id})
    if round_ is None or not permissions.is_member(current_user, round_.organisation_id):
        abort(404)
    if lead and not can_lead(round_):
        abort(403)
    return round_


def can_lead(round_: Round) -> bool:
    return permissions.can_lead(current_user, round_.organisation_id)


def participating_round_or_404(round_id: int) -> Round:
    """The round if the caller was asked to answer it (members who were not asked get 403)."""
    round_ = round_or_404(round_id)
    if not is_participant(round_, current_user):
        abort(403, description=_("You are not a participant in this round."))
    return round_


def area_or_404(areas: list[dict], code: str | None) -> tuple[int, dict]:
    """(index, area) for ``code``; the first area when no code is given; 404 for an unknown code."""
    if not code:
        return 0, areas[0]
    for index, area in enumerate(areas):
        if area["code"] == code:
            return index, area
    abort(404, description=_("Unknown quality area “%(area)s”.", area=code))


def status_of(exc: Refused) -> int:
    """The HTTP status of the service error behind ``Refused`` (409 locked, 413 too large, 422 …)."""
    return getattr(exc.__cause__, "status", 422)
