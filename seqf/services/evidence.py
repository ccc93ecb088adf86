"""The evidence library: add files and links, replace files (versions are kept), edit, archive.

Every change writes an audit event. File types are checked from the content (``seqf.filetypes``);
tags point at a quality area (``"5"``) or one step of it (``"5.2"``): the SEQF areas 1–9 and the
organisation's own areas, steps 1–5.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from seqf import filetypes
from seqf.extensions import db
from seqf.models import Evidence, EvidenceFile, EvidenceTag, Organisation, OwnArea, User, utcnow
from seqf.services import audit, evidence_files, locks
from seqf.services.errors import Conflict, RuleViolation
from seqf.text import clean_single_line, has_visible

SEQF_AREAS = tuple(str(n) for n in range(1, 10))
LEVELS = range(1, 6)
TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
URL_MAX = 2000
SEARCH_MAX = 200  # the form and the API refuse a longer search
KINDS = ("file", "link")

TagRef = tuple[str, int | None]


# --- validation -----------------------------------------------------------------------------------

def tag_code(area: str, level: int | None) -> str:
    return area if level is None else f"{area}.{level}"


def tags_of(evidence: Evidence) -> list[TagRef]:
    """The evidence's tags sorted by area, the whole area before its steps."""
    return sort_tags((t.area, t.level) for t in evidence.tags)


def sort_tags(tags: Iterable[TagRef]) -> list[TagRef]:
    """By area (1 … 9, then longer codes), the whole area before its steps."""
    return sorted(tags, key=lambda t: (len(t[0]), t[0], t[1] or 0))


def area_codes(organisation: Organisation | None) -> list[str]:
    """SEQF areas 1–9, then the organisation's own areas."""
    codes = list(SEQF_AREAS)
    if organisation is not None:
        codes += db.session.scalars(
            sa.select(OwnArea.code).where(OwnArea.organisation_id == organisation.id).order_by(OwnArea.code)
        ).all()
    return codes


def parse_tags(values: Iterable[str] | str | None, organisation: Organisation | None = None) -> list[TagRef]:
    """``["5", "5.2"]`` or ``"5, 5.2"`` → ``[("5", None), ("5", 2)]``; unknown codes are refused."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    known = set(area_codes(organisation))
    tags: list[TagRef] = []
    unknown: list[str] = []
    for raw in values:
        for value in str(raw).split(","):
            value = value.strip()
            if not value:
                continue
            tag = _parse_tag(value, known)
            if tag is None:
                unknown.append(value)
            elif tag not in tags:
                tags.append(tag)
    if unknown:
        listed = ", ".join(unknown[:10])
        raise RuleViolation(_("Unknown area or step: %(codes)s. Use an area code such as 5, or area and step "
                              "such as 5.2 (steps 1–5).", codes=listed),
                            fields={"tags": listed}, code="unknown_area")
    return tags


def _parse_tag(value: str, known: set[str]) -> TagRef | None:
    if value in known:
        return value, None
    area, _sep, level = value.rpartition(".")
    if area in known and level.isdigit() and int(level) in LEVELS:
        return area, int(level)
    return None


def clean_title(title: str | None) -> str:
    title = clean_single_line(title) or ""
    if not has_visible(title):
        raise RuleViolation(_("Enter a title."), fields={"title": _("Required.")})
    if len(title) > TITLE_MAX:
        raise RuleViolation(_("The title can be at most %(n)d characters.", n=TITLE_MAX),
                            fields={"title": _("At most %(n)d characters.", n=TITLE_MAX)})
    return title


def clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise RuleViolation(_("The description can be at most %(n)d characters.", n=DESCRIPTION_MAX),
                            fields={"description": _("At most %(n)d characters.", n=DESCRIPTION_MAX)})
    return description


def clean_url(url: str | None) -> str:
    url = (url or "").strip()
    parts = urlsplit(url) if len(url) <= URL_MAX else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(c.isspace() or ord(c) < 32 for c in url)):
        message = _("Enter a web address starting with http:// or https:// (at most %(n)d characters).", n=URL_MAX)
        raise RuleViolation(message, fields={"url": message}, code="invalid_url")
    return url


def max_file_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", filetypes.DEFAULT_MAX_BYTES))


# --- changes --------------------------------------------------------------------------------------

def _new_file(actor: User | None, filename: str, data: bytes, version: int) -> EvidenceFile:
    found = filetypes.detect(data, filename, max_file_bytes())
    return EvidenceFile(
        version=version, filename=filetypes.stored_filename(filename, found.extension),
        content_type=found.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        data=data, uploaded_by_id=actor.id if actor else None,
    )


def _create(actor: User | None, organisation: Organisation, *, title: str, description: str,
            tags, url: str | None = None, round_id: int | None = None) -> Evidence:
    evidence = Evidence(organisation_id=organisation.id, title=clean_title(title),
                        description=clean_description(description), url=url,
                        created_by_id=actor.id if actor else None, round_id=round_id)
    evidence.tags = [EvidenceTag(area=area, level=level) for area, level in parse_tags(tags, organisation)]
    return evidence


def add_file_evidence(actor: User | None, organisation: Organisation, *, title: str, description: str = "",
                      filename: str, data: bytes, tags: Iterable[str] | str | None = (),
                      round_id: int | None = None) -> Evidence:
    """A document for the library. The type is judged from ``data``; the stored name gets the real extension.

    ``round_id`` marks an upload from that round's fill form: its uploader stays hidden from all but
    herself (``uploader_hidden``), in the library and in the organisation's audit log.
    """
    evidence = _create(actor, organisation, title=title, description=description, tags=tags, round_id=round_id)
    file = _new_file(actor, filename, data, version=1)
    evidence.files.append(file)
    db.session.add(evidence)
    db.session.flush()
    audit.record(actor, "evidence.created", evidence,
                 f"Evidence «{evidence.title}» added: {file.filename} ({file.size} bytes, sha256 {file.sha256[:12]})",
                 organisation.id, data={"title": evidence.title, "kind": "file", "filename": file.filename,
                                        "size": file.size, **({"round_id": round_id} if round_id else {})})
    return evidence


def uploader_hidden(evidence: Evidence, viewer: User | None, person_id: int | None = None) -> bool:
    """True when ``evidence`` came from a round's fill form, for everyone but its uploader.

    The upload is tagged to the step it documents, so its uploader's name would tell a leader which
    step one named person documented, during the round and after it (when the consensus pre-fill
    shows it among the evidence staff linked). ``person_id``: the person about to be named (a later
    file version, an audit event's actor); only the original uploader is hidden.
    """
    if evidence.round_id is None or evidence.created_by_id is None:
        return False
    if viewer is not None and getattr(viewer, "id", None) == evidence.created_by_id:
        return False
    return person_id is None or person_id == evidence.created_by_id


def add_link_evidence(actor: User | None, organisation: Organisation, *, title: str, url: str,
                      description: str = "", tags: Iterable[str] | str | None = ()) -> Evidence:
    """A link to material kept elsewhere (http or https only)."""
    evidence = _create(actor, organisation, title=title, description=description, tags=tags, url=clean_url(url))
    db.session.add(evidence)
    db.session.flush()
    audit.record(actor, "evidence.created", evidence, f"Link «{evidence.title}» added: {evidence.url}",
                 organisation.id, data={"title": evidence.title, "kind": "link", "url": evidence.url})
    return evidence


def _ensure_active(evidence: Evidence) -> None:
    if evidence.archived:
        raise Conflict(_("This evidence is archived. Restore it before changing it."), code="archived")


def replace_file(actor: User | None, evidence: Evidence, filename: str, data: bytes) -> EvidenceFile:
    """Store a new version of the file; earlier versions stay downloadable."""
    file = _new_file(actor, filename, data, version=0)  # checked before the lock: the slow part
    locks.lock(evidence)  # two uploads at once get the next numbers in turn; archiving waits too
    _ensure_active(evidence)
    if evidence.is_link:
        raise RuleViolation(_("This evidence is a link; it has no file to replace."), code="not_a_file")
    file.version = (db.session.scalar(sa.select(sa.func.max(EvidenceFile.version))
                                      .where(EvidenceFile.evidence_id == evidence.id)) or 0) + 1
    try:
        with db.session.begin_nested():
            evidence.files.append(file)
            evidence.updated_at = utcnow()  # a new version counts as a change of the evidence
            db.session.flush()
    except sa.exc.IntegrityError:  # someone else stored the same version number a moment earlier
        raise Conflict(_("Someone else uploaded a new version at the same time. Reload and try again."),
                       code="version_conflict") from None
    audit.record(actor, "evidence.file_replaced", evidence,
                 f"«{evidence.title}»: version {file.version} uploaded ({file.filename}, sha256 {file.sha256[:12]})",
                 evidence.organisation_id, data={"title": evidence.title, "version": file.version,
                                                 "filename": file.filename})
    return file


class StaleEdit(Conflict):
    """The edit was based on title, description, address or tags that someone changed since (409).

    ``current`` holds what is stored now (``editable_fields``), so the page can show it beside
    what was typed and the API can answer with it.
    """

    code = "stale_version"

    def __init__(self, current: dict):
        super().__init__(_("Someone else changed this evidence after you opened it. Compare both versions "
                           "and save again to keep yours."))
        self.current = current


def editable_fields(evidence: Evidence) -> dict:
    return {"title": evidence.title, "description": evidence.description, "url": evidence.url,
            "tags": [tag_code(*t) for t in tags_of(evidence)]}


def edit_revision(evidence: Evidence) -> str:
    """A fingerprint of what an edit changes: an edit form or API client sends back the one it
    read, and a different one means someone else changed the evidence meanwhile. (A content hash
    needs no version column; changing a field back and forth is no conflict, which is right.)"""
    text = json.dumps(editable_fields(evidence), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def lock_for_edit(evidence: Evidence) -> None:
    """Take the evidence's row lock and re-read it (tags included) as committed by whoever came first."""
    locks.lock(evidence)
    db.session.expire(evidence, ["tags"])


def update_evidence(actor: User | None, evidence: Evidence, title: str, description: str,
                    tags: Iterable[str] | str | None, url: str | None = None, *,
                    revision: str | None = None) -> None:
    """Change title, description and tags (and the address of a link).

    Under the evidence's row lock; with ``revision`` (``edit_revision`` as the caller read it) an
    edit based on an older state raises ``StaleEdit`` instead of silently overwriting it.
    """
    lock_for_edit(evidence)
    _ensure_active(evidence)
    if revision and revision != edit_revision(evidence):
        raise StaleEdit(editable_fields(evidence))
    new_title, new_description = clean_title(title), clean_description(description)
    wanted = parse_tags(tags, evidence.organisation)
    changes, changed, old_title = [], [], evidence.title
    if new_title != evidence.title:
        changes.append(f"title «{evidence.title}» → «{new_title}»")
        changed.append("title")
        evidence.title = new_title
    if new_description != evidence.description:
        changes.append("description changed")
        changed.append("description")
        evidence.description = new_description
    if evidence.is_link and url is not None and clean_url(url) != evidence.url:
        changes.append(f"address → {clean_url(url)}")
        changed.append("url")
        evidence.url = clean_url(url)
    if _set_tags(evidence, wanted):
        changes.append("tags: " + (", ".join(tag_code(*t) for t in wanted) or "none"))
        changed.append("tags")
    if changes:
        evidence.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "evidence.updated", evidence, f"«{evidence.title}»: " + "; ".join(changes),
                     evidence.organisation_id,
                     data={"title": evidence.title, "old_title": old_title, "changed": changed,
                           "tags": [tag_code(*t) for t in wanted]})


def _set_tags(evidence: Evidence, wanted: list[TagRef]) -> bool:
    """Keep tags still wanted, drop the rest, add the new ones; True when anything changed."""
    current = {(t.area, t.level): t for t in evidence.tags}
    removed = [tag for key, tag in current.items() if key not in wanted]
    added = [key for key in wanted if key not in current]
    for tag in removed:
        evidence.tags.remove(tag)
    for area, level in added:
        evidence.tags.append(EvidenceTag(area=area, level=level))
    return bool(removed or added)


def archive_evidence(actor: User | None, evidence: Evidence) -> None:
    """Hide evidence from the library; links to it from assessments stay valid."""
    locks.lock(evidence)  # archived twice at once: the second is told it is archived already
    _ensure_active(evidence)
    evidence.archived = True
    audit.record(actor, "evidence.archived", evidence, f"«{evidence.title}» archived", evidence.organisation_id,
                 data={"title": evidence.title})


def restore_evidence(actor: User | None, evidence: Evidence) -> None:
    locks.lock(evidence)
    if not evidence.archived:
        return
    evidence.archived = False
    audit.record(actor, "evidence.restored", evidence, f"«{evidence.title}» restored", evidence.organisation_id,
                 data={"title": evidence.title})


# --- queries --------------------------------------------------------------------------------------

def evidence_for(organisation: Organisation, *, search: str | None = None, area: str | None = None,
                 level: int | None = None, kind: str | None = None, archived: bool = False) -> sa.Select:
    """The library, newest first, as a Select to paginate; filters are optional."""
    query = (sa.select(Evidence).options(so.selectinload(Evidence.files), so.joinedload(Evidence.created_by))
             .order_by(Evidence.updated_at.desc(), Evidence.id.desc()))
    return _filtered(query, organisation, search=search, area=area, level=level, kind=kind, archived=archived)


_TAG_SEP, _PART_SEP = "\x1e", "\x1f"  # control characters: never in an area code (1–9, E1 …; ``parse_tags`` checks)


def library_rows_for(organisation: Organisation, *, search: str | None = None, area: str | None = None,
                     level: int | None = None, kind: str | None = None, archived: bool = False) -> sa.Select:
    """The library page's list as rows of the shown columns, in ``evidence_for``'s order and with its
    filters: the evidence's own columns, the creator's name, the current (highest) file version's
    version, type and size, the tags packed into one string (``unpack_tags``) and ``total``, the
    number of matches before LIMIT/OFFSET (a window count: the page needs no COUNT statement)."""
    return _filtered(_library_rows(), organisation, search=search, area=area, level=level, kind=kind,
                     archived=archived)


@functools.cache
def _library_rows() -> sa.Select:
    """``library_rows_for`` before its filters, built once: its subqueries and joins took 0.8 ms to
    build on every library page, the filters a tenth of that."""
    versions = so.aliased(EvidenceFile)
    current = (sa.select(sa.func.max(versions.version)).where(versions.evidence_id == Evidence.id)
               .correlate(Evidence).scalar_subquery())
    packed = sa.func.aggregate_strings(
        EvidenceTag.area + _PART_SEP + sa.func.coalesce(sa.cast(EvidenceTag.level, sa.String), ""), _TAG_SEP)
    tags = sa.select(packed).where(EvidenceTag.evidence_id == Evidence.id).correlate(Evidence).scalar_subquery()
    return (
        sa.select(Evidence.id, Evidence.title, Evidence.url, Evidence.updated_at, Evidence.round_id,
                  Evidence.created_by_id, User.name.label("creator_name"), EvidenceFile.version.label("file_version"),
                  EvidenceFile.content_type.label("file_content_type"), EvidenceFile.size.label("file_size"),
                  tags.label("tags"), sa.func.count().over().label("total"))
        .outerjoin(User, User.id == Evidence.created_by_id)
        .outerjoin(EvidenceFile, sa.and_(EvidenceFile.evidence_id == Evidence.id, EvidenceFile.version == current))
        .order_by(Evidence.updated_at.desc(), Evidence.id.desc())
    )


def unpack_tags(packed: str | None) -> list[TagRef]:
    """A ``library_rows_for`` row's ``tags`` → the tags in ``tags_of``'s order."""
    if not packed:
        return []
    tags = []
    for part in packed.split(_TAG_SEP):
        code, _sep, level = part.partition(_PART_SEP)
        tags.append((code, int(level) if level else None))
    return sort_tags(tags)


def _filtered(query: sa.Select, organisation: Organisation, *, search: str | None, area: str | None,
              level: int | None, kind: str | None, archived: bool) -> sa.Select:
    query = query.where(Evidence.organisation_id == organisation.id, Evidence.archived.is_(archived))
    if search and search.strip():
        pattern = "%" + _escape_like(search.strip()) + "%"
        query = query.where(sa.or_(Evidence.title.ilike(pattern, escape="\\"),
                                   Evidence.description.ilike(pattern, escape="\\")))
    if area or level:
        query = query.where(_tag_filter(area, level))
    if kind == "file":
        query = query.where(Evidence.url.is_(None))
    elif kind == "link":
        query = query.where(Evidence.url.is_not(None))
    return query


def _tag_filter(area: str | None, level: int | None):
    conditions = [EvidenceTag.evidence_id == Evidence.id]
    if area:
        conditions.append(EvidenceTag.area == area)
    if level:
        conditions.append(EvidenceTag.level == level)
    return sa.exists().where(*conditions)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def evidence_in_organisation(organisation_id: int, ids: Iterable[int]) -> list[Evidence]:
    """The evidence with these ids, in the given order; refuses ids that are unknown or belong elsewhere."""
    wanted: list[int] = []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
            raise _foreign([str(value)])
        if int(value) not in wanted:
            wanted.append(int(value))
    if not wanted:
        return []
    found = {e.id: e for e in db.session.scalars(
        sa.select(Evidence).where(Evidence.id.in_(wanted), Evidence.organisation_id == organisation_id))}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise _foreign(missing)
    return [found[i] for i in wanted]


def _foreign(ids: list[str]) -> RuleViolation:
    listed = ", ".join(ids[:10])
    return RuleViolation(_("Unknown evidence, or evidence of another organisation: %(ids)s.", ids=listed),
                         fields={"evidence_ids": listed}, code="foreign_evidence")


def evidence_file(evidence: Evidence, version: int | None = None) -> EvidenceFile | None:
    """One version of the file to send (the latest when ``version`` is None): its bytes come with it
    only if it is no bigger than one chunk, else downloads stream them in chunks
    (``seqf.services.evidence_files``); ``file.data`` still loads them whole."""
    query = sa.select(EvidenceFile, evidence_files.small_bytes()).where(EvidenceFile.evidence_id == evidence.id)
    if version is None:
        query = query.order_by(EvidenceFile.version.desc()).limit(1)
    else:
        query = query.where(EvidenceFile.version == version)
    return evidence_files.with_small_bytes(db.session.execute(query).first())
