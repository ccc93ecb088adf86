"""Typeset PDFs kept per worker, keyed by the SHA-256 of the HTML they were typeset from.

WeasyPrint takes a second or more for a plan, a meeting's minutes or a report, while rendering the
HTML takes milliseconds. The key is the whole document: every name, date, task, health and the
language are in the HTML, so a changed plan, a new update, another day (the plan PDF says "as of")
or a correction gives other HTML and thus another key — nothing needs invalidating, and no service
has to remember to. Correct under the privacy rules because the PDF is a pure function of HTML
the caller was already allowed to receive: the view checks permission before rendering, and two
callers share an entry only if they would get byte-for-byte the same document. (Static files —
CSS, fonts — change only with a deploy, which restarts the workers and so empties the cache.)

Bounded by total bytes (16 MB, least recently used out first), so a worker's memory stays small.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_BYTES = 16 * 1024 * 1024  # about 400 plans or reports of 30–40 KB

_entries: OrderedDict[str, bytes] = OrderedDict()
_size = 0
_lock = threading.Lock()


def key_of(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def typeset(html: str, make: Callable[[], bytes]) -> bytes:
    """The PDF of ``html``: from the cache, or made by ``make()`` and kept."""
    global _size
    key = key_of(html)
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found
    data = make()
    if len(data) > MAX_BYTES // 4:  # one huge document does not push out everything else
        return data
    with _lock:
        if key not in _entries:
            _entries[key] = data
            _size += len(data)
            while _size > MAX_BYTES and _entries:
                _old, dropped = _entries.popitem(last=False)
                _size -= len(dropped)
    return data


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0


def size() -> int:
    return _size


def entries() -> int:
    return len(_entries)
