"""Tiny real files of every type the evidence library accepts or refuses, built in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

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


def ooxml(folder: str, content_types: bytes = CONTENT_TYPES) -> bytes:
    return zip_of({"[Content_Types].xml": content_types, "_rels/.rels": b"<Relationships/>",
                   f"{folder}/document.xml": b"<document/>"})


def odf(kind: str) -> bytes:
    return zip_of({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
                   "content.xml": b"<office:document-content/>"}, stored_first="mimetype")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00" \
      b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CSV = b"kvartal;startet_i_jobb\n2026-K1;18\n"
MARKDOWN = "# Rutine\n\n- Jobbstøtteplan innen to uker\n".encode()

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
    "doc": ("gammel.doc", OLE2, "application/msword", "doc"),
    "xls": ("gammel.xls", OLE2, "application/vnd.ms-excel", "xls"),
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
    "epub": ("bok.odt", zip_of({"mimetype": b"application/epub+zip"}, stored_first="mimetype")),
    "ole2-msi": ("install.msi", OLE2),
    "binary-as-txt": ("notat.txt", b"abc\x00def"),
    "unknown": ("data.bin", bytes(range(256))),
    "text-unknown-extension": ("notat.rtf", b"just text"),
    "broken-zip": ("x.docx", b"PK\x03\x04garbage"),
}
