"""The visit agenda: time slots (when, whom to meet by group, what about) and the revisors' notes.

Only the assigned revisors plan the agenda and write notes (workflow action ``edit_agenda``, states
planned, drafting and comment round; afterwards everything is read-only). Groups are a fixed set;
participants are met by programme type ("IPS"), never by name. Overlapping slots are allowed —
two revisors may split up — and reported as a warning.

A note is saved with the version the writer's page was based on; a stale version is refused (409
``stale_version``) with the stored text, so autosave from a tablet and a phone never overwrites
the other silently. Notes never go into the audit log: only "note saved" and who saved it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Review, User, VisitSlot
from seqf.services import audit, locks
from seqf.services.errors import Conflict, NotFound, RuleViolation
from seqf.text import clean_single_line

GROUPS = ("management", "board", "staff", "nav", "employers", "participants")
GROUP_LABELS = {
    "management": _l("Management"),
    "board": _l("Board"),
    "staff": _l("Staff"),
    "nav": _l("NAV"),
    "employers": _l("Employers"),
    "participants": _l("Participants"),
}
PROGRAMME_MAX = 60
TOPIC_MAX = 200
NOTE_MAX = 50_000
AUDIT_QUIET = dt.timedelta(minutes=15)


@dataclass
class SlotData:
    day: dt.date | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    groups: list[str] = field(default_factory=list)
    programme: str = ""
    topic: str = ""


class StaleNote(Conflict):
    """The note was saved elsewhere after the writer's page loaded (409); carries the stored text."""

    code = "stale_version"

    def __init__(self, message: str, slot: VisitSlot):
        super().__init__(message, fields={"version": str(slot.note_version)})
        self.current_text = slot.note
        self.current_version = slot.note_version


def group_label(code: str) -> str:
    return str(GROUP_LABELS.get(code, code))


def can_edit(review: Review, user: User) -> bool:
    return workflow.allowed("review", review, "edit_agenda", user)


# --- validation -----------------------------------------------------------------------------------

def _clean(data: SlotData, review: Review) -> SlotData:
    """The slot as it will be stored, or 422 with every problem in ``fields``."""
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = _("Choose the day.")
    elif not (review.visit_starts_on and review.visit_ends_on
              and review.visit_starts_on <= data.day <= review.visit_ends_on):
        errors["day"] = _("The day must be within the visit (%(start)s – %(end)s).",
                          start=review.visit_starts_on, end=review.visit_ends_on)
    if data.starts_at is None:
        errors["starts_at"] = _("Give the start time.")
    if data.ends_at is None:
        errors["ends_at"] = _("Give the end time.")
    if data.starts_at is not None and data.ends_at is not None and data.ends_at <= data.starts_at:
        errors["ends_at"] = _("The slot must end after it starts.")
    groups: list[str] = []
    for value in data.groups or []:
        if not isinstance(value, str) or value not in GROUPS:
            errors["groups"] = _("Unknown group: %(group)s. Choose from: %(groups)s.",
                                 group=str(value)[:40], groups=", ".join(GROUPS))
            break
        if value not in groups:
            groups.append(value)
    if not groups and "groups" not in errors:
        errors["groups"] = _("Choose whom you meet.")
    programme = clean_single_line(data.programme or "") or ""
    if len(programme) > PROGRAMME_MAX:
        errors["programme"] = _("At most %(n)d characters.", n=PROGRAMME_MAX)
    elif programme and "participants" not in groups:
        errors["programme"] = _("A programme type is only given when you meet participants.")
    topic = clean_single_line(data.topic or "") or ""
    if len(topic) > TOPIC_MAX:
        errors["topic"] = _("At most %(n)d characters.", n=TOPIC_MAX)
    if errors:
        raise RuleViolation(next(iter(errors.values())) if len(errors) == 1
                            else _("Please correct the fields marked below."), fields=errors)
    ordered = [g for g in GROUPS if g in groups]
    return SlotData(day=data.day, starts_at=_minute(data.starts_at), ends_at=_minute(data.ends_at),
                    groups=ordered, programme=programme, topic=topic)


def _minute(value: dt.time) -> dt.time:
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _when(slot: VisitSlot) -> dict:
    return {"day": slot.day.isoformat(), "starts_at": slot.starts_at.strftime("%H:%M"),
            "ends_at": slot.ends_at.strftime("%H:%M")}


# --- queries -------------------------------------------------------------------------------------

def slots_of(review: Review) -> list[VisitSlot]:
    return list(db.session.scalars(sa.select(VisitSlot).where(VisitSlot.review_id == review.id)
                                   .order_by(VisitSlot.day, VisitSlot.starts_at, VisitSlot.id)))


def slot_or_404(review: Review, slot_id: int) -> VisitSlot:
    slot = db.session.get(VisitSlot, slot_id)
    if slot is None or slot.review_id != review.id:
        raise NotFound(_("No such time slot."))
    return slot


def overlaps(slot: VisitSlot, others: list[VisitSlot]) -> list[VisitSlot]:
    """The other slots of the same day whose time overlaps this one (allowed; shown as a warning)."""
    return [o for o in others if o.id != slot.id and o.day == slot.day
            and o.starts_at < slot.ends_at and slot.starts_at < o.ends_at]


def agenda(review: Review) -> list[tuple[dt.date, list[tuple[VisitSlot, list[VisitSlot]]]]]:
    """Every day of the visit with its slots and each slot's overlaps (empty days included)."""
    slots = slots_of(review)
    days: list[dt.date] = []
    if review.visit_starts_on and review.visit_ends_on:
        day = review.visit_starts_on
        while day <= review.visit_ends_on and len(days) < 31:
            days.append(day)
            day += dt.timedelta(days=1)
    return [(day, [(s, overlaps(s, slots)) for s in slots if s.day == day]) for day in days]


# --- changes -------------------------------------------------------------------------------------

def add_slot(actor: User, review: Review, data: SlotData) -> VisitSlot:
    locks.lock(review)
    workflow.check_action("review", review, "edit_agenda", actor)
    clean = _clean(data, review)
    slot = VisitSlot(review_id=review.id, day=clean.day, starts_at=clean.starts_at, ends_at=clean.ends_at,
                     groups=clean.groups, programme=clean.programme, topic=clean.topic)
    db.session.add(slot)
    db.session.flush()
    audit.record(actor, "review.slot_added", slot, f"Visit slot added on {slot.day} {_when(slot)['starts_at']}",
                 review.organisation_id, data={**_when(slot), "review_id": review.id})
    return slot


def update_slot(actor: User, slot: VisitSlot, data: SlotData, version: int | None = None) -> VisitSlot:
    """Change when and whom; the note is kept. A ``version`` older than the stored one is refused
    (409), so a revisor's change on the tablet never silently undoes the other revisor's on the phone."""
    review = slot.review
    locks.lock(review)
    workflow.check_action("review", review, "edit_agenda", actor)
    db.session.refresh(slot)
    if version is not None and version != slot.version:
        raise Conflict(_("Someone else changed this time slot meanwhile. Reload the page and try again."),
                       code="stale_version")
    clean = _clean(data, review)
    slot.day, slot.starts_at, slot.ends_at = clean.day, clean.starts_at, clean.ends_at
    slot.groups, slot.programme, slot.topic = clean.groups, clean.programme, clean.topic
    slot.version += 1
    db.session.flush()
    audit.record(actor, "review.slot_updated", slot, f"Visit slot changed to {slot.day} {_when(slot)['starts_at']}",
                 review.organisation_id, data={**_when(slot), "review_id": review.id})
    return slot


def delete_slot(actor: User, slot: VisitSlot) -> None:
    review = slot.review
    locks.lock(review)
    workflow.check_action("review", review, "edit_agenda", actor)
    audit.record(actor, "review.slot_deleted", slot, f"Visit slot on {slot.day} {_when(slot)['starts_at']} deleted",
                 review.organisation_id, data={**_when(slot), "review_id": review.id})
    db.session.delete(slot)
    db.session.flush()


def save_note(actor: User, slot: VisitSlot, text: str, version: int | None) -> VisitSlot:
    """Store the note if ``version`` is the stored one; otherwise 409 with the stored text.

    ``version`` None skips the check (the API documents it as required; the form always sends it).
    The audit event says that a note was saved, never what it says.
    """
    review = slot.review
    locks.lock(slot)
    workflow.check_action("review", review, "edit_agenda", actor)
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > NOTE_MAX:
        raise RuleViolation(_("At most %(n)d characters.", n=NOTE_MAX), fields={"text": str(NOTE_MAX)})
    if version is not None and version != slot.note_version:
        raise StaleNote(_("This note was saved from another device or by the other revisor after you "
                          "opened it. Nothing is lost: both texts are shown."), slot)
    if text == slot.note:
        return slot
    quiet = (slot.note_updated_by_id == actor.id and slot.note_updated_at is not None
             and clock.now() - slot.note_updated_at < AUDIT_QUIET)
    slot.note = text
    slot.note_version += 1
    slot.note_updated_at = clock.now()
    slot.note_updated_by_id = actor.id
    db.session.flush()
    if quiet:  # autosave while typing: one audit event per writer and quarter of an hour is enough
        return slot
    audit.record(actor, "review.note_saved", slot, f"Visit note saved (slot on {slot.day})",
                 review.organisation_id, data={**_when(slot), "review_id": review.id})
    return slot
