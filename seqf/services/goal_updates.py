"""Progress updates on a goal: health (on track · at risk · off track) and a short note.

An update is append-only and sets the goal's current ``health`` and ``last_update_at`` (which the
six-week staleness alert and the dashboards read). It may be made in a meeting (``meeting_id``, a
meeting of the same organisation that is still open). It does not touch the goal's ``version``:
an update is not an edit of the goal's text, so recording one during a meeting never makes
someone's open edit form stale.
"""

from __future__ import annotations

from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Goal, GoalHealth, GoalUpdate, Meeting, MeetingState, User
from seqf.services import audit, locks
from seqf.services.errors import NotFound, RuleViolation

NOTE_MAX = 2_000


def parse_health(value) -> GoalHealth:
    try:
        return GoalHealth(str(value))
    except ValueError:
        raise RuleViolation(_("Health must be on track, at risk or off track."),
                            fields={"health": "on_track | at_risk | off_track"}, code="invalid_health") from None


def add_update(actor: User, goal: Goal, health, note: str, meeting_id: int | None = None) -> GoalUpdate:
    health = parse_health(health)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise RuleViolation(_("The note can be at most %(n)d characters.", n=NOTE_MAX),
                            fields={"note": _("At most %(n)d characters.", n=NOTE_MAX)}, code="too_long")
    if meeting_id is not None:
        meeting = db.session.get(Meeting, meeting_id)
        if meeting is None or meeting.organisation_id != goal.organisation_id:
            raise NotFound(_("No such meeting."))
        if meeting.state != MeetingState.open:
            raise RuleViolation(_("That meeting's minutes are approved and locked."),
                                fields={"meeting_id": _("Locked.")}, code="meeting_locked")
    locks.lock(goal)
    workflow.check_action("goal", goal, "record_update", actor)
    update = GoalUpdate(goal_id=goal.id, health=health, note=note, meeting_id=meeting_id, author_id=actor.id,
                        created_at=clock.now())
    db.session.add(update)
    goal.health = health
    goal.last_update_at = update.created_at
    db.session.flush()
    audit.record(actor, "goal.update_recorded", goal, f"Goal {goal.id}: progress update ({health.value})",
                 goal.organisation_id, data={"title": goal.title, "goal_id": goal.id, "health": health.value})
    return update
