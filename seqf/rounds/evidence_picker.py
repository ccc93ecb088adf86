"""The evidence picker of the fill and consensus forms: the library rendered once per page.

Each step lists the evidence already linked to it or tagged to this area and step (a few items).
The rest of the library is one list below the steps, where every document has a checkbox per step
it can be added to. The checkboxes carry the same names as before (``step-<n>-evidence``), so the
form works without JavaScript and autosave posts the same fields; the page no longer repeats the
whole library once per step (five times the HTML). Only ids, titles and tags of this area are read,
in one statement, not the evidence objects with their files and authors.
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


@functools.cache
def _library_statement(with_wanted: bool, with_tags: bool) -> sa.Select:
    """The library's statement, built once per process: building a statement costs more than running it.

    ``with_wanted``: evidence asked for by id (bound ``wanted``) comes along, archived or not.
    ``with_tags``: each document's tags in one area (bound ``area``) come in the same statement, one
    row per tag (``tag_id`` None: untagged there)."""
    shown = Evidence.archived.is_(False)
    if with_wanted:
        shown = sa.or_(shown, Evidence.id.in_(sa.bindparam("wanted", expanding=True, type_=sa.Integer)))
    columns = [Evidence.id, Evidence.title, Evidence.url, Evidence.archived]
    if with_tags:
        columns += [EvidenceTag.id.label("tag_id"), EvidenceTag.level.label("tag_level")]
    query = sa.select(*columns)
    if with_tags:
        query = query.outerjoin(EvidenceTag, sa.and_(EvidenceTag.evidence_id == Evidence.id,
                                                     EvidenceTag.area == sa.bindparam("area", type_=sa.String)))
    return (query.where(Evidence.organisation_id == sa.bindparam("organisation_id", type_=sa.Integer), shown)
            .order_by(Evidence.updated_at.desc(), Evidence.id.desc()))


@dataclass
class Library:
    """What ``read_library`` read: the library (not archived, newest first), id → item of the evidence
    asked for by id, and evidence id → the levels it is tagged with in the area (None: the whole area)."""

    items: list[LibraryItem]
    wanted: dict[int, LibraryItem]
    tags: dict[int, set[int | None]]


def read_library(organisation_id: int, area: str | None = None,
                 also: set[int] | frozenset[int] = frozenset()) -> Library:
    """The organisation's library, the evidence among ``also`` (archived or not) and the tags of ``area``:
    one statement."""
    wanted = {i for i in also if isinstance(i, int)}
    rows = db.session.execute(_library_statement(bool(wanted), area is not None),
                              {"organisation_id": organisation_id, "wanted": sorted(wanted), "area": area}).all()
    found: dict[int, tuple[LibraryItem, bool]] = {}  # in the statement's order
    tags: dict[int, set[int | None]] = {}
    for row in rows:
        if row.id not in found:
            found[row.id] = (LibraryItem(row.id, row.title, row.url), row.archived)
        if area is not None and row.tag_id is not None:
            tags.setdefault(row.id, set()).add(row.tag_level)
    return Library(items=[item for item, archived in found.values() if not archived],
                   wanted={i: item for i, (item, _archived) in found.items() if i in wanted}, tags=tags)


def build_picker(organisation_id: int, area: dict, selected: dict[int, list],
                 labels: dict[int, str] | None = None, texts: dict[str, str] | None = None,
                 library: Library | None = None) -> Picker:
    """Split the library for the steps of ``area``; ``selected`` is level → evidence ids linked now.

    ``labels`` (level → "Step n" in the page's language; the level itself when missing) and
    ``texts`` are translated once, not once per checkbox. ``library``: ``read_library`` for this
    area, when the caller has read it (else it is read here: the library and its tags, one statement)."""
    found = read_library(organisation_id, area["code"]) if library is None else library
    library, tags = found.items, found.tags
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
