"""Documents kept per worker, keyed by the SHA-256 of everything they are made from.

Some documents cost far more to serialise than their input costs to read: WeasyPrint typesets a plan
in a second, openpyxl spends milliseconds on the fixed parts of a small workbook, icalendar on a feed a
calendar app fetches every few hours. When the document is a pure function of an input the request
has already read (after checking the caller may see it), the document can be kept under a key made
of that whole input: a changed row, another language or another day gives another key, so nothing
needs invalidating and no service has to remember to. Two callers share an entry only when they would
get byte for byte the same document, so a cache never shows anyone something the request would not
have. Code and static files change only with a deploy, which restarts the workers and empties it.

Each cache is bounded by total bytes (least recently used out first), so a worker's memory stays small.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable


def key_of(material: str | bytes) -> str:
    return hashlib.sha256(material.encode("utf-8") if isinstance(material, str) else material).hexdigest()


class DerivedCache:
    """Bytes made from ``material`` by a pure function, kept by the material's SHA-256."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, material: str | bytes, make: Callable[[], bytes]) -> bytes:
        """The document made from ``material``: from the cache, or made by ``make()`` and kept."""
        key = key_of(material)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        data = make()
        if len(data) > self.max_bytes // 4:  # one huge document does not push out everything else
            return data
        with self._lock:
            if key not in self._entries:
                self._entries[key] = data
                self._size += len(data)
                while self._size > self.max_bytes and self._entries:
                    _old, dropped = self._entries.popitem(last=False)
                    self._size -= len(dropped)
        return data

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def size(self) -> int:
        return self._size

    def entries(self) -> int:
        return len(self._entries)
