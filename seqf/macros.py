"""Macros and scripts in Office and OpenDocument files, found before a file is stored.

Office reads part names and content types without regard to case, and finds them anywhere in
the archive, so every check here lower-cases names and content and reads the whole
``[Content_Types].xml`` (within the inflate budget), not its first bytes. Legacy OLE files
(``.doc``, ``.xls``, ``.ppt``) and OLE objects embedded in an Office Open XML file are opened
with olefile and searched with oletools' ``olevba``, the maintained detector for VBA (also
inside PowerPoint's compressed streams and in orphaned streams) and for Excel 4 macro sheets.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Iterable, Iterator

import olefile

from seqf import zipscan

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Directory entries of the OLE files in one upload, all embedded objects together: real documents
# have tens to a few hundred, and olevba's search costs about 80 µs of CPU per entry.
MAX_OLE_ENTRIES = 5_000
# Inside [Content_Types].xml: macro-enabled documents, VBA projects, VBA data, Excel 4 macro sheets.
CONTENT_TYPE_MARKERS = (b"macroenabled", b"vbaproject", b"vbadata", b"macrosheet")
# Inside OpenDocument XML: event listeners that run Basic, Python or any other script.
ODF_SCRIPT_MARKERS = (b"vnd.sun.star.script:", b"macro://", b"<script:event-listener")
ODF_XML_PARTS = {"content.xml", "styles.xml", "settings.xml"}
# Storages and streams that hold a VBA project in an OLE file (Word, Excel, PowerPoint, vbaProject.bin).
OLE_VBA_NAMES = {"vba", "_vba_project", "_vba_project_cur", "macros"}
# Documents embedded in documents: the outer file and two levels inside are searched, deeper is refused.
NESTING = 2
# Excel's workbook globals: records read before the sheet list must have ended.
MAX_BIFF_RECORDS = 100_000
BIFF_BOUNDSHEET, BIFF_EOF = 0x0085, 0x000A
SHEET_WITH_MACROS = {b"\x01", b"\x06"}  # Excel 4 macro sheet, VBA module sheet


class MacrosFound(Exception):
    """The file holds macros or scripts."""


def check_zip(archive: zipfile.ZipFile, names: list[str], budget: zipscan.Budget, depth: int = 0) -> None:
    """Raise ``MacrosFound`` for a container with macros in any part, in any case, at any depth."""
    normal = [(name, name.replace("\\", "/").lower()) for name in names]
    if any(_macro_part(lowered) for _name, lowered in normal):
        raise MacrosFound
    for name, lowered in normal:
        base = lowered.rsplit("/", 1)[-1]
        if base == "[content_types].xml":
            _scan(budget.chunks(archive, name), CONTENT_TYPE_MARKERS)
        elif base in ODF_XML_PARTS:
            _scan(budget.chunks(archive, name), ODF_SCRIPT_MARKERS)
        elif lowered.endswith(".bin") or "embeddings/" in lowered:
            _check_embedded(budget.read(archive, name) or b"", budget, depth)


def _macro_part(lowered: str) -> bool:
    parts = lowered.strip("/").split("/")
    base = parts[-1]
    # vbaProject.bin (Office), vbaData.xml (Word), macro sheets (Excel 4), Basic/ and Scripts/ (OpenDocument)
    return (base.startswith(("vbaproject", "vbadata"))
            or any(part in {"macrosheets", "intlmacrosheets", "basic", "scripts"} for part in parts[:-1]))


def _check_embedded(content: bytes, budget: zipscan.Budget, depth: int) -> None:
    """OLE objects and ActiveX controls (``*.bin``) and embedded packages (``embeddings/``)."""
    if content.startswith(OLE2_MAGIC):
        if ole_has_macros(content, budget):
            raise MacrosFound
    elif content.startswith(ZIP_MAGIC):
        if depth >= NESTING:
            raise zipscan.ArchiveRefused("nesting", NESTING)
        listing = zipscan.list_entries(content, budget)
        with zipscan.open_archive(content) as inner:
            check_zip(inner, listing.names, budget, depth + 1)


def _scan(chunks: Iterable[bytes], markers: tuple[bytes, ...]) -> None:
    """Search a stream for markers without regard to case, across chunk boundaries."""
    overlap = max(len(marker) for marker in markers) - 1
    tail = b""
    for chunk in chunks:
        window = tail + chunk.lower()
        if any(marker in window for marker in markers):
            raise MacrosFound
        tail = window[-overlap:]


def ole_has_macros(data: bytes, budget: zipscan.Budget | None = None) -> bool:
    """VBA or Excel 4 macros in an OLE file; raises ``OleRefused`` when it cannot be read safely.

    ``budget`` counts the directory entries of every OLE object embedded in one upload.
    """
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises many kinds on malformed input
        raise OleRefused("damaged") from None
    try:
        if _structure_has_macros(ole, budget):
            return True
    except OleRefused:
        raise
    except Exception:  # a stream that is really a storage, a broken sector chain …
        raise OleRefused("damaged") from None
    finally:
        ole.close()
    return _olevba_finds_macros(data)


def _structure_has_macros(ole: olefile.OleFileIO, budget: zipscan.Budget | None) -> bool:
    seen = len(ole.direntries) + (budget.ole_entries if budget is not None else 0)
    if seen > MAX_OLE_ENTRIES:
        raise OleRefused("entries", MAX_OLE_ENTRIES)
    if budget is not None:
        budget.ole_entries = seen
    if ole.exists("EncryptedPackage"):  # a password-protected docx/xlsx/pptx (or docm …) inside
        raise OleRefused("encrypted")
    if any(part.lower() in OLE_VBA_NAMES for path in _ole_paths(ole) for part in path):
        return True
    return _excel4_macro_sheet(ole)


def _ole_paths(ole: olefile.OleFileIO) -> Iterator[list[str]]:
    yield from ole.listdir(streams=True, storages=True)


def _excel4_macro_sheet(ole: olefile.OleFileIO) -> bool:
    """A macro sheet or VBA module sheet among the sheets of an Excel 97–2003 (or 5.0/95) workbook.

    olevba finds these only when the root CLSID says Excel, which an attacker may leave out;
    Excel itself goes by the stream, so the sheet list (BOUNDSHEET records, which come before the
    first EOF record) is read here, within ``MAX_BIFF_RECORDS``.
    """
    stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
    if stream is None:
        return False
    data = ole.openstream(stream).read()
    at = 0
    for _record in range(MAX_BIFF_RECORDS):
        if at + 4 > len(data):
            return False
        kind, length = struct.unpack_from("<HH", data, at)
        if kind == BIFF_BOUNDSHEET and length >= 6 and data[at + 9:at + 10] in SHEET_WITH_MACROS:
            return True
        if kind == BIFF_EOF:
            return False
        at += 4 + length
    raise OleRefused("entries", MAX_BIFF_RECORDS)


def _olevba_finds_macros(data: bytes) -> bool:
    with warnings.catch_warnings():
        # oletools calls pyparsing's old camelCase names, which warn on import.
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser
        try:
            parser = VBA_Parser("upload", data=data, disable_pcode=True)
        except Exception:  # a file olevba cannot parse has no macros it could run
            return False
        try:
            return bool(parser.detect_macros())
        except Exception:  # a stream olevba trips over is treated as suspect
            return True
        finally:
            parser.close()


class OleRefused(Exception):
    """An OLE file that is damaged or has more directory entries than any document needs."""

    def __init__(self, reason: str, limit: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.limit = limit
