"""API: the evidence library — add files (multipart) and links (JSON), list, read, edit, download.

``POST /organisations/{org}/evidence`` takes either body, so it parses its own request instead of
giving ``operation`` a JSON model; errors keep the API's shape (422 ``file_type_refused``, 413
``file_too_large``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from flask import abort, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, Field, StringConstraints
from werkzeug.exceptions import RequestEntityTooLarge

from seqf import permissions
from seqf.api.core import ApiError, Query, current_api_user, operation, parse_body
from seqf.api.schemas import Strict
from seqf.evidence.views import attachment
from seqf.extensions import db
from seqf.filetypes import IMAGES, LEGACY_OFFICE, ODF, OOXML, TEXT
from seqf.models import Evidence, Organisation
from seqf.services import evidence as evidence_service
from seqf.services.evidence import LEVELS, tag_code, tags_of
from seqf.text import name_type

Title = name_type(evidence_service.TITLE_MAX)
Description = Annotated[str, StringConstraints(max_length=evidence_service.DESCRIPTION_MAX * 2)]
Url = Annotated[str, StringConstraints(max_length=evidence_service.URL_MAX * 2)]
Tags = list[Annotated[str, StringConstraints(max_length=40)]] | Annotated[str, StringConstraints(max_length=2000)]


class LinkCreate(Strict):
    title: Title
    url: Url
    description: Description = ""
    tags: Tags = []


class EvidenceUpload(BaseModel):
    """The multipart form of ``POST /organisations/{org}/evidence`` (documentation of the fields)."""

    file: bytes
    title: Title
    description: Description = ""
    tags: list[Annotated[str, StringConstraints(max_length=40)]] = []


class FileUpload(BaseModel):
    """The multipart form of ``POST /evidence/{id}/file``: the new version."""

    file: bytes


class EvidenceChange(Strict):
    title: Title | None = None
    description: Description | None = None
    url: Url | None = None
    tags: Tags | None = None
    archived: bool | None = None
    revision: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="the evidence's revision as you read it; a change since answers 409 stale_version")


class EvidenceOut(BaseModel):
    id: int
    organisation_id: int
    title: str
    description: str
    kind: Literal["file", "link"]
    url: str | None
    filename: str | None
    sha256: str | None
    content_type: str | None
    size: int | None
    version: int | None
    tags: list[str]
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    revision: str = Field(description="fingerprint of title, description, url and tags; send it back with PATCH")


def _timestamp(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def evidence_out(evidence: Evidence) -> dict:
    file = evidence.current_file
    return {
        "id": evidence.id, "organisation_id": evidence.organisation_id, "title": evidence.title,
        "description": evidence.description, "kind": "link" if evidence.is_link else "file", "url": evidence.url,
        "filename": file.filename if file else None, "sha256": file.sha256 if file else None,
        "content_type": file.content_type if file else None, "size": file.size if file else None,
        "version": file.version if file else None, "tags": [tag_code(*t) for t in tags_of(evidence)],
        "archived": evidence.archived, "created_at": _timestamp(evidence.created_at),
        "updated_at": _timestamp(evidence.updated_at), "revision": evidence_service.edit_revision(evidence),
    }


def _readable(evidence_id: int) -> Evidence:
    """The evidence if the caller may see its organisation; 404 otherwise (never revealing it exists)."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        abort(404)
    permissions.organisation_or_404(current_api_user(), evidence.organisation_id)
    return evidence


def _writable(evidence_id: int) -> Evidence:
    evidence = _readable(evidence_id)
    permissions.organisation_or_404(current_api_user(), evidence.organisation_id, permissions.can_write_evidence)
    return evidence


# --- creating -------------------------------------------------------------------------------------

@operation("/organisations/<int:org>/evidence", "POST", tag="evidence", response=EvidenceOut, status=201,
           summary="Add evidence: multipart/form-data (file, title, description, tags) or JSON "
                   "{title, url, description, tags} for a link (org_admin, leader, staff)",
           errors=(400, 403, 404, 413, 415, 422),
           bodies={"multipart/form-data": EvidenceUpload, "application/json": LinkCreate})
def create_evidence(org: int):
    actor = current_api_user()
    organisation = permissions.organisation_or_404(actor, org, permissions.can_write_evidence)
    if request.is_json:
        body = parse_body(LinkCreate)
        evidence = evidence_service.add_link_evidence(actor, organisation, title=body.title, url=body.url,
                                                      description=body.description, tags=body.tags)
    elif request.mimetype == "multipart/form-data":
        evidence = _create_from_multipart(actor, organisation)
    else:
        raise ApiError(415 if request.content_length else 400, "unsupported_media_type",
                       _("Send multipart/form-data with a file, or JSON with a link."))
    return evidence_out(evidence)


def _multipart() -> tuple:
    try:
        return request.form, request.files
    except RequestEntityTooLarge:
        raise ApiError(413, "file_too_large", _("The request is too large. Files can be at most %(limit)s.",
                                                limit=_limit())) from None


def _limit() -> str:
    from seqf.filetypes import format_size

    return format_size(evidence_service.max_file_bytes())


def _create_from_multipart(actor, organisation: Organisation) -> Evidence:
    form, files = _multipart()
    common = {"title": form.get("title", ""), "description": form.get("description", ""),
              "tags": form.getlist("tags")}
    upload = files.get("file")
    if (upload is None or not upload.filename) and form.get("url"):
        return evidence_service.add_link_evidence(actor, organisation, url=form["url"], **common)
    if upload is None or not upload.filename:
        raise ApiError(422, "validation_failed", _("Send the document in the form field «file»."),
                       {"file": _("Required.")})
    return evidence_service.add_file_evidence(actor, organisation, filename=upload.filename, data=upload.read(),
                                              **common)


@operation("/evidence/<int:evidence_id>/file", "POST", tag="evidence", response=EvidenceOut, status=201,
           summary="Upload a new version of the file (multipart field «file»); earlier versions are kept",
           errors=(403, 404, 409, 413, 422), bodies={"multipart/form-data": FileUpload})
def replace_evidence_file(evidence_id: int):
    evidence = _writable(evidence_id)
    _form, files = _multipart()
    upload = files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, "validation_failed", _("Send the document in the form field «file»."),
                       {"file": _("Required.")})
    evidence_service.replace_file(current_api_user(), evidence, upload.filename, upload.read())
    return evidence_out(evidence)


# --- reading and changing -------------------------------------------------------------------------

LIST_QUERY = {"q": Query.text("search in titles and descriptions"), "area": Query.text("area code, e.g. 5", 8),
              "step": Query.integer("step 1–5", LEVELS.start, LEVELS.stop - 1),
              "kind": Query.choice("file or link", *evidence_service.KINDS),
              "archived": Query.flag("true to list archived evidence instead"),
              "limit": Query.integer("at most this many (default and max 1000)", 1, 1000),
              "offset": Query.integer("skip this many", 0, 10**9)}
# what a download can be: every type an upload is accepted as (seqf.filetypes)
FILE_TYPES = ("application/pdf", *IMAGES, *(t for t, _ext in OOXML.values()), *ODF, *LEGACY_OFFICE.values(),
              *dict.fromkeys(TEXT.values()))


@operation("/organisations/<int:org>/evidence", tag="evidence", response=list[EvidenceOut],
           summary="The organisation's evidence library, newest first", query=LIST_QUERY, errors=(404, 422))
def list_evidence(org: int):
    organisation = permissions.organisation_or_404(current_api_user(), org)
    query = evidence_service.evidence_for(organisation, **_list_filters(organisation))
    limit, offset = _number("limit", 1000, 1, 1000), _number("offset", 0, 0, 10**9)
    return [evidence_out(e) for e in db.session.scalars(query.limit(limit).offset(offset))]


def _list_filters(organisation: Organisation) -> dict:
    args = request.args
    area = args.get("area") or None
    if area is not None and area not in evidence_service.area_codes(organisation):
        raise ApiError(422, "unknown_area", _("Unknown area: %(codes)s.", codes=area), {"area": _("Unknown.")})
    kind = args.get("kind") or None
    if kind not in (None, *evidence_service.KINDS):
        raise ApiError(422, "validation_failed", _("kind must be file or link."), {"kind": "file, link"})
    step = _number("step", None, LEVELS.start, LEVELS.stop - 1)
    if len(args.get("q") or "") > evidence_service.SEARCH_MAX:
        raise ApiError(422, "validation_failed", _("At most %(n)d characters.", n=evidence_service.SEARCH_MAX),
                       {"q": _("At most %(n)d characters.", n=evidence_service.SEARCH_MAX)})
    return {"search": args.get("q"), "area": area, "level": step, "kind": kind,
            "archived": args.get("archived", "").lower() in ("1", "true", "yes")}


def _number(name: str, default: int | None, low: int, high: int) -> int | None:
    value = request.args.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ApiError(422, "validation_failed", _("%(name)s must be a number from %(low)d to %(high)d.",
                                                   name=name, low=low, high=high), {name: f"{low}–{high}"})
    return int(value)


@operation("/evidence/<int:evidence_id>", tag="evidence", response=EvidenceOut,
           summary="One piece of evidence", errors=(404,))
def get_evidence(evidence_id: int):
    return evidence_out(_readable(evidence_id))


@operation("/evidence/<int:evidence_id>", "PATCH", tag="evidence", body=EvidenceChange, response=EvidenceOut,
           summary="Change title, description, tags or link address; archive or restore", errors=(403, 404, 409))
def change_evidence(evidence_id: int, body: EvidenceChange):
    evidence, actor = _writable(evidence_id), current_api_user()
    if body.archived is False:
        evidence_service.restore_evidence(actor, evidence)
    fields = {"title", "description", "url", "tags"} & body.model_fields_set
    if fields:
        if body.revision:  # compared under the lock; the fields left out are filled from the stored state
            evidence_service.lock_for_edit(evidence)
        try:
            evidence_service.update_evidence(
                actor, evidence, body.title if body.title is not None else evidence.title,
                body.description if body.description is not None else evidence.description,
                body.tags if body.tags is not None else [tag_code(*t) for t in tags_of(evidence)], url=body.url,
                revision=body.revision)
        except evidence_service.StaleEdit as exc:  # nothing was changed: the stored state, as read under the lock
            response = jsonify({"error": {"code": exc.code, "message": exc.message, "fields": exc.fields,
                                          "current": evidence_out(evidence)}})
            db.session.rollback()
            response.status_code = 409
            return response
    if body.archived:
        evidence_service.archive_evidence(actor, evidence)
    return evidence_out(evidence)


@operation("/evidence/<int:evidence_id>/file", tag="evidence", content_types=FILE_TYPES,
           summary="The file as an attachment (latest version, or ?version=N)",
           query={"version": Query.integer("version number", 1, 10**6)}, errors=(404, 422))
def download_evidence_file(evidence_id: int):
    evidence = _readable(evidence_id)
    if evidence.is_link:
        raise ApiError(404, "no_file", _("This evidence is a link; it has no file."))
    file = evidence_service.evidence_file(evidence, _number("version", None, 1, 10**6))
    if file is None:
        raise ApiError(404, "not_found", _("No such version."))
    return attachment(file)
