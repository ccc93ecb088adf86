"""Evidence files sent as downloads in chunks, so a worker never holds a whole file in memory.

The files live in the database (``EvidenceFile.data``, deferred). Loading the attribute would pull
the whole file into the worker — several copies of it, counting the driver's buffer, the ORM
attribute and ``BytesIO`` — for every concurrent download. Instead the response body is a generator
that reads ``CHUNK_BYTES`` at a time with ``substr`` (SQLite and PostgreSQL both cut a BLOB/bytea by
byte position), so a worker's memory stays flat whatever the file's size.

A file version is never changed after upload (replacing a file adds a new version), so reading
one version in several statements cannot mix bytes of two versions; if the row is deleted
meanwhile (the organisation deleted), the generator stops early and the client sees a short
download, as with a dropped connection.

A file no bigger than one chunk comes whole with the statement that finds it (``small_bytes``, used by
``organisation_file`` and ``seqf.services.evidence.evidence_file``):
it would be one chunk anyway, so the worker holds no more than when streaming, and the download
needs no connection of its own (a pool checkout, its ping, a transaction and the chunk's statement:
most evidence files are this small).

``stream_attachment`` is the one way the app sends a stored file: the evidence library, the API
(``seqf.api.evidence``) and the review package's evidence download all go through it.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, request
from sqlalchemy.orm.attributes import set_committed_value

from seqf.extensions import db
from seqf.models import Evidence, EvidenceFile

CHUNK_BYTES = 1024 * 1024


def organisation_file(organisation_id: int, evidence_id: int, version: int) -> EvidenceFile | None:
    """One version of an evidence item's file, if the item belongs to the organisation; its bytes
    loaded only if it is no bigger than one chunk. One statement: a download needs neither the
    item's tags nor the item itself."""
    return with_small_bytes(db.session.execute(_organisation_file_query(), {
        "organisation_id": organisation_id, "evidence_id": evidence_id, "version": version}).first())


def small_bytes() -> sa.ColumnElement:
    """A column for a statement that finds a file to send: its bytes if it is no bigger than one
    chunk, else NULL (``with_small_bytes`` puts them on the file)."""
    return sa.case((EvidenceFile.size <= CHUNK_BYTES, EvidenceFile.data), else_=sa.null()).label("small")


def with_small_bytes(row) -> EvidenceFile | None:
    """The file of a ``(EvidenceFile, small_bytes())`` row, its bytes loaded if they came with it."""
    if row is None:
        return None
    file, small = row
    if small is not None and "data" not in file.__dict__:
        set_committed_value(file, "data", bytes(small))  # loaded as if read, not a change
    return file


@functools.cache
def _organisation_file_query() -> sa.Select:
    """Built once with parameters (a download's own work is small; building it was a tenth of it)."""
    return (sa.select(EvidenceFile, small_bytes()).join(Evidence, Evidence.id == EvidenceFile.evidence_id)
            .where(Evidence.id == sa.bindparam("evidence_id"),
                   Evidence.organisation_id == sa.bindparam("organisation_id"),
                   EvidenceFile.version == sa.bindparam("version")))


@functools.cache
def _chunk_query(chunk_bytes: int) -> sa.Select:
    """One chunk of a stored file: ``file_id`` and ``start`` (1-based) are parameters."""
    return (sa.select(sa.func.substr(EvidenceFile.data, sa.bindparam("start"), chunk_bytes, type_=sa.LargeBinary))
            .where(EvidenceFile.id == sa.bindparam("file_id")))


def file_chunks(engine: sa.Engine, file_id: int, size: int, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The stored bytes of one file version, ``chunk_bytes`` at a time (one short query each).

    It reads through a connection of its own from ``engine``, not the request's session: the WSGI
    server iterates the body after the request's context (and its session) has ended. Nothing is
    opened until the first chunk is asked for, and the connection goes back to the pool when the
    body is exhausted or closed.
    """
    if size <= 0:
        return
    query = _chunk_query(chunk_bytes)
    with engine.connect() as connection:
        position = 0
        while position < size:
            chunk = connection.scalar(query, {"start": position + 1, "file_id": file_id})
            if not chunk:
                return
            chunk = bytes(chunk)
            yield chunk
            position += len(chunk)


def stream_attachment(file: EvidenceFile) -> Response:
    """The stored file as a streamed download: never shown inline, never sniffed, its length known.

    The headers are those ``send_file`` gave before: an attachment with the stored filename, the
    stored Content-Type (charset included, never guessed), the sha256 as ETag, and no caching.
    """
    size = int(file.size)
    held = file.__dict__.get("data")  # a one-chunk file ``organisation_file`` read with the row
    body = [held] if held is not None and len(held) == size else file_chunks(db.engine, file.id, size)
    response = Response(body, mimetype=file.content_type, direct_passthrough=True)
    response.headers["Content-Type"] = file.content_type
    response.headers["Content-Length"] = str(size)
    response.headers.set("Content-Disposition", "attachment", **_disposition_names(file.filename))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(file.sha256)
    return response.make_conditional(request)  # If-None-Match answers 304, as send_file did


def _disposition_names(filename: str) -> dict[str, str]:
    """An ASCII fallback name and the UTF-8 name (RFC 6266), as ``send_file`` writes them."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": "UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")}
    return {"filename": filename}
