"""Tiny real files of every type the evidence library accepts or refuses, built in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def zip_of(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries[stored_first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(folder: str, content_types: bytes = CONTENT_TYPES, extra: dict[str, bytes] | None = None) -> bytes:
    return zip_of({"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>",
                   f"{folder}/document.xml": b"<document/>", **(extra or {})})


def zip_with_entries(count: int, entries: dict[str, bytes] | None = None, declared: int | None = None) -> bytes:
    """A stored (uncompressed) zip of ``entries`` and then empty entries up to ``count``, built fast.

    ``declared`` overrides the entry count written in the end record, as an attacker may.
    """
    named = list((entries or {}).items())
    named += [(f"{i:x}", b"") for i in range(count - len(named))]
    local, central = [], []
    offset = 0
    for name, data in named:
        raw, crc = name.encode(), zlib.crc32(data)
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, crc, len(data), len(data), len(raw), 0)
        local.append(header + raw + data)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, 0, 0, 0, crc, len(data),
                                   len(data), len(raw), 0, 0, 0, 0, 0, offset) + raw)
        offset += len(header) + len(raw) + len(data)
    directory = b"".join(central)
    shown = count if declared is None else declared
    end = b""
    if shown > 0xFFFF:
        end += struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, shown, shown, len(directory), offset)
        end += struct.pack("<4sLQL", b"PK\x06\x07", 0, offset + len(directory), 1)
    small = min(shown, 0xFFFF)
    end += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, small, small, len(directory), offset, 0)
    return b"".join(local) + directory + end


def ole(streams: dict[str, bytes]) -> bytes:
    """A small but real OLE2 (Compound File) file: ``{"Macros/VBA/dir": b"..."}`` makes the storages too.

    Streams are padded to 4,096 bytes so that they live in ordinary sectors (no mini stream); a name
    ending in "/" makes an empty storage.
    """
    nodes: dict[tuple[str, ...], dict] = {(): {"name": "Root Entry", "type": 5, "data": b"", "children": []}}
    for path, data in streams.items():
        parts = tuple(path.split("/"))
        for depth in range(1, len(parts)):
            if parts[:depth] not in nodes:
                nodes[parts[:depth]] = {"name": parts[depth - 1], "type": 1, "data": b"", "children": []}
                nodes[parts[:depth - 1]]["children"].append(parts[:depth])
        if parts[-1]:
            nodes[parts] = {"name": parts[-1], "type": 2, "data": data.ljust(4096, b"\0"), "children": []}
            nodes[parts[:-1]]["children"].append(parts)
    order = list(nodes)
    sid = {key: i for i, key in enumerate(order)}
    # Version 3 (512-byte sectors) while the FAT fits in the header, version 4 (4,096-byte sectors) above.
    sector = 512 if sum(len(node["data"]) for node in nodes.values()) < 6_000_000 else 4096
    per_fat = sector // 4
    for node in nodes.values():
        node["data"] = node["data"].ljust(-(-len(node["data"]) // sector) * sector, b"\0")
    dir_sectors = -(-len(order) * 128 // sector)
    data_sectors = [len(nodes[key]["data"]) // sector for key in order]
    fat_sectors = 1
    while fat_sectors * per_fat < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [0xFFFFFFFD] * fat_sectors
    fat += list(range(fat_sectors + 1, fat_sectors + dir_sectors)) + [0xFFFFFFFE]
    starts = {}
    for key, count in zip(order, data_sectors, strict=True):
        if count:
            starts[key] = len(fat)
            fat += list(range(len(fat) + 1, len(fat) + count)) + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (fat_sectors * per_fat - len(fat))

    def sort_key(key):
        return len(nodes[key]["name"]), nodes[key]["name"].upper()

    left, right, child = {}, {}, {}

    def tree(kids: list) -> int:
        """Root of a balanced binary search tree over the sorted siblings (readers walk it recursively)."""
        if not kids:
            return 0xFFFFFFFF
        middle = len(kids) // 2
        left[kids[middle]], right[kids[middle]] = tree(kids[:middle]), tree(kids[middle + 1:])
        return sid[kids[middle]]

    for key in order:
        child[key] = tree(sorted(nodes[key]["children"], key=sort_key))
    entries = []
    for key in order:
        node = nodes[key]
        name = node["name"].encode("utf-16-le") + b"\0\0"
        entries.append(struct.pack("<64sHBBIII16sIQQIQ", name, len(name), node["type"], 1,
                                   left.get(key, 0xFFFFFFFF), right.get(key, 0xFFFFFFFF), child[key], b"", 0, 0, 0,
                                   starts.get(key, 0xFFFFFFFE), len(node["data"])))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\0")
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    version, shift, dir_count = (3, 9, 0) if sector == 512 else (4, 12, dir_sectors)
    header = OLE2_MAGIC + bytes(16) + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, version, 0xFFFE, shift, 6, b"",
                                                    dir_count, fat_sectors, fat_sectors, 0, 4096, 0xFFFFFFFE, 0,
                                                    0xFFFFFFFE, 0)
    header = (header + struct.pack("<109I", *difat)).ljust(sector, b"\0")
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    body += b"".join(nodes[key]["data"] for key in order)
    return header + body


VBA_PROJECT = {"PROJECT": b"ID=\"{00000000}\"\r\nModule=Module1\r\n", "VBA/_VBA_PROJECT": b"\xcc\x61",
               "VBA/dir": b"\x01", "VBA/Module1": b"Attribut\x00e VB_Name = \"Module1\""}


def odf(kind: str, content: bytes = b"<office:document-content/>", extra: dict[str, bytes] | None = None) -> bytes:
    return zip_of({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
                   "content.xml": content, **(extra or {})}, stored_first="mimetype")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00" \
      b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
OLE2 = OLE2_MAGIC + b"\x00" * 504
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = b"kvartal;startet_i_jobb\n2026-K1;18\n"
MARKDOWN = "# Rutine\n\n- Jobbstøtteplan innen to uker\n".encode()

WORD_VBA = {f"Macros/{name}": data for name, data in VBA_PROJECT.items()}
DOC = ole({"WordDocument": b"\xec\xa5", "1Table": b"t"})
def biff(*sheets: tuple[str, int]) -> bytes:
    """An Excel 97 workbook globals stream: BOF, one BOUNDSHEET per (name, sheet type), EOF."""
    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    names = b"".join(record(0x0085, struct.pack("<IBBBB", 0, 0, kind, len(name), 0) + name.encode())
                     for name, kind in sheets)
    return record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)) + names + record(0x000A, b"")


XLS = ole({"Workbook": biff(("Ark1", 0), ("Diagram", 2))})
PPT = ole({"PowerPoint Document": b"p", "Current User": b"u"})
MACRO_CONTENT_TYPE = (b'<Override PartName="/word/document.xml" '
                      b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>')
EVENT_SCRIPT = (b'<office:document-content><office:scripts><office:event-listeners><script:event-listener '
                b'script:language="ooo:script" script:event-name="dom:load" xlink:href="vnd.sun.star.script:'
                b'Standard.Module1.Main?language=Basic&amp;location=application"/></office:event-listeners>'
                b'</office:scripts></office:document-content>')

ACCEPTED = {
    # name: (filename, data, content type, stored extension)
    "pdf": ("rapport.pdf", PDF, "application/pdf", "pdf"),
    "png": ("bilde.png", png(), "image/png", "png"),
    "jpeg": ("foto.jpeg", JPEG, "image/jpeg", "jpg"),
    "gif": ("figur.gif", GIF, "image/gif", "gif"),
    "webp": ("figur.webp", WEBP, "image/webp", "webp"),
    "docx": ("rutine.docx", ooxml("word"),
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("tall.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("lysark.pptx", ooxml("ppt"),
             "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "odt": ("referat.odt", odf("text"), "application/vnd.oasis.opendocument.text", "odt"),
    "ods": ("tall.ods", odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "doc": ("gammel.doc", DOC, "application/msword", "doc"),
    "xls": ("gammel.xls", XLS, "application/vnd.ms-excel", "xls"),
    "ppt": ("gammel.ppt", PPT, "application/vnd.ms-powerpoint", "ppt"),
    "doc-with-plain-ole-object": ("objekt.doc", ole({"WordDocument": b"w", "ObjectPool/_1/Ole10Native": b"n"}),
                                  "application/msword", "doc"),
    "docx-parts-in-any-order-and-case": ("rutine.docx", zip_of({"word/document.xml": b"<document/>",
                                                               "[content_types].XML": CONTENT_TYPES}),
                                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                         "docx"),
    "docx-with-embedded-ole-object": ("innebygd.docx", ooxml("word", extra={
        "word/embeddings/oleObject1.bin": ole({"\x01Ole10Native": b"data"})}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "txt": ("notat.txt", "Notat om møtet\n".encode(), "text/plain; charset=utf-8", "txt"),
    "md": ("rutine.md", MARKDOWN, "text/markdown; charset=utf-8", "md"),
    "csv": ("tall.csv", CSV, "text/csv; charset=utf-8", "csv"),
    "csv-bom": ("tall.csv", b"\xef\xbb\xbf" + CSV, "text/csv; charset=utf-8", "csv"),
    "csv-latin1": ("tall.csv", "område;antall\nøst;3\n".encode("latin-1"), "text/csv; charset=iso-8859-1", "csv"),
}

REFUSED = {
    "elf-as-pdf": ("rapport.pdf", ELF),
    "exe-as-pdf": ("rapport.pdf", EXE),
    "exe": ("setup.exe", EXE),
    "html-as-txt": ("notat.txt", HTML),
    "html": ("side.html", HTML),
    "svg": ("logo.svg", SVG),
    "svg-as-md": ("logo.md", SVG),
    "zip": ("arkiv.zip", zip_of({"a.txt": b"hei"})),
    "zip-as-docx": ("rutine.docx", zip_of({"word/document.xml": b"<d/>"})),
    "ooxml-without-part": ("x.docx", zip_of({"[Content_Types].xml": CONTENT_TYPES})),
    "docm": ("makro.docx", ooxml("word", CONTENT_TYPES + b"<!-- macroEnabled -->")),
    # Macros in Office Open XML, wherever and in whatever case they hide
    "docm-lower-case-content-type": ("makro.docx", ooxml("word", MACRO_CONTENT_TYPE.lower())),
    "docm-content-type-beyond-256-kb": ("makro.docx", ooxml("word", CONTENT_TYPES + b" " * 300_000
                                                            + MACRO_CONTENT_TYPE)),
    "docm-content-types-last-in-odd-case": ("makro.docx", zip_of({"word/document.xml": b"<document/>",
                                                                  "[CONTENT_TYPES].XML": MACRO_CONTENT_TYPE})),
    "vba-project-anywhere": ("makro.docx", ooxml("word", extra={"customXml/VbaProject.BIN": b"x"})),
    "vba-project-backslash": ("makro.docx", ooxml("word", extra={"word\\vbaProject.bin": b"x"})),
    "vba-data": ("makro.docx", ooxml("word", extra={"word/vbaData.xml": b"<vba/>"})),
    "xlsx-macro-sheet": ("makro.xlsx", ooxml("xl", extra={"xl/macrosheets/sheet1.xml": b"<xm/>"})),
    "activex-with-vba": ("makro.docx", ooxml("word", extra={"word/activeX/activeX1.bin": ole(VBA_PROJECT)})),
    "embedded-ole-with-vba": ("makro.docx", ooxml("word", extra={
        "word/embeddings/oleObject1.bin": ole({"WordDocument": b"w", **WORD_VBA})})),
    "embedded-package-with-vba": ("makro.pptx", ooxml("ppt", extra={
        "ppt/embeddings/Regneark.xlsx": ooxml("xl", extra={"xl/vbaProject.bin": ole(VBA_PROJECT)})})),
    # Macros in legacy Office files
    "doc-with-vba": ("makro.doc", ole({"WordDocument": b"w", **WORD_VBA})),
    "xls-with-vba": ("makro.xls", ole({"Workbook": b"\x09\x08",
                                       **{f"_VBA_PROJECT_CUR/{k}": v for k, v in VBA_PROJECT.items()}})),
    "xls-with-excel4-macro-sheet": ("makro.xls", ole({"Workbook": biff(("Ark1", 0), ("Makro1", 1))})),
    "xls-with-vba-module-sheet": ("makro.xls", ole({"Book": biff(("Modul1", 6))})),
    "doc-with-vba-in-lower-case": ("makro.doc", ole({"WordDocument": b"w",
                                                     **{f"macros/{k.lower()}": v for k, v in VBA_PROJECT.items()}})),
    "doc-with-vba-code-in-another-stream": ("makro.doc", ole({"WordDocument": b"w",
                                                              "Data": b"Attribut\x00e VB_Name = \"M\""})),
    "ole-without-structure-as-doc": ("gammel.doc", OLE2),
    "password-protected-ooxml-as-doc": ("hemmelig.doc", ole({"EncryptionInfo": b"\x04\x00\x04\x00",
                                                              "EncryptedPackage": b"\x00" * 16})),
    # Macros and scripts in OpenDocument
    "odt-basic": ("makro.odt", odf("text", extra={"Basic/Standard/Module1.xml": b"<script:module/>"})),
    "odt-scripts": ("makro.odt", odf("text", extra={"Scripts/python/run.py": b"import os"})),
    "odt-event-script": ("makro.odt", odf("text", EVENT_SCRIPT)),
    "epub": ("bok.odt", zip_of({"mimetype": b"application/epub+zip"}, stored_first="mimetype")),
    "ole2-msi": ("install.msi", OLE2),
    "binary-as-txt": ("notat.txt", b"abc\x00def"),
    "unknown": ("data.bin", bytes(range(256))),
    "text-unknown-extension": ("notat.rtf", b"just text"),
    "broken-zip": ("x.docx", b"PK\x03\x04garbage"),
}
