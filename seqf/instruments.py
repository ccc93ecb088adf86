"""Assessment instruments as data: the schema, loader and helpers for ``forms/*.yaml``.

An instrument (the SEQF starter text, an imported licensed text, later IPS) is a YAML file with
areas, progressive steps and key indicators in Norwegian Bokmål and English. The file is validated
here at load time so that a typo is reported with the file name and the path of the bad key, long
before a round or a review uses the text. Pure module: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

DEFAULT_LANG = "nb"
LANGUAGES = ("nb", "en")
MAX_INDICATORS_PER_STEP = 8


class InstrumentError(ValueError):
    """An instrument file could not be read or does not follow the schema.

    ``source`` names the file, ``problems`` lists one human-readable line per problem, each
    starting with the path of the bad key (for example ``areas[3].steps[2].indicators``).
    """

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            message = f"{source}: {problems[0]}"
        else:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            message = f"{source}: {len(problems)} problems:\n{lines}"
        super().__init__(message)


def _int_to_str(value: Any) -> Any:
    """Accept ``code: 1`` as well as ``code: "1"``: YAML reads an unquoted 1 as an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CODE_PATTERN = r"^[A-Za-z0-9._-]+$"
Code = Annotated[
    str,
    BeforeValidator(_int_to_str),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=CODE_PATTERN),
]


class _Strict(BaseModel):
    """Base for every part of an instrument: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Strict):
    """A text in Norwegian Bokmål (``nb``) and English (``en``); both are required."""

    nb: NonBlank
    en: NonBlank

    def get(self, lang: str | None = None) -> str:
        """The text in ``lang``; Bokmål for an unknown or missing language."""
        return self.en if lang == "en" else self.nb


class Guidance(_Strict):
    """Plain-language help for one indicator: what it means and examples of evidence."""

    meaning: LocalizedText
    evidence: LocalizedText


class Indicator(_Strict):
    """A key indicator: one statement that must hold for the step to be met."""

    code: Code
    text: LocalizedText
    guidance: Guidance | None = None


class Step(_Strict):
    """One step (level) of an area, met when all its key indicators are met."""

    level: int = Field(ge=1)
    title: LocalizedText
    indicators: list[Indicator] = Field(min_length=1, max_length=MAX_INDICATORS_PER_STEP)


class Area(_Strict):
    """A quality area with one step per level, numbered 1..levels."""

    code: Code
    title: LocalizedText
    summary: LocalizedText | None = None
    steps: list[Step] = Field(min_length=1)

    @property
    def indicators(self) -> list[Indicator]:
        """All key indicators of the area, step by step."""
        return [indicator for step in self.steps for indicator in step.indicators]


class InstrumentDefinition(_Strict):
    """A whole instrument as loaded from one YAML file."""

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", max_length=40)]
    title: LocalizedText
    scale: Literal["progressive", "likert"]
    levels: int = Field(default=5, ge=2, le=10)
    description: LocalizedText | None = None
    areas: list[Area] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_structure(self) -> InstrumentDefinition:
        problems = _duplicate_area_codes(self) + _bad_step_numbers(self)
        problems += _duplicate_indicator_codes(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _duplicate_area_codes(defn: InstrumentDefinition) -> list[str]:
    counts = Counter(area.code for area in defn.areas)
    return [
        f"areas[{i}].code: duplicate area code {area.code!r}"
        for i, area in enumerate(defn.areas)
        if counts[area.code] > 1
    ]


def _bad_step_numbers(defn: InstrumentDefinition) -> list[str]:
    expected = list(range(1, defn.levels + 1))
    problems = []
    for i, area in enumerate(defn.areas):
        found = [step.level for step in area.steps]
        if found != expected:
            problems.append(
                f"areas[{i}].steps (area {area.code!r}): expected {defn.levels} steps with levels "
                f"{expected} in this order, found {found}"
            )
    return problems


def _duplicate_indicator_codes(defn: InstrumentDefinition) -> list[str]:
    counts = Counter(ind.code for area in defn.areas for ind in area.indicators)
    problems = []
    for i, area in enumerate(defn.areas):
        for j, step in enumerate(area.steps):
            for k, ind in enumerate(step.indicators):
                if counts[ind.code] > 1:
                    problems.append(
                        f"areas[{i}].steps[{j}].indicators[{k}].code: duplicate indicator code "
                        f"{ind.code!r} (codes must be unique in the instrument)"
                    )
    return problems


def _format_loc(loc: tuple[int | str, ...]) -> str:
    """``('areas', 3, 'steps', 2, 'indicators')`` → ``areas[3].steps[2].indicators``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _problems(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        path = _format_loc(tuple(item["loc"]))
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        problems.append(f"{path}: {message}" if path else message)
    return problems


def parse_definition(data: Any, source: str = "<data>") -> InstrumentDefinition:
    """Validate already-parsed data (a dict from YAML or JSON) as an instrument definition."""
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InstrumentError(source, [f"the top level must be a mapping of keys, not {kind}"])
    try:
        return InstrumentDefinition.model_validate(data)
    except ValidationError as exc:
        raise InstrumentError(source, _problems(exc)) from exc


def load_definition(path: str | Path) -> InstrumentDefinition:
    """Read and validate one instrument YAML file; every failure is an ``InstrumentError``."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(source, [f"cannot read the file: {exc}"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(source, [f"not valid YAML: {exc}"]) from exc
    return parse_definition(data, source)


def content_hash(defn: InstrumentDefinition) -> str:
    """SHA-256 (hex) of the definition's canonical JSON.

    The hash depends on the content only, not on YAML layout, quoting or comments, so reformatting
    a file does not create a new version while any change of text or structure does.
    """
    canonical = json.dumps(
        defn.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def short_version(digest: str) -> str:
    """The version label shown to people: the first 12 hex digits of the content hash."""
    return digest[:12]


def area_definition(defn: InstrumentDefinition, code: str) -> Area | None:
    """The area with ``code``, or None."""
    return next((area for area in defn.areas if area.code == code), None)


def step_definition(defn: InstrumentDefinition, area_code: str, level: int) -> Step | None:
    """The step ``level`` of area ``area_code``, or None."""
    area = area_definition(defn, area_code)
    if area is None:
        return None
    return next((step for step in area.steps if step.level == level), None)


def step_indicator_codes(step: Step) -> list[str]:
    """The key indicator codes of one step, in order (input for ``scoring.step_met``)."""
    return [indicator.code for indicator in step.indicators]


def area_as_dict(area: Area, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The API shape of one area, texts in ``lang``."""
    return {
        "code": area.code,
        "title": area.title.get(lang),
        "steps": [
            {
                "level": step.level,
                "title": step.title.get(lang),
                "indicators": [
                    {"code": ind.code, "text": ind.text.get(lang)} for ind in step.indicators
                ],
            }
            for step in area.steps
        ],
    }


def definition_as_api(defn: InstrumentDefinition, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The API shape of a whole instrument; the caller adds ``version``."""
    return {
        "slug": defn.slug,
        "title": defn.title.get(lang),
        "scale": defn.scale,
        "areas": [area_as_dict(area, lang) for area in defn.areas],
    }


def builtin_instrument_paths(forms_dir: str | Path) -> list[Path]:
    """All instrument files (``*.yaml``) in ``forms_dir``, sorted by name."""
    return sorted(Path(forms_dir).glob("*.yaml"))
