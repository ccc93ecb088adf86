"""The evidence picker of the fill and consensus forms: the library rendered once per page.

Each step lists the evidence already linked to it or tagged to this area and step (a few items).
The rest of the library is one list below the steps, where every document has a checkbox per step
it can be added to. The checkboxes carry the same names as before (``step-<n>-evidence``), so the
form works without JavaScript and autosave posts the same fields; the page no longer repeats the
whole library once per step (five times the HTML). Only ids, titles and tags of this area are read,
in two statements, not the evidence objects with their files and authors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Evidence, EvidenceTag


@dataclass(frozen=True)
class LibraryItem:
    id: int
    title: str
    url: str | None


@dataclass
class Picker:
    """``near``: level → items shown in that step; ``rows``: (item, levels it can be added to)."""

    near: dict[int, list[LibraryItem]] = field(default_factory=dict)
    rows: list[tuple[LibraryItem, list[int]]] = field(default_factory=list)
    size: int = 0  # items in the library
    labels: dict[int, str] = field(default_factory=dict)  # level → "Step n", translated once per page
    texts: dict[str, str] = field(default_factory=dict)  # the labels and URL prefix the rows share (``pages``)

    def shown(self, level: int) -> set[int]:
        return {item.id for item in self.near.get(level, [])}


def _library(organisation_id: int) -> list[LibraryItem]:
    """The organisation's library (not archived), newest first, as the evidence page orders it."""
    return load_library(organisation_id)[0]


@functools.cache
def _library_statement(with_wanted: bool) -> sa.Select:
    """``load_library``'s statement, with or without evidence asked for by id (bound ``wanted``),
    built once per process: building a statement costs more than running it."""
    shown = Evidence.archived.is_(False)
    if with_wanted:
        shown = sa.or_(shown, Evidence.id.in_(sa.bindparam("wanted", expanding=True, type_=sa.Integer)))
    return (sa.select(Evidence.id, Evidence.title, Evidence.url, Evidence.archived)
            .where(Evidence.organisation_id == sa.bindparam("organisation_id", type_=sa.Integer), shown)
            .order_by(Evidence.updated_at.desc(), Evidence.id.desc()))


@functools.cache
def _tags_statement() -> sa.Select:
    """``_tags``' statement, built once per process."""
    return (sa.select(EvidenceTag.evidence_id, EvidenceTag.level).join(Evidence, Evidence.id == EvidenceTag.evidence_id)
            .where(Evidence.organisation_id == sa.bindparam("organisation_id", type_=sa.Integer),
                   EvidenceTag.area == sa.bindparam("area", type_=EvidenceTag.area.type)))


def load_library(organisation_id: int, also: set[int] | frozenset[int] = frozenset()
                 ) -> tuple[list[LibraryItem], dict[int, LibraryItem]]:
    """(the library as ``_library`` lists it, id → item of the organisation's evidence among ``also``).

    One statement: ``also`` (evidence already linked, archived or not) comes with the library."""
    wanted = {i for i in also if isinstance(i, int)}
    rows = db.session.execute(_library_statement(bool(wanted)),
                              {"organisation_id": organisation_id, "wanted": sorted(wanted)}).all()
    items = [(LibraryItem(i, title, url), archived) for i, title, url, archived in rows]
    library = [item for item, archived in items if not archived]
    return library, {item.id: item for item, _archived in items if item.id in wanted}


def _tags(organisation_id: int, area: str) -> dict[int, set[int | None]]:
    """evidence id → the levels it is tagged with in ``area`` (None: the whole area)."""
    found: dict[int, set[int | None]] = {}
    for evidence_id, level in db.session.execute(_tags_statement(), {"organisation_id": organisation_id,
                                                                     "area": area}):
        found.setdefault(evidence_id, set()).add(level)
    return found


def build_picker(organisation_id: int, area: dict, selected: dict[int, list],
                 labels: dict[int, str] | None = None, texts: dict[str, str] | None = None,
                 library: list[LibraryItem] | None = None) -> Picker:
    """Split the library for the steps of ``area``; ``selected`` is level → evidence ids linked now.

    ``labels`` (level → "Step n" in the page's language; the level itself when missing) and
    ``texts`` are translated once, not once per checkbox. ``library``: ``load_library``'s, when
    the caller has read it."""
    library = _library(organisation_id) if library is None else library
    tags = _tags(organisation_id, area["code"])
    levels = [step["level"] for step in area["steps"]]
    chosen = {level: {i for i in selected.get(level, []) if isinstance(i, int)} for level in levels}
    labels = {level: (labels or {}).get(level) or level for level in levels}
    picker = Picker(near={level: [] for level in levels}, size=len(library), labels=labels, texts=texts or {})
    for item in library:
        tagged = tags.get(item.id, set())
        offered = []
        for level in levels:
            if item.id in chosen[level] or None in tagged or level in tagged:
                picker.near[level].append(item)
            else:
                offered.append(level)
        if offered:
            picker.rows.append((item, offered))
    return picker
