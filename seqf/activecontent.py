"""Active content hidden in files that are otherwise accepted: scripts and launch actions in PDFs,
and an archive glued to the end of an image or a PDF (a polyglot).

Evidence is a document to read. A PDF that runs JavaScript or launches a program when it is opened
(``/JavaScript``, ``/JS``, ``/Launch``) is refused, as Office files with macros are: a blank form
that needs scripts can be printed to PDF without them. Names are read with their ``#xx`` escapes
decoded (``/J#61vaScript`` is ``/JavaScript``), in the file and inside compressed object streams
(``/ObjStm``), which are inflated within a fixed budget; a file whose object streams unpack to more
is refused, since it cannot be checked. A file that ends in a zip archive's end record is two files
in one and is refused whatever comes first.
"""

from __future__ import annotations

import re
import struct
import zlib

ACTIONS = frozenset({b"javascript", b"js", b"launch"})
INFLATE_BUDGET = 64 * 1024 * 1024  # bytes of object streams inflated per file, at most
NAME = re.compile(rb"/[^\s/<>\[\]()%{}\x00]{1,127}")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM = re.compile(rb"<<((?:(?!<<|>>).){0,2000}?)>>\s*stream\r?\n", re.S)
EOCD = struct.Struct("<4s4H2LH")


class Unreadable(Exception):
    """The file's compressed parts unpack to more than the budget: it cannot be checked."""


def _names(chunk: bytes) -> set[bytes]:
    found = set()
    for raw in NAME.findall(chunk):
        name = raw[1:]
        if b"#" in name:
            name = ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        found.add(name.lower())
    return found


def pdf_actions(data: bytes) -> set[bytes]:
    """The script and launch action names in a PDF, also inside its compressed object streams."""
    found = _names(data) & ACTIONS
    budget = INFLATE_BUDGET
    for match in STREAM.finditer(data):
        names = _names(match.group(1))
        if b"objstm" not in names or b"flatedecode" not in names:
            continue
        inflater = zlib.decompressobj()
        try:
            content = inflater.decompress(data[match.end():match.end() + 2 * INFLATE_BUDGET], budget + 1)
        except zlib.error:
            continue  # a damaged stream: a reader cannot run what it cannot inflate either
        budget -= len(content)
        if budget < 0:
            raise Unreadable
        found |= _names(content) & ACTIONS
    return found


def ends_with_zip(data: bytes) -> bool:
    """True when ``data`` ends with a zip archive's end-of-central-directory record (and its comment)."""
    tail_start = max(0, len(data) - EOCD.size - 0xFFFF)
    position = data.rfind(b"PK\x05\x06", tail_start)
    while position >= 0:
        if position + EOCD.size <= len(data):
            comment_length = EOCD.unpack_from(data, position)[-1]
            if position + EOCD.size + comment_length == len(data):
                return True
        position = data.rfind(b"PK\x05\x06", tail_start, position)
    return False
