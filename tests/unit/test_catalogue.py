"""Every string the code and templates mark for translation has a Bokmål translation.

Norwegian is the default language: an untranslated msgid would show English to a Norwegian user
without anyone noticing. The catalogue is extracted afresh, exactly as the README tells developers
to do, and compared with ``messages.po``.
"""

from __future__ import annotations

import re
import subprocess
import sys

from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGUE = ROOT / "seqf" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "seqf" / "translations" / "babel.cfg"), "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        return read_po(f)


def _translated(message) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return bool(strings) and all(strings) and not message.fuzzy


def test_every_msgid_has_a_bokmal_translation(tmp_path):
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    missing = []
    for message in _extracted(tmp_path):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalogue.get(key)
        if found is None or not _translated(found):
            missing.append(key)
    assert not missing, "untranslated: " + "; ".join(missing)


def test_translations_keep_the_placeholders():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    wrong = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        wanted = set().union(*(set(PLACEHOLDER.findall(i)) for i in ids))
        for string in strings:
            # a singular form may leave out the count (``en runde``), never add a name
            if not set(PLACEHOLDER.findall(string)) <= wanted:
                wrong.append(f"{ids[0]!r} → {string!r}")
    assert not wrong, "\n".join(wrong)
