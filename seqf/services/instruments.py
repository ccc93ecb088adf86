"""Instrument versions in the database, and the areas a round asks about.

A stored instrument row is never changed: registering a definition whose content hash is new for
its slug adds a row (a new version); registering known content returns the existing row. The
built-in files in ``FORMS_DIR`` are synchronised on demand, so a changed file becomes the current
version the first time it is needed. Areas are handed to rounds, reviews and evidence tagging in
one normalised shape (see ``areas_for_round``).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import defer

from seqf.extensions import db
from seqf.instruments import (
    Area,
    Indicator,
    InstrumentDefinition,
    builtin_instrument_paths,
    content_hash,
    load_definition,
    parse_definition,
    short_version,
)
from seqf.models import Instrument, Organisation, OwnArea, User
from seqf.services import audit
from seqf.services.errors import NotFound
from seqf.text import shorten

SEQF_SLUG = "seqf"
REQUEST_CACHE = "current_instruments"
LIGHT_CACHE = "light_instruments"

# content hash → parsed definition (stored versions never change, so this never goes stale)
_DEFINITIONS: dict[str, InstrumentDefinition] = {}
# built-in file path → ((mtime_ns, size), definition, content hash)
_BUILTIN_FILES: dict[str, tuple[tuple[int, int], InstrumentDefinition, str]] = {}
# content hash → the instrument's areas in the normalised shape (see ``instrument_areas``)
_AREAS: dict[str, tuple[dict[str, Any], ...]] = {}
# (content hash, own-area snapshot as canonical JSON) → a round's areas (see ``areas_for_round``)
_ROUND_AREAS: dict[tuple[str, str], tuple[dict[str, Any], ...]] = {}
_ROUND_AREAS_MAX = 512  # distinct own-area snapshots kept; beyond it the oldest half is dropped


# --- storing versions ----------------------------------------------------------------------------

def find_version(slug: str, digest: str) -> Instrument | None:
    """The stored row with this slug and content hash, if any."""
    return db.session.scalar(
        sa.select(Instrument).where(Instrument.slug == slug, Instrument.content_hash == digest)
    )


def _newest(slug: str) -> Instrument | None:
    return db.session.scalar(_newest_query(), {"slug": slug})


@functools.cache
def _newest_query() -> sa.Select:
    """Built once with the slug as a parameter: every page that shows an instrument asks it."""
    return sa.select(Instrument).where(Instrument.slug == sa.bindparam("slug")).order_by(Instrument.id.desc()).limit(1)


def _insert_if_new(defn: InstrumentDefinition, digest: str, source: str) -> bool:
    """Insert the version unless (slug, hash) exists; safe when several processes race."""
    values = {
        "slug": defn.slug, "version": short_version(digest), "content_hash": digest,
        "title_nb": shorten(defn.title.nb, 200), "title_en": shorten(defn.title.en, 200), "scale": defn.scale,
        "source": source[-200:], "definition": defn.model_dump(mode="json"),
    }
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = Instrument.__table__
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["slug", "content_hash"]
    ).returning(table.c.id)
    return db.session.execute(statement).scalar() is not None


def import_definition(defn: InstrumentDefinition, source: str, actor: User | None = None,
                      digest: str | None = None) -> tuple[Instrument, bool]:
    """Store ``defn`` as a version of its slug; return the row and whether it was new. ``digest`` is
    its ``content_hash`` when the caller has it already (hashing 108 KB of JSON takes milliseconds)."""
    digest = digest or content_hash(defn)
    existing = find_version(defn.slug, digest)
    if existing is not None:
        return existing, False
    created = _insert_if_new(defn, digest, source)
    instrument = find_version(defn.slug, digest)
    _DEFINITIONS.setdefault(digest, defn)
    if created:
        g.pop(REQUEST_CACHE, None)
        audit.record(actor, "instrument.imported", instrument,
                     f"Instrument {defn.slug} version {instrument.version} imported from {source}",
                     data={"slug": defn.slug, "version": instrument.version, "source": str(source)})
    return instrument, created


def register_definition(defn: InstrumentDefinition, source: str, actor: User | None = None) -> Instrument:
    """Get or create the stored version of ``defn``; an existing row is never modified."""
    return import_definition(defn, source, actor)[0]


# --- built-in files ------------------------------------------------------------------------------

def _load_builtin(path: Path) -> tuple[InstrumentDefinition, str]:
    """Load a built-in file, re-reading it only when its modification time or size changed."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _BUILTIN_FILES.get(str(path))
    if cached is None or cached[0] != stamp:
        defn = load_definition(path)
        cached = (stamp, defn, content_hash(defn))
        _BUILTIN_FILES[str(path)] = cached
    return cached[1], cached[2]


def builtin_definitions() -> dict[str, tuple[Path, InstrumentDefinition, str]]:
    """slug → (path, definition, content hash) for every ``forms/*.yaml``."""
    found = {}
    for path in builtin_instrument_paths(current_app.config["FORMS_DIR"]):
        defn, digest = _load_builtin(path)
        found[defn.slug] = (path, defn, digest)
    return found


def _builtin_source(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _sync_builtin(path: Path, defn: InstrumentDefinition, digest: str) -> Instrument:
    """Store the built-in file's content unless a text imported under the same slug is newer.

    An organisation that imports the licensed text as ``seqf`` keeps it as the current version
    even when an upgrade changes ``forms/seqf.yaml``. Asked on every page that shows an instrument:
    when the newest stored version is this file's content, that one statement is all it costs.
    """
    newest = _newest(defn.slug)
    if newest is not None and (newest.source != _builtin_source(path) or newest.content_hash == digest):
        return newest
    return import_definition(defn, _builtin_source(path), digest=digest)[0]


def sync_builtin_instruments() -> list[Instrument]:
    """Store the current content of every built-in file (see ``_sync_builtin``); return the rows."""
    return [_sync_builtin(path, defn, digest) for path, defn, digest in builtin_definitions().values()]


# --- looking versions up -------------------------------------------------------------------------

def current_instrument(slug: str) -> Instrument:
    """The newest stored version of ``slug`` (after storing a changed built-in file).

    Looked up once per request; an unknown slug raises ``NotFound``.
    """
    cache = g.setdefault(REQUEST_CACHE, {})
    if slug in cache:
        return db.session.get(Instrument, cache[slug])
    builtin = builtin_definitions().get(slug)
    instrument = _sync_builtin(*builtin) if builtin is not None else _newest(slug)
    if instrument is None:
        raise NotFound(_("Unknown instrument “%(slug)s”.", slug=slug), fields={"slug": slug},
                       code="unknown_instrument")
    cache[slug] = instrument.id
    return instrument


def forget_request_cache() -> None:
    """Drop the per-request lookups (called when a request starts)."""
    g.pop(REQUEST_CACHE, None)
    g.pop(LIGHT_CACHE, None)


def instrument_by_id(instrument_id: int) -> Instrument:
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None:
        raise NotFound(_("Unknown instrument."), code="unknown_instrument")
    return instrument


def list_instruments() -> list[Instrument]:
    """The newest version of every instrument, by slug (built-in files synchronised first)."""
    sync_builtin_instruments()
    newest = sa.select(sa.func.max(Instrument.id)).group_by(Instrument.slug)
    return list(db.session.scalars(
        sa.select(Instrument).where(Instrument.id.in_(newest)).order_by(Instrument.slug)
    ))


def all_versions() -> list[Instrument]:
    """Every stored version, by slug and then oldest first."""
    return list(db.session.scalars(sa.select(Instrument).order_by(Instrument.slug, Instrument.id)))


def definition_of(instrument: Instrument) -> InstrumentDefinition:
    """The parsed definition of a stored version (cached by content hash)."""
    defn = _DEFINITIONS.get(instrument.content_hash)
    if defn is None:
        defn = parse_definition(instrument.definition, f"instrument {instrument.slug} {instrument.version}")
        _DEFINITIONS[instrument.content_hash] = defn
    return defn


# --- the normalised area shape -------------------------------------------------------------------

def _both(text: str) -> dict[str, str]:
    """A one-language text (an own area's) in the two-language shape."""
    return {"nb": text, "en": text}


def _indicator_dict(indicator: Indicator) -> dict[str, Any]:
    guidance = None
    if indicator.guidance is not None:
        guidance = {"meaning": indicator.guidance.meaning.model_dump(),
                    "evidence": indicator.guidance.evidence.model_dump()}
    return {"code": indicator.code, "text": indicator.text.model_dump(), "guidance": guidance}


def _area_dict(area: Area) -> dict[str, Any]:
    return {
        "code": area.code,
        "own": False,
        "title": area.title.model_dump(),
        "summary": area.summary.model_dump() if area.summary else _both(""),
        "steps": [{"level": step.level, "title": step.title.model_dump(),
                   "indicators": [_indicator_dict(ind) for ind in step.indicators]}
                  for step in area.steps],
    }


def instrument_areas(instrument: Instrument) -> list[dict[str, Any]]:
    """The instrument's areas in the normalised shape (a fresh list of shared, read-only dicts).

    Built once per process per content hash: a stored version never changes (its hash is its
    content), so the structure cannot go stale. Callers must not mutate the dicts.
    """
    return list(_cached_instrument_areas(instrument))


def _cached_instrument_areas(instrument: Instrument) -> tuple[dict[str, Any], ...]:
    found = _AREAS.get(instrument.content_hash)
    if found is None:
        found = tuple(_area_dict(area) for area in definition_of(instrument).areas)
        _AREAS[instrument.content_hash] = found
    return found


def own_area_dict(own_area: OwnArea) -> dict[str, Any]:
    """One own area in the normalised shape; its texts are the same in ``nb`` and ``en``."""
    return {
        "code": own_area.code,
        "own": True,
        "title": _both(own_area.title),
        "summary": _both(own_area.description or ""),
        "steps": [{"level": step["level"], "title": _both(step["title"]),
                   "indicators": [{"code": ind["code"], "text": _both(ind["text"]), "guidance": None}
                                  for ind in step["indicators"]]}
                  for step in own_area.steps],
    }


def active_own_areas(organisation_id: int) -> list[OwnArea]:
    return list(db.session.scalars(
        sa.select(OwnArea).where(OwnArea.organisation_id == organisation_id, OwnArea.active.is_(True))
        .order_by(OwnArea.id)
    ))


def own_area_snapshot(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's active own areas as a round stores them when it opens (normalised shape)."""
    return [own_area_dict(area) for area in active_own_areas(organisation.id)]


def areas_for_round(instrument: Instrument, own_areas: list[dict]) -> list[dict[str, Any]]:
    """The instrument's areas followed by the round's own-area snapshot, all normalised.

    Each area: ``{"code", "own", "title": {nb, en}, "summary": {nb, en}, "steps": [{"level",
    "title": {nb, en}, "indicators": [{"code", "text": {nb, en}, "guidance": {"meaning",
    "evidence"} | None}]}]}``.

    Cached per process by the instrument's content hash and the own-area snapshot's content: both
    are immutable inputs (a round copies its own areas when it opens and never changes the copy),
    so equal keys always give equal areas and nothing needs invalidating. The list is fresh; the
    dicts are shared and must not be mutated.
    """
    key = (instrument.content_hash,
           json.dumps(own_areas, sort_keys=True, ensure_ascii=False) if own_areas else "")
    found = _ROUND_AREAS.get(key)
    if found is None:
        found = _cached_instrument_areas(instrument) + tuple({**area, "own": True} for area in own_areas)
        if len(_ROUND_AREAS) >= _ROUND_AREAS_MAX:
            for old in list(_ROUND_AREAS)[:_ROUND_AREAS_MAX // 2]:
                del _ROUND_AREAS[old]
        _ROUND_AREAS[key] = found
    return list(found)


def light_instrument(instrument_id: int) -> Instrument:
    """The instrument row without its definition (about 108 KB of JSON for SEQF).

    Round pages need only the content hash (the parsed definition and areas are cached by it); the
    definition is loaded on first access if this process has not parsed that version yet. An
    instrument already in the session is returned as it is. The row is kept in ``g`` for the rest
    of the request: the session's identity map holds objects weakly, so without a reference each
    call would read the row again.
    """
    held = g.setdefault(LIGHT_CACHE, {})
    instrument = held.get(instrument_id)
    if instrument is None or instrument not in db.session:
        instrument = db.session.get(Instrument, instrument_id, options=[defer(Instrument.definition)])
        held[instrument_id] = instrument
    return instrument


def area_codes_for(organisation_id: int) -> set[str]:
    """Area codes an organisation may use (evidence tags): SEQF's and its active own areas'."""
    codes = {area.code for area in definition_of(current_instrument(SEQF_SLUG)).areas}
    return codes | {area.code for area in active_own_areas(organisation_id)}


def localized(text: dict[str, str], lang: str) -> str:
    """Pick ``lang`` from a ``{"nb", "en"}`` text of the normalised shape (Bokmål by default)."""
    return text.get(lang) or text.get("nb", "")
