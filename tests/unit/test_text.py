"""Names and titles are one line of visible text: bidi controls cannot reverse them, nothing is cut."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from seqf.text import (
    BIDI_CONTROLS,
    INVISIBLE_REMOVED,
    clean_single_line,
    has_visible,
    is_visible,
    name_type,
    shorten,
)

TRICKY = sorted(BIDI_CONTROLS | INVISIBLE_REMOVED | set(" \t\n\r\x0b\x0c\x85\xa0\u2028\u2029\u3000\u3164\u2800\u200d"))
texts = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=60)


@settings(deadline=None)  # a busy machine must not fail a pure function on time
@given(texts)
def test_the_result_is_one_trimmed_line_without_bidi_controls(value):
    cleaned = clean_single_line(value)
    assert not set(cleaned) & (BIDI_CONTROLS | INVISIBLE_REMOVED)
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in cleaned)
    assert not any(c.isspace() and c != " " for c in cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned


@settings(deadline=None)  # a busy machine must not fail a pure function on time
@given(texts)
def test_cleaning_keeps_every_visible_character_in_order_and_never_grows(value):
    cleaned = clean_single_line(value)
    assert [c for c in cleaned if is_visible(c)] == [c for c in value if is_visible(c)]
    assert len(cleaned) <= len(value)
    assert has_visible(cleaned) == has_visible(value)


@settings(deadline=None)  # a busy machine must not fail a pure function on time
@given(texts)
def test_cleaning_twice_changes_nothing(value):
    assert clean_single_line(clean_single_line(value)) == clean_single_line(value)


@pytest.mark.parametrize("given_, expected", [
    ("  Kari   Nordmann ", "Kari Nordmann"),
    ("\u202eKari", "Kari"),
    ("Ola\u202e Nordmann\u202c", "Ola Nordmann"),
    ("\u2067Jobbvei\u2069 AS", "Jobbvei AS"),
    ("Linje\nto\tfane", "Linje to fane"),
    ("Ås\u00a0kommune", "Ås kommune"),
    ("\u200bAda\ufeff", "Ada"),
    ("\u0645\u200f\u0631\u062d\u0628\u0627", "\u0645\u0631\u062d\u0628\u0627"),
])
def test_examples(given_, expected):
    assert clean_single_line(given_) == expected


@pytest.mark.parametrize("value", ["", "   ", "\u200b", "\u202e\u202c", "\u3164", "\u2800", "\u0301", "\u200d"])
def test_invisible_only_is_not_a_name(value):
    assert not has_visible(clean_single_line(value))


@pytest.mark.parametrize("value", ["Å", "7", "-", "😀", "李"])
def test_one_visible_character_is_enough(value):
    assert has_visible(value)


def test_none_stays_none_for_wtforms():
    assert clean_single_line(None) is None


@settings(deadline=None)
@given(st.text(max_size=30), st.integers(min_value=1, max_value=20))
def test_shorten_says_that_it_cut(value, limit):
    short = shorten(value, limit)
    assert len(short) <= limit
    assert short == value or short.endswith("…")


class Named(BaseModel):
    name: name_type(10)


def test_the_pydantic_type_cleans_then_checks_length_and_visibility():
    assert Named(name=" \u202eKari\u202c ").name == "Kari"
    assert Named(name="\u202e" + "x" * 10).name == "x" * 10  # the limit counts what is kept
    with pytest.raises(ValidationError, match="at most 10 characters"):
        Named(name="x" * 11)
    with pytest.raises(ValidationError, match="visible character"):
        Named(name="\u200b \u2066")
    with pytest.raises(ValidationError):
        Named(name=5)


def test_the_pydantic_type_documents_its_limits():
    schema = Named.model_json_schema()["properties"]["name"]
    assert (schema["type"], schema["minLength"], schema["maxLength"]) == ("string", 1, 10)
