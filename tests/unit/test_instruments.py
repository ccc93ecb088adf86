"""The instrument schema, the SEQF starter file and the errors people see for broken files."""

from __future__ import annotations

import copy
import re
import string
from pathlib import Path

import pytest
import yaml

from seqf.instruments import (
    InstrumentDefinition,
    InstrumentError,
    LocalizedText,
    area_definition,
    builtin_instrument_paths,
    content_hash,
    definition_as_api,
    load_definition,
    parse_definition,
    short_version,
    step_definition,
    step_indicator_codes,
)

FORMS = Path(__file__).resolve().parents[2] / "forms"
SEQF_FILE = FORMS / "seqf.yaml"
AREA_TITLES = {
    "1": ("Ledelse", "Leadership"),
    "2": ("Strategi", "Strategy"),
    "3": ("Personalledelse", "People management"),
    "4": ("Partnerskap og ressurser", "Partnerships and resources"),
    "5": ("Produkter, tjenester og prosesser", "Products, services and processes"),
    "6": ("Brukerresultater", "User results"),
    "7": ("Ansatteresultater", "Employee results"),
    "8": ("Samfunnsresultater", "Society results"),
    "9": ("Forretningsresultater", "Business results"),
}


@pytest.fixture(scope="module")
def seqf() -> InstrumentDefinition:
    return load_definition(SEQF_FILE)


def all_texts(defn: InstrumentDefinition) -> list[LocalizedText]:
    texts = [defn.title] + ([defn.description] if defn.description else [])
    for area in defn.areas:
        texts += [area.title] + ([area.summary] if area.summary else [])
        for step in area.steps:
            texts.append(step.title)
            for ind in step.indicators:
                texts += [ind.text, ind.guidance.meaning, ind.guidance.evidence]
    return texts


# --- the SEQF starter instrument -------------------------------------------------------------


def test_seqf_header(seqf):
    assert seqf.slug == "seqf"
    assert seqf.scale == "progressive"
    assert seqf.levels == 5


def test_seqf_has_the_nine_areas_in_order(seqf):
    assert [area.code for area in seqf.areas] == [str(n) for n in range(1, 10)]
    for area in seqf.areas:
        assert (area.title.nb, area.title.en) == AREA_TITLES[area.code]
        assert area.summary is not None


def test_seqf_has_five_steps_with_two_to_four_indicators(seqf):
    for area in seqf.areas:
        assert [step.level for step in area.steps] == [1, 2, 3, 4, 5]
        for step in area.steps:
            assert 2 <= len(step.indicators) <= 4, (area.code, step.level)


def test_seqf_indicator_codes_follow_area_level_letter(seqf):
    for area in seqf.areas:
        for step in area.steps:
            letters = string.ascii_lowercase[: len(step.indicators)]
            expected = [f"{area.code}.{step.level}.{letter}" for letter in letters]
            assert step_indicator_codes(step) == expected


def test_seqf_texts_are_filled_in_both_languages(seqf):
    for text in all_texts(seqf):
        assert text.nb.strip() and text.en.strip()
        assert text.nb != text.en


def test_seqf_every_indicator_has_guidance(seqf):
    for area in seqf.areas:
        for indicator in area.indicators:
            assert indicator.guidance is not None, indicator.code


def test_seqf_area_5_follows_the_five_stages_on_every_step(seqf):
    area = area_definition(seqf, "5")
    for step in area.steps:
        meanings = " ".join(ind.guidance.meaning.en for ind in step.indicators)
        found = set()
        for match in re.finditer(r"Stages? (\d)(?: and (\d))?", meanings):
            found |= {int(n) for n in match.groups() if n}
        assert found == {1, 2, 3, 4, 5}, step.level


def test_seqf_evidence_never_asks_for_identifying_documents(seqf):
    forbidden = ["personnummer", "fødselsnummer", "journal", "cv-er", "navn på deltaker"]
    for area in seqf.areas:
        for indicator in area.indicators:
            text = indicator.guidance.evidence.nb.lower()
            assert not any(word in text for word in forbidden), indicator.code


def test_builtin_paths_include_seqf():
    assert SEQF_FILE in builtin_instrument_paths(FORMS)


# --- content hash ----------------------------------------------------------------------------


def test_hash_ignores_yaml_formatting_and_comments(seqf, tmp_path):
    data = yaml.safe_load(SEQF_FILE.read_text(encoding="utf-8"))
    reformatted = tmp_path / "seqf.yaml"
    text = yaml.safe_dump(data, default_flow_style=True, sort_keys=True, allow_unicode=False)
    reformatted.write_text("# another layout\n" + text, encoding="utf-8")
    again = load_definition(reformatted)
    assert content_hash(again) == content_hash(seqf)
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(seqf))
    assert short_version(content_hash(seqf)) == content_hash(seqf)[:12]


def test_hash_counts_defaults_as_written():
    data = minimal()
    explicit = parse_definition({**data, "levels": 5, "description": None})
    assert content_hash(explicit) == content_hash(parse_definition(data))


def test_hash_changes_with_the_content(seqf):
    data = yaml.safe_load(SEQF_FILE.read_text(encoding="utf-8"))
    data["areas"][0]["steps"][0]["indicators"][0]["text"]["en"] += " Changed."
    assert content_hash(parse_definition(data)) != content_hash(seqf)


# --- helpers and API shape -------------------------------------------------------------------


def test_lookup_helpers(seqf):
    assert area_definition(seqf, "5").title.en == "Products, services and processes"
    assert area_definition(seqf, "10") is None
    assert step_definition(seqf, "3", 2).level == 2
    assert step_definition(seqf, "3", 6) is None
    assert step_definition(seqf, "x", 1) is None


def test_localized_text_falls_back_to_bokmal():
    text = LocalizedText(nb="Ledelse", en="Leadership")
    assert text.get("en") == "Leadership"
    assert text.get("nb") == "Ledelse"
    assert text.get("de") == "Ledelse"
    assert text.get(None) == "Ledelse"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_api_shape(seqf, lang):
    api = definition_as_api(seqf, lang)
    assert set(api) == {"slug", "title", "scale", "areas"}
    assert api["title"] == seqf.title.get(lang)
    area = api["areas"][0]
    assert set(area) == {"code", "title", "steps"}
    assert area["title"] == ("Ledelse" if lang == "nb" else "Leadership")
    step = area["steps"][0]
    assert set(step) == {"level", "title", "indicators"}
    assert step["indicators"][0] == {
        "code": "1.1.a",
        "text": seqf.areas[0].steps[0].indicators[0].text.get(lang),
    }


# --- broken files ----------------------------------------------------------------------------


def text(value: str) -> dict[str, str]:
    return {"nb": f"{value} (nb)", "en": f"{value} (en)"}


def minimal(levels: int = 5) -> dict:
    """A small valid instrument: two areas with one indicator per step."""
    return {
        "slug": "test-instrument",
        "title": text("Test"),
        "scale": "progressive",
        "areas": [
            {
                "code": area,
                "title": text(f"Area {area}"),
                "steps": [
                    {
                        "level": level,
                        "title": text(f"Step {level}"),
                        "indicators": [{"code": f"{area}.{level}.a", "text": text("Indicator")}],
                    }
                    for level in range(1, levels + 1)
                ],
            }
            for area in ("1", "2")
        ],
    }


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def load_error(tmp_path: Path, data) -> InstrumentError:
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as info:
        load_definition(path)
    assert str(path) in str(info.value)
    assert info.value.source == str(path)
    return info.value


def test_minimal_document_is_valid(tmp_path):
    defn = load_definition(write(tmp_path, minimal()))
    assert defn.levels == 5
    assert defn.areas[0].steps[0].indicators[0].guidance is None


def test_unquoted_numeric_codes_are_accepted():
    data = minimal()
    data["areas"][0]["code"] = 1
    assert parse_definition(data).areas[0].code == "1"


def test_duplicate_area_code(tmp_path):
    data = minimal()
    data["areas"][1]["code"] = "1"
    for step in data["areas"][1]["steps"]:
        step["indicators"][0]["code"] += "x"
    error = load_error(tmp_path, data)
    assert "areas[1].code: duplicate area code '1'" in str(error)


def test_four_steps(tmp_path):
    data = minimal()
    del data["areas"][1]["steps"][4]
    error = load_error(tmp_path, data)
    assert "areas[1].steps (area '2'): expected 5 steps" in str(error)


def test_steps_out_of_order(tmp_path):
    data = minimal()
    steps = data["areas"][0]["steps"]
    steps[0], steps[1] = steps[1], steps[0]
    assert "found [2, 1, 3, 4, 5]" in str(load_error(tmp_path, data))


def test_unknown_key(tmp_path):
    data = minimal()
    data["areas"][0]["steps"][2]["indicators"][0]["guidence"] = {}
    error = load_error(tmp_path, data)
    assert "areas[0].steps[2].indicators[0].guidence: unknown key" in str(error)


def test_missing_nb(tmp_path):
    data = minimal()
    del data["areas"][1]["title"]["nb"]
    assert "areas[1].title.nb: Field required" in str(load_error(tmp_path, data))


def test_blank_text(tmp_path):
    data = minimal()
    data["areas"][0]["steps"][0]["indicators"][0]["text"]["en"] = "   "
    assert "areas[0].steps[0].indicators[0].text.en" in str(load_error(tmp_path, data))


def test_duplicate_indicator_code(tmp_path):
    data = minimal()
    data["areas"][1]["steps"][0]["indicators"][0]["code"] = "1.1.a"
    error = load_error(tmp_path, data)
    assert "areas[1].steps[0].indicators[0].code: duplicate indicator code '1.1.a'" in str(error)


def test_too_many_or_no_indicators(tmp_path):
    data = minimal()
    step = data["areas"][0]["steps"][3]
    step["indicators"] = [{"code": f"i{n}", "text": text("x")} for n in range(9)]
    assert "areas[0].steps[3].indicators" in str(load_error(tmp_path, data))
    step["indicators"] = []
    assert "areas[0].steps[3].indicators" in str(load_error(tmp_path, data))


@pytest.mark.parametrize(
    ("key", "value", "where"),
    [("slug", "SEQF Norge", "slug"), ("scale", "points", "scale"), ("levels", 1, "levels")],
)
def test_bad_header_values(tmp_path, key, value, where):
    data = {**minimal(), key: value}
    assert f"{where}: " in str(load_error(tmp_path, data))


def test_several_problems_are_listed_together(tmp_path):
    data = minimal()
    del data["title"]["en"]
    data["colour"] = "blue"
    error = load_error(tmp_path, data)
    assert len(error.problems) == 2
    assert "2 problems" in str(error)


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("slug: seqf\nareas: [\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=re.escape(str(path)) + ".*not valid YAML"):
        load_definition(path)


def test_top_level_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="mapping"):
        load_definition(path)


def test_missing_file(tmp_path):
    with pytest.raises(InstrumentError, match="cannot read"):
        load_definition(tmp_path / "nope.yaml")


def test_other_levels_and_parse_source():
    data = minimal(levels=3)
    assert parse_definition({**data, "levels": 3}).levels == 3
    with pytest.raises(InstrumentError, match=r"^upload\.yaml: .*expected 5 steps"):
        parse_definition(copy.deepcopy(data), source="upload.yaml")
