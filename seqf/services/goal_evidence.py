"""Linking evidence from the organisation's evidence library to a goal (shown on its timeline)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Evidence, Goal, User, goal_evidence
from seqf.services import audit, locks
from seqf.services.errors import RuleViolation


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
