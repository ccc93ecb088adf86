"""Bounded inspection of zip containers (Office Open XML, OpenDocument) before anything is inflated.

Python's ``zipfile`` builds a ``ZipInfo`` for every entry of the central directory, however many
there are, and trusts neither the entry count nor the sizes it declares; a 16 MB docx with
180,000 entries cost seconds of CPU. Here the central directory is walked by hand and the walk
stops at ``MAX_ENTRIES``; the sizes the entries declare are added up and checked against
``MAX_INFLATED`` and ``MAX_RATIO`` (zip bombs) before a single byte is inflated. Only then may
``zipfile`` open the archive, and every read after that goes through ``Budget``, which counts the
bytes really inflated, since a declared size can lie.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field

MAX_ENTRIES = 10_000
MAX_INFLATED = 256 * 1024 * 1024
# Ratio of inflated to stored size, checked for entries that inflate to more than RATIO_FLOOR:
# text-heavy Office parts stay well below 100; bombs reach 1,000 and more.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024
# Bytes inflated to inspect one upload, all reads together: the parts that can carry macros or
# scripts ([Content_Types].xml, OpenDocument XML, embedded objects), never pictures or media.
INFLATE_BUDGET = 64 * 1024 * 1024

EOCD = struct.Struct("<4s4H2LH")
EOCD64_LOCATOR = struct.Struct("<4sLQL")
EOCD64 = struct.Struct("<4sQ2H2L4Q")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
EXTRA = struct.Struct("<HH")
MASK32 = 0xFFFFFFFF


class ArchiveRefused(Exception):
    """The container breaks a cap or is not a readable zip; ``reason`` says which."""

    def __init__(self, reason: str, limit: int = 0):
        super().__init__(reason)
        self.reason = reason  # "entries", "inflated", "ratio", "budget", "damaged"
        self.limit = limit


@dataclass
class Entry:
    name: str
    stored: int
    inflated: int


@dataclass
class Listing:
    """What the central directory says, walked within the caps."""

    entries: list[Entry] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]



def list_entries(data: bytes, budget: Budget | None = None) -> Listing:
    """Names and declared sizes of at most ``MAX_ENTRIES`` entries; raises ``ArchiveRefused``.

    With a ``budget``, the cap counts the entries of every archive listed for one upload (packages
    embedded in a document included).
    """
    already = budget.entries if budget is not None else 0
    start, size, declared_count = _central_directory(data)
    if already + declared_count > MAX_ENTRIES:
        raise ArchiveRefused("entries", MAX_ENTRIES)
    # Names and extra fields end where the directory ends, as zipfile reads them.
    central = data[start:start + size]
    listing = Listing()
    position, total = 0, 0
    while position < size:
        if already + len(listing.entries) >= MAX_ENTRIES:
            raise ArchiveRefused("entries", MAX_ENTRIES)
        entry, position = _read_entry(central, position)
        if entry.inflated > RATIO_FLOOR and entry.inflated > MAX_RATIO * max(entry.stored, 1):
            raise ArchiveRefused("ratio", MAX_RATIO)
        total += entry.inflated
        if total > MAX_INFLATED:
            raise ArchiveRefused("inflated", MAX_INFLATED)
        listing.entries.append(entry)
    if budget is not None:
        budget.entries = already + len(listing.entries)
    return listing


def _central_directory(data: bytes) -> tuple[int, int, int]:
    """Start, size and declared entry count of the central directory (zip64 included)."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - EOCD.size - 65535))
    if at < 0 or at + EOCD.size > len(data):
        raise ArchiveRefused("damaged")
    _sig, _disk, _cd_disk, _here, count, size, _offset, _comment = EOCD.unpack_from(data, at)
    end = at
    locator_at = at - EOCD64_LOCATOR.size
    if locator_at >= 0 and data[locator_at:locator_at + 4] == b"PK\x06\x07":
        record_at = locator_at - EOCD64.size
        if record_at < 0 or data[record_at:record_at + 4] != b"PK\x06\x06":
            raise ArchiveRefused("damaged")
        fields = EOCD64.unpack_from(data, record_at)
        count, size, end = fields[7], fields[8], record_at
    start = end - size
    if start < 0 or size < 0:
        raise ArchiveRefused("damaged")
    return start, size, count


def _read_entry(data: bytes, position: int) -> tuple[Entry, int]:
    if position + CENTRAL.size > len(data):
        raise ArchiveRefused("damaged")
    fields = CENTRAL.unpack_from(data, position)
    if fields[0] != b"PK\x01\x02":
        raise ArchiveRefused("damaged")
    flags, stored, inflated = fields[5], fields[10], fields[11]
    name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
    name_at = position + CENTRAL.size
    raw_name = data[name_at:name_at + name_len]
    extra = data[name_at + name_len:name_at + name_len + extra_len]
    if inflated == MASK32 or stored == MASK32:
        inflated, stored = _zip64_sizes(extra, inflated, stored)
    name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
    return Entry(name, stored, inflated), name_at + name_len + extra_len + comment_len


def _zip64_sizes(extra: bytes, inflated: int, stored: int) -> tuple[int, int]:
    at = 0
    while at + EXTRA.size <= len(extra):
        kind, length = EXTRA.unpack_from(extra, at)
        if kind == 1:
            values = extra[at + EXTRA.size:at + EXTRA.size + length]
            numbers = [struct.unpack_from("<Q", values, i)[0] for i in range(0, len(values) - 7, 8)]
            if inflated == MASK32 and numbers:
                inflated = numbers.pop(0)
            if stored == MASK32 and numbers:
                stored = numbers.pop(0)
            break
        at += EXTRA.size + length
    return inflated, stored


class Budget:
    """Reads entries of an archive already listed, counting every byte inflated."""

    def __init__(self, remaining: int | None = None):
        self.remaining = INFLATE_BUDGET if remaining is None else remaining
        self.inflated = 0
        self.entries = 0  # central-directory entries listed, nested archives included
        self.ole_entries = 0  # directory entries of embedded OLE objects, counted by seqf.macros

    def read(self, archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes | None:
        """The whole entry, or ``None`` when it is longer than ``limit``; refused when the budget runs out."""
        cap = self.remaining if limit is None else min(limit, self.remaining)
        with archive.open(name) as entry:
            content = entry.read(cap + 1)
        used = min(len(content), cap)
        self.remaining -= used
        self.inflated += used
        if len(content) > cap:
            if limit is None or limit > cap:
                raise ArchiveRefused("budget", self.inflated + self.remaining)
            return None
        return content

    def chunks(self, archive: zipfile.ZipFile, name: str, size: int = 64 * 1024):
        """The entry in chunks, stopping with ``ArchiveRefused`` when the budget is spent."""
        with archive.open(name) as entry:
            while chunk := entry.read(min(size, self.remaining + 1)):
                if len(chunk) > self.remaining:
                    raise ArchiveRefused("budget", self.inflated + self.remaining)
                self.remaining -= len(chunk)
                self.inflated += len(chunk)
                yield chunk


def open_archive(data: bytes) -> zipfile.ZipFile:
    """``zipfile`` over an archive that ``list_entries`` has already accepted."""
    return zipfile.ZipFile(io.BytesIO(data))
