"""What an organisation's audit log shows its leaders: everything, except what would tell what one
participant did inside their response.

The stored events are never changed (platform admins read them whole in the full audit log). The
organisation's log — page and API — reads them through ``mask_events``:

- evidence uploaded from a round's fill form: its uploader is hidden as the actor of the events about
  it from everyone but herself, as in the library (``evidence.uploader_hidden``);
- starting a response: the actor is hidden (the time would match that of an upload);
- events about a response other than starting and submitting it (whose actor the progress list
  already names): the summary and the data are replaced by a neutral text, so no area, step or
  score of a named person is ever listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from seqf.extensions import db
from seqf.models import AuditEvent, Evidence, User

PUBLIC_RESPONSE_ACTIONS = {"response.started", "response.submit"}


@dataclass
class HiddenActor:
    """Stands in for the actor: templates and the API read ``name`` and ``id`` as from a user."""

    name: str
    id: None = None


class MaskedEvent:
    """An audit event as the reader may see it; every other attribute reads through to the event."""

    def __init__(self, event: AuditEvent, *, hide_actor: bool = False, neutral_summary: str | None = None,
                 hide_object: bool = False):
        self._event = event
        self.object_id = None if hide_object else event.object_id
        self.actor_hidden = hide_actor
        self.actor = HiddenActor(str(_l("Hidden (a round participant)"))) if hide_actor else event.actor
        self.actor_id = None if hide_actor else event.actor_id
        self.summary = neutral_summary if neutral_summary is not None else event.summary
        self.data = {} if neutral_summary is not None else event.data

    def __getattr__(self, name: str):
        return getattr(self._event, name)


def _fill_form_evidence(events: list[AuditEvent]) -> dict[int, int | None]:
    """evidence id → its uploader, for the events' evidence that was uploaded from a round's fill form."""
    ids = {e.object_id for e in events if e.object_type == "evidence" and e.object_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Evidence.id, Evidence.created_by_id).where(Evidence.id.in_(ids), Evidence.round_id.is_not(None))
    ).all())


def mask_events(events: Iterable[AuditEvent], reader: User) -> list:
    """The events as ``reader`` may read them in an organisation's audit log (platform admins: unmasked)."""
    events = list(events)
    if getattr(reader, "is_admin", False):
        return events
    hidden = _fill_form_evidence(events)
    shown: list = []
    for event in events:
        if (event.object_type == "evidence" and event.object_id in hidden
                and event.actor_id == hidden[event.object_id] and event.actor_id != reader.id):
            shown.append(MaskedEvent(event, hide_actor=True))
        elif event.action == "response.started" and event.actor_id != reader.id:
            # who started when would match the time of an upload from the fill form; the response id
            # would name them through the later ``response.submit`` event
            shown.append(MaskedEvent(event, hide_actor=True, hide_object=True))
        elif event.action.startswith("response.") and event.action not in PUBLIC_RESPONSE_ACTIONS:
            shown.append(MaskedEvent(event, neutral_summary=str(_l("A participant's response was changed"))))
        else:
            shown.append(event)
    return shown
