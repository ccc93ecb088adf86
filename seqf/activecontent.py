"""Active content hidden in files that are otherwise accepted: scripts and launch actions in PDFs,
and an archive glued to the end of an image or a PDF (a polyglot).

Evidence is a document to read. A PDF that runs JavaScript or launches a program when it is opened
(``/JavaScript``, ``/JS``, ``/Launch``) is refused, as Office files with macros are: a blank form
that needs scripts can be printed to PDF without them. Names are read with their ``#xx`` escapes
decoded (``/J#61vaScript`` is ``/JavaScript``), in the file and inside compressed object streams
(``/ObjStm``), which are inflated within a fixed budget; a file whose object streams unpack to more
is refused, since it cannot be checked, and so is one with more than ``MAX_OBJECT_STREAMS`` of
them. Names are matched as the specification spells them (case matters), also where they stand
inside a string, which errs on the side of refusing. A file that ends in a zip archive's end record is two files
in one and is refused whatever comes first.
"""

from __future__ import annotations

import re
import struct
import zlib

INFLATE_BUDGET = 64 * 1024 * 1024  # bytes of object streams inflated per file, at most
MAX_OBJECT_STREAMS = 10_000  # object streams looked at per file; more is refused as unreadable
STREAM_GAP = 2048  # bytes between ``/ObjStm`` and the start of its stream data, at most
EOCD = struct.Struct("<4s4H2LH")


def _name(text: str) -> bytes:
    """A regex for the PDF name ``/text`` with any of its characters written as ``#xx``, ending
    where the name ends (one search over the file; nothing is collected on the way)."""
    parts = [b"(?:%s|#%x[%x%X])" % (re.escape(c.encode()), ord(c) >> 4, ord(c) & 15, ord(c) & 15) for c in text]
    return b"/" + b"".join(parts) + rb"(?![^\s/<>\[\]()%{}])"


ACTION = re.compile(b"|".join(_name(n) for n in ("JavaScript", "JS", "Launch")))
OBJECT_STREAM = re.compile(_name("ObjStm"))
STREAM_START = re.compile(rb"stream\r?\n")


class Unreadable(Exception):
    """The file's compressed parts unpack to more than the budget: it cannot be checked."""


def pdf_actions(data: bytes) -> bool:
    """True when a PDF holds a script or launch action, also inside its compressed object streams."""
    if ACTION.search(data):
        return True
    budget = INFLATE_BUDGET
    view = memoryview(data)  # slices without copying
    for count, match in enumerate(OBJECT_STREAM.finditer(data)):
        if count >= MAX_OBJECT_STREAMS:
            raise Unreadable
        start = STREAM_START.search(data, match.end(), match.end() + STREAM_GAP)
        if start is None:
            continue
        content = _inflate(view, start.end(), budget)
        budget -= len(content)
        if budget < 0:
            raise Unreadable
        if ACTION.search(content):
            return True
    return False


def _inflate(view: memoryview, start: int, budget: int, chunk: int = 64 * 1024) -> bytes:
    """Inflate the Flate stream at ``start``, fed in chunks so a non-stream fails after the first one;
    at most ``budget + 1`` bytes. A damaged stream yields what came before the damage: a reader cannot
    run what it cannot inflate either."""
    inflater, parts, size, position = zlib.decompressobj(), [], 0, start
    while position < len(view) and not inflater.eof and size <= budget:
        try:
            part = inflater.decompress(view[position:position + chunk], budget + 1 - size)
        except zlib.error:
            break
        parts.append(part)
        size += len(part)
        if inflater.unconsumed_tail:  # the output limit was reached
            break
        position += chunk
    return b"".join(parts)


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
