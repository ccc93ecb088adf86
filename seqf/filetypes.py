"""What an uploaded evidence file really is, judged from its bytes rather than its name.

Accepted: PDF; PNG, JPEG, GIF and WebP images (never SVG, which can carry script); Office
Open XML (docx, xlsx, pptx) and OpenDocument files; legacy Office files (doc, xls, ppt); and
plain text, Markdown and CSV. Everything else — programs, HTML, SVG, other archives, unknown
bytes — is refused. ``detect`` returns the content type and the extension to store the file under.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import NamedTuple

import filetype
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seqf import activecontent, macros, zipscan
from seqf.services.errors import RuleViolation, ServiceError
from seqf.text import shorten

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

IMAGES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.graphics": "odg",
}
LEGACY_OFFICE = {"doc": "application/msword", "xls": "application/vnd.ms-excel",
                 "ppt": "application/vnd.ms-powerpoint"}
TEXT = {"txt": "text/plain", "md": "text/markdown", "markdown": "text/markdown", "csv": "text/csv"}
CANONICAL_TEXT_EXTENSION = {"markdown": "md"}

OLE2_MAGIC = macros.OLE2_MAGIC
ZIP_MAGIC = macros.ZIP_MAGIC
# Leading bytes a browser would take for markup (after the WHATWG sniffing rules) — never text.
MARKUP_STARTS = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<?xml",
                 b"<!--", b"<style", b"<title", b"<div", b"<table", b"<a ", b"<p>", b"<br", b"<img",
                 b"<object", b"<embed", b"<form", b"<meta", b"<link")
ALLOWED_CONTROL = {9, 10, 12, 13}


class FileType(NamedTuple):
    content_type: str
    extension: str


class FileTypeRefused(RuleViolation):
    code = "file_type_refused"


class FileTooLarge(ServiceError):
    code = "file_too_large"
    status = 413


def allowed_summary() -> str:
    return _("Allowed: PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, "
             "plain text, Markdown and CSV.")


def refuse(reason: str) -> FileTypeRefused:
    message = f"{reason} {allowed_summary()}"
    return FileTypeRefused(message, fields={"file": message})


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        limit = format_size(max_bytes)
        message = _("The file is too large. The limit is %(limit)s.", limit=limit)
        raise FileTooLarge(message, fields={"file": message})
    if size == 0:
        message = _("The file is empty.")
        raise FileTypeRefused(message, fields={"file": message})


def detect(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FileType:
    """The real type of ``data``; raises ``FileTooLarge`` or ``FileTypeRefused``."""
    check_size(len(data), max_bytes)
    extension = extension_of(filename)
    found = _binary_type(data, extension)
    if found is not None:
        return found
    if extension in TEXT:
        return _text_type(data, extension)
    guess = filetype.guess(data)
    if guess is not None:
        raise refuse(_("Files of type %(kind)s are not accepted.", kind=guess.extension.upper()))
    raise refuse(_("This file type is not accepted."))


def extension_of(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _binary_type(data: bytes, extension: str) -> FileType | None:
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return FileType("application/pdf", "pdf")
    guess = filetype.guess_mime(data[:8192])
    if guess in IMAGES:
        _check_no_archive(data)
        return FileType(guess, IMAGES[guess])
    if data.startswith(ZIP_MAGIC):
        return _zip_type(data)
    if data.startswith(OLE2_MAGIC):
        return _ole_type(data, extension)
    return None


def _check_no_archive(data: bytes) -> None:
    if activecontent.ends_with_zip(data):
        raise refuse(_("The file has an archive attached at the end. Save or export it again and upload that."))


def _check_pdf(data: bytes) -> None:
    """No JavaScript and no launch actions (``seqf.activecontent``), and nothing glued to the end."""
    _check_no_archive(data)
    try:
        actions = activecontent.pdf_actions(data)
    except activecontent.Unreadable:
        raise refuse(_("The PDF's compressed parts are too large to be checked for scripts.")) from None
    if actions:
        raise refuse(_("PDF files with scripts or actions that start programs are not accepted. "
                       "Print the document to PDF, or save it without scripts, and upload that."))


def _zip_type(data: bytes) -> FileType:
    """OpenDocument (a ``mimetype`` entry) or Office Open XML (``[Content_Types].xml``); no other zip.

    The central directory is walked within the caps of ``seqf.zipscan`` first, and only the parts
    that can carry macros are inflated, within a budget.
    """
    try:
        budget = zipscan.Budget()
        listing = zipscan.list_entries(data, budget)
        with zipscan.open_archive(data) as archive:
            macros.check_zip(archive, listing.names, budget)
            lowered = {name.replace("\\", "/").lower(): name for name in listing.names}
            if "mimetype" in lowered:
                return _odf_type(budget.read(archive, lowered["mimetype"], 256) or b"")
            if "[content_types].xml" in lowered:
                return _ooxml_type(lowered)
    except (zipscan.ArchiveRefused, macros.OleRefused) as refused:
        raise _archive_refusal(refused.reason, refused.limit) from None
    except macros.MacrosFound:
        raise refuse(_macros_message()) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, NotImplementedError, RuntimeError, ValueError,
            EOFError, KeyError, zlib.error, struct.error):
        raise refuse(_("The file is damaged or not a document.")) from None
    raise refuse(_("Zip archives are not accepted; upload the documents one by one."))


def _macros_message() -> str:
    return _("Office files with macros are not accepted. Save the file without macros.")


def _archive_refusal(reason: str, limit: int) -> FileTypeRefused:
    """A cap of the bounded inspection was reached: say which and where the limit lies."""
    if reason == "entries":
        message = _("The file has more than %(limit)s parts, more than any document needs.",
                    limit=format_decimal(limit))
    elif reason == "inflated":
        message = _("The file unpacks to more than %(limit)s, more than any document needs.",
                    limit=format_size(limit))
    elif reason == "ratio":
        message = _("The file is packed more tightly than any document (over %(limit)s to 1).",
                    limit=format_decimal(limit))
    elif reason == "nesting":
        message = _("The file holds documents inside documents more than %(limit)s levels deep.",
                    limit=format_decimal(limit))
    elif reason == "encrypted":
        message = _("Password-protected files cannot be checked for macros. Save the file without a password.")
    elif reason == "budget":
        message = _("The parts of the file that must be checked for macros unpack to more than %(limit)s.",
                    limit=format_size(limit))
    else:
        return refuse(_("The file is damaged or not a document."))
    return FileTypeRefused(message, fields={"file": message})


def _odf_type(mimetype: bytes) -> FileType:
    value = mimetype.decode("ascii", "replace").strip()
    if value in ODF:
        return FileType(value, ODF[value])
    raise refuse(_("This OpenDocument type is not accepted."))


def _ooxml_type(lowered: dict[str, str]) -> FileType:
    for prefix, found in OOXML.items():
        if any(name.startswith(prefix) for name in lowered):
            return FileType(*found)
    raise refuse(_("This Office file type is not accepted."))


def _ole_type(data: bytes, extension: str) -> FileType:
    """A legacy Office file, named as one, that olefile can read and in which olevba finds no macros."""
    if extension not in LEGACY_OFFICE:
        raise refuse(_("This looks like an older Office file, but its name does not end in .doc, .xls or .ppt."))
    try:
        found = macros.ole_has_macros(data)
    except macros.OleRefused as refused:
        raise _archive_refusal(refused.reason, refused.limit) from None
    if found:
        raise refuse(_macros_message())
    return FileType(LEGACY_OFFICE[extension], extension)


def _text_type(data: bytes, extension: str) -> FileType:
    """UTF-8 (with or without BOM), or Latin-1 text without NUL or other control bytes."""
    if b"\x00" in data:
        raise refuse(_("The file is named as text but holds binary data."))
    charset = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, charset = data.decode("latin-1"), "iso-8859-1"
    if any(ord(c) < 32 and ord(c) not in ALLOWED_CONTROL for c in text[:65536]):
        raise refuse(_("The file is named as text but holds binary data."))
    if _looks_like_markup(data):
        raise refuse(_("HTML and SVG files are not accepted."))
    ext = CANONICAL_TEXT_EXTENSION.get(extension, extension)
    return FileType(f"{TEXT[extension]}; charset={charset}", ext)


def _looks_like_markup(data: bytes) -> bool:
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return head.startswith(MARKUP_STARTS)


def stored_filename(filename: str, extension: str) -> str:
    """The name shown and used for downloads: no path, no control characters, the real extension."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?').strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .") or "document"
    return f"{shorten(stem, 240)}.{extension}"


def format_size(size: int) -> str:
    """1.2 MB, 340 kB, 12 bytes — in the user's number format."""
    if size >= 1024 * 1024:
        return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1)))
    if size >= 1024:
        return _("%(n)s kB", n=format_decimal(round(size / 1024)))
    return _("%(n)s bytes", n=size)


LABELS = {"application/pdf": "PDF", "application/msword": "Word", "application/vnd.ms-excel": "Excel",
          "application/vnd.ms-powerpoint": "PowerPoint", OOXML["word/"][0]: "Word", OOXML["xl/"][0]: "Excel",
          OOXML["ppt/"][0]: "PowerPoint", "text/plain": _l("Text"), "text/markdown": "Markdown", "text/csv": "CSV"}


def label_for(content_type: str) -> str:
    """A short name of the type for lists: PDF, Word, PNG, OpenDocument text …"""
    base = content_type.split(";", 1)[0].strip()
    if base in LABELS:
        return str(LABELS[base])
    if base in IMAGES:
        return IMAGES[base].upper()
    if base in ODF:
        return f"OpenDocument ({ODF[base]})"
    return base
