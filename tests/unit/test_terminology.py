"""The Bokmål catalogue follows the glossary in docs/terminology.md: no msgstr uses a term from the
glossary's "avoid" column (a whole word, with up to three letters of inflection: *ansatt*, *ansatte*)."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from tests.conftest import ROOT

GLOSSARY = ROOT / "docs" / "terminology.md"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")  # %(score)d is a name in code, not a word
CATALOGUE = ROOT / "seqf" / "translations" / "nb" / "LC_MESSAGES" / "messages.po"


def avoided_terms() -> dict[str, str]:
    """term to avoid → the Bokmål term to use instead, from the glossary's three-column tables."""
    terms = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "English (code, msgid)") or set(cells[0]) <= {"-"}:
            continue
        for term in filter(None, (t.strip() for t in cells[2].split(","))):
            terms[term] = cells[1]
    return terms


def translations() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    out = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        out.extend((msgid, s) for s in strings if s)
    return out


def test_the_glossary_lists_terms_to_avoid():
    terms = avoided_terms()
    assert {"virksomhet", "bevis", "vurderingsrunde", "nivå", "ansatt"} <= set(terms)


def test_no_translation_uses_a_term_the_glossary_avoids():
    found = []
    for term, instead in avoided_terms().items():
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}[a-zæøå]{{0,3}}(?![\w-])", re.IGNORECASE)
        found += [f"{msgstr!r} uses «{term}»; write «{instead}»" for _msgid, msgstr in translations()
                  if pattern.search(PLACEHOLDER.sub("", msgstr))]
    assert not found, "\n".join(found)


def test_plural_entries_have_both_bokmal_forms():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    assert catalogue.num_plurals == 2
    for message in catalogue:
        if message.pluralizable and message.id:
            assert len(message.string) == 2 and all(message.string), message.id
