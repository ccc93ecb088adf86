"""An organisation's own quality areas: five steps with key indicators, scored like SEQF's.

Own areas get the codes E1, E2 … in the order they are made (never reused) and indicator codes
such as ``E1.3.b`` (area, step, letter). Rounds copy the active ones when they open, so editing or
deactivating an area never changes a running or finished round.
"""

from __future__ import annotations

import hashlib
import json
import string
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf.extensions import db
from seqf.models import Organisation, OwnArea, User
from seqf.services import audit, locks
from seqf.services.errors import Conflict, RuleViolation
from seqf.text import clean_single_line, has_visible

LEVELS = 5
MAX_INDICATORS = 6
MAX_ACTIVE = 10
MAX_TITLE = 160
MAX_STEP_TITLE = 200
MAX_INDICATOR = 500
MAX_DESCRIPTION = 5000
CODE_PREFIX = "E"


def _clean(value: str | None) -> str:
    return clean_single_line(value) or ""


def _check_title(title: str) -> str:
    title = _clean(title)
    if not has_visible(title):
        raise RuleViolation(_("Give the area a title."), fields={"title": _("Required.")})
    if len(title) > MAX_TITLE:
        raise RuleViolation(_("The title can have at most %(n)d characters.", n=MAX_TITLE),
                            fields={"title": _("At most %(n)d characters.", n=MAX_TITLE)})
    return title


def _check_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise RuleViolation(_("The description can have at most %(n)d characters.", n=MAX_DESCRIPTION),
                            fields={"description": f"≤ {MAX_DESCRIPTION}"})
    return description


def _check_step(index: int, step: Any) -> tuple[str, list[str]]:
    level = index + 1
    if not isinstance(step, dict):
        raise RuleViolation(_("Step %(n)d must have a title and indicators.", n=level),
                            fields={f"steps.{index}": _("Invalid.")})
    title = _clean(step.get("title") if isinstance(step.get("title"), str) else "")
    if not has_visible(title) or len(title) > MAX_STEP_TITLE:
        raise RuleViolation(_("Step %(n)d needs a title of at most %(max)d characters.", n=level,
                              max=MAX_STEP_TITLE),
                            fields={f"steps.{index}.title": _("At most %(n)d characters.", n=MAX_STEP_TITLE)})
    raw = step.get("indicators")
    texts = [_clean(t) for t in raw if isinstance(t, str)] if isinstance(raw, list) else []
    texts = [t for t in texts if t]
    if not 1 <= len(texts) <= MAX_INDICATORS or len(texts) != len(raw or []):
        raise RuleViolation(
            _("Step %(n)d needs 1 to %(max)d key indicators, each a non-empty text.", n=level,
              max=MAX_INDICATORS),
            fields={f"steps.{index}.indicators": _("1–%(max)d indicators.", max=MAX_INDICATORS)})
    if any(len(t) > MAX_INDICATOR for t in texts):
        raise RuleViolation(_("A key indicator in step %(n)d is longer than %(max)d characters.", n=level,
                              max=MAX_INDICATOR), fields={f"steps.{index}.indicators": f"≤ {MAX_INDICATOR}"})
    return title, texts


def build_steps(code: str, steps: Any) -> list[dict]:
    """Validate the five steps and give every indicator its code (``E1.3.b``)."""
    if not isinstance(steps, list) or len(steps) != LEVELS:
        raise RuleViolation(_("An own area has exactly %(n)d steps.", n=LEVELS),
                            fields={"steps": _("Exactly %(n)d steps.", n=LEVELS)})
    built = []
    for index, step in enumerate(steps):
        title, texts = _check_step(index, step)
        level = index + 1
        built.append({"level": level, "title": title, "indicators": [
            {"code": f"{code}.{level}.{string.ascii_lowercase[i]}", "text": text} for i, text in enumerate(texts)
        ]})
    return built


def own_areas_of(organisation: Organisation, include_inactive: bool = True) -> list[OwnArea]:
    query = sa.select(OwnArea).where(OwnArea.organisation_id == organisation.id)
    if not include_inactive:
        query = query.where(OwnArea.active.is_(True))
    return list(db.session.scalars(query.order_by(OwnArea.id)))


def _next_code(organisation: Organisation) -> str:
    """E1, E2 …: one above the highest number used so far, active or not."""
    codes = db.session.scalars(sa.select(OwnArea.code).where(OwnArea.organisation_id == organisation.id))
    numbers = [int(c[len(CODE_PREFIX):]) for c in codes if c[len(CODE_PREFIX):].isdigit()]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1}"


def _lock(organisation: Organisation) -> None:
    """Serialise code assignment per organisation (a row lock on PostgreSQL; SQLite locks anyway)."""
    locks.lock(organisation)


def _check_unique_title(organisation: Organisation, title: str, own_area: OwnArea | None = None) -> None:
    for other in own_areas_of(organisation, include_inactive=False):
        if other is not own_area and other.title.lower() == title.lower():
            raise RuleViolation(_("The organisation already has an area with this title."),
                                fields={"title": _("Already in use.")}, code="title_taken")


def _check_room(organisation: Organisation) -> None:
    if len(own_areas_of(organisation, include_inactive=False)) >= MAX_ACTIVE:
        raise RuleViolation(_("An organisation can have at most %(n)d active own areas.", n=MAX_ACTIVE),
                            code="own_area_limit")


def create_own_area(actor: User, organisation: Organisation, *, title: str, description: str | None = "",
                    steps: list[dict]) -> OwnArea:
    """Add an own area: a title, an optional description and five steps of 1–6 indicators."""
    _lock(organisation)
    title = _check_title(title)
    description = _check_description(description)
    code = _next_code(organisation)
    built = build_steps(code, steps)
    _check_unique_title(organisation, title)
    _check_room(organisation)
    own_area = OwnArea(organisation=organisation, code=code, title=title, description=description,
                       steps=built, active=True)
    db.session.add(own_area)
    db.session.flush()
    audit.record(actor, "own_area.created", own_area, f"Own area {code} “{title}” added", organisation.id,
                 data={"code": code, "title": title})
    return own_area


class StaleOwnArea(Conflict):
    """The edit was based on texts someone changed since (409); ``current`` is the stored area."""

    code = "stale_version"

    def __init__(self, own_area: OwnArea):
        super().__init__(_("Someone else changed this area after you opened it. Compare both versions and "
                           "save again to keep yours."))
        self.current = {"title": own_area.title, "description": own_area.description, "steps": own_area.steps}


def own_area_revision(own_area: OwnArea) -> str:
    """A fingerprint of the area's texts: the edit form sends back the one it was filled from."""
    text = json.dumps([own_area.title, own_area.description, own_area.steps], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def update_own_area(actor: User, own_area: OwnArea, *, title: str, description: str | None = "",
                    steps: list[dict], revision: str | None = None) -> OwnArea:
    """Change an own area's texts; rounds already opened keep the copy they took.

    Under the organisation's lock (titles stay unique); with ``revision`` an edit based on texts
    changed since raises ``StaleOwnArea`` instead of overwriting them unseen.
    """
    _lock(own_area.organisation)
    db.session.refresh(own_area)
    if revision and revision != own_area_revision(own_area):
        raise StaleOwnArea(own_area)
    title = _check_title(title)
    description = _check_description(description)
    built = build_steps(own_area.code, steps)
    if own_area.active:
        _check_unique_title(own_area.organisation, title, own_area)
    own_area.title, own_area.description, own_area.steps = title, description, built
    db.session.flush()
    audit.record(actor, "own_area.updated", own_area, f"Own area {own_area.code} “{title}” changed",
                 own_area.organisation_id, data={"code": own_area.code, "title": title})
    return own_area


def deactivate_own_area(actor: User, own_area: OwnArea) -> None:
    """Leave the area out of rounds opened from now on (earlier rounds keep it)."""
    _lock(own_area.organisation)  # two clicks at once: the second finds it done
    db.session.refresh(own_area)
    if not own_area.active:
        raise Conflict(_("The area is already deactivated."), code="already_inactive")
    own_area.active = False
    db.session.flush()
    audit.record(actor, "own_area.deactivated", own_area,
                 f"Own area {own_area.code} “{own_area.title}” deactivated", own_area.organisation_id,
                 data={"code": own_area.code, "title": own_area.title})


def reactivate_own_area(actor: User, own_area: OwnArea) -> None:
    """Include a deactivated area in new rounds again."""
    _lock(own_area.organisation)  # two clicks at once: the second finds it done
    db.session.refresh(own_area)
    if own_area.active:
        raise Conflict(_("The area is already active."), code="already_active")
    _check_unique_title(own_area.organisation, own_area.title, own_area)
    _check_room(own_area.organisation)
    own_area.active = True
    db.session.flush()
    audit.record(actor, "own_area.reactivated", own_area,
                 f"Own area {own_area.code} “{own_area.title}” reactivated", own_area.organisation_id,
                 data={"code": own_area.code, "title": own_area.title})


def own_area_in(organisation: Organisation, own_area_id: int) -> OwnArea | None:
    """The own area with this id if it belongs to ``organisation``."""
    own_area = db.session.get(OwnArea, own_area_id)
    if own_area is None or own_area.organisation_id != organisation.id:
        return None
    return own_area
