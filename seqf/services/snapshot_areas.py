"""The released areas of a round snapshot, parsed once per process.

A snapshot row is written once, when a round is closed, and never changed: a later close adds a
new row. Its ``areas`` JSON holds, for a large round, every counted response id and every comment
(139 KB for a 1,000-participant round), and parsing it was a fixed part of every request for that
round's summary, results, consensus page, exports and summary API. So each process keeps the
parsed areas of the snapshots it read last, with each area's response ids as a set (the
disclosure check in ``round_summary.areas_in_force`` needs them so), keyed by the row's identity:
id, round and the moment it was taken (an id alone could come back on SQLite, where deleting the
newest row frees its id).

``round_summary.latest_snapshots`` leaves the column out of its statement; a snapshot not kept here
has it read on first use (one statement). What is kept is shared by the process's requests: callers
only read it. Nothing here decides who may see a snapshot; the pages check that before asking.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from seqf.models import RoundSnapshot

MAX_KEPT = 32  # a large round's parsed areas take about 0.5 MB


@dataclass(frozen=True)
class ParsedAreas:
    areas: dict[str, dict]
    response_ids: dict[str, frozenset[int]]


class _Kept:
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, ParsedAreas] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> ParsedAreas | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, value: ParsedAreas) -> None:
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_KEPT = _Kept(MAX_KEPT)


def parsed_areas(snapshot: RoundSnapshot) -> ParsedAreas:
    """The snapshot's areas and each area's response ids; parsed once per process for a stored row."""
    if snapshot.id is None:  # computed for a page, never stored (a round closed before snapshots)
        return _parse(snapshot)
    key = (snapshot.id, snapshot.round_id, snapshot.taken_at)
    found = _KEPT.get(key)
    if found is None:
        found = _parse(snapshot)
        _KEPT.put(key, found)
    return found


def _parse(snapshot: RoundSnapshot) -> ParsedAreas:
    areas = snapshot.areas or {}
    return ParsedAreas(areas, {code: frozenset(entry["response_ids"]) for code, entry in areas.items()})


def forget() -> None:
    """Drop what is kept: for a database emptied or replaced under a running process (the tests)."""
    _KEPT.clear()
