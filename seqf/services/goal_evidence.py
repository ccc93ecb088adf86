"""Linking evidence from the organisation's evidence library to a goal (shown on its timeline)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Evidence, Goal, User, goal_evidence
from seqf.services import audit, locks
from seqf.services.errors import RuleViolation


def linkable(goal: Goal) -> list[sa.Row]:
    """The organisation's evidence that is not archived and not linked to the goal yet, by title: rows
    of ``id`` and ``title`` only — the goal page offers them as choices, and loading the ORM objects
    (with their tags) cost more than the rest of the query."""
    linked = sa.select(goal_evidence.c.evidence_id).where(goal_evidence.c.goal_id == goal.id)
    return list(db.session.execute(sa.select(Evidence.id, Evidence.title).where(
        Evidence.organisation_id == goal.organisation_id, Evidence.archived.is_(False),
        Evidence.id.not_in(linked)).order_by(Evidence.title, Evidence.id).limit(500)))


def linked_with_who(goal: Goal) -> list[tuple[Evidence, object, User | None]]:
    """The evidence linked to the goal by title, each with when and by whom it was linked: the goal
    page lists the evidence and puts the links on its timeline from this one query."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Evidence, goal_evidence.c.linked_at, User)
        .join(goal_evidence, goal_evidence.c.evidence_id == Evidence.id)
        .outerjoin(User, User.id == goal_evidence.c.linked_by_id)
        .where(goal_evidence.c.goal_id == goal.id).order_by(Evidence.title))]


def linked(goal: Goal) -> list[Evidence]:
    return list(db.session.scalars(sa.select(Evidence).join(goal_evidence, goal_evidence.c.evidence_id == Evidence.id)
                                   .where(goal_evidence.c.goal_id == goal.id).order_by(Evidence.title)))


def link_evidence(actor: User, goal: Goal, evidence_id: int | None) -> bool:
    """Link one piece of the organisation's evidence; False when it was linked already."""
    locks.lock(goal)
    workflow.check_action("goal", goal, "link_evidence", actor)
    evidence = db.session.get(Evidence, evidence_id) if evidence_id else None
    if evidence is None or evidence.organisation_id != goal.organisation_id or evidence.archived:
        raise RuleViolation(_("Choose evidence from this organisation's evidence library."),
                            fields={"evidence_id": _("Choose evidence from the library.")}, code="unknown_evidence")
    exists = db.session.scalar(sa.select(sa.func.count()).select_from(goal_evidence).where(
        goal_evidence.c.goal_id == goal.id, goal_evidence.c.evidence_id == evidence.id))
    if exists:
        return False
    db.session.execute(goal_evidence.insert().values(goal_id=goal.id, evidence_id=evidence.id,
                                                     linked_at=clock.now(), linked_by_id=actor.id))
    audit.record(actor, "goal.evidence_linked", goal, f"Evidence {evidence.id} linked to goal {goal.id}",
                 goal.organisation_id, data={"title": goal.title, "goal_id": goal.id, "evidence_id": evidence.id})
    return True
