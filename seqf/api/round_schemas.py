"""Request and response schemas for self-assessment rounds and the shared area-assessment shape.

Requests are strict: unknown keys, wrong JSON types and overlong values are refused with 422 before
any service runs. Dates are ``YYYY-MM-DD`` strings and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from seqf.services import assessments
from seqf.text import name_type
from seqf.urls import MAX_ID

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Only a ``YYYY-MM-DD`` string becomes a date; numbers and timestamps are refused."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("use a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a valid calendar date (YYYY-MM-DD)") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Title = name_type(200)
AreaCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)]
IndicatorCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=40)]
Text = Annotated[str, StringConstraints(max_length=assessments.MAX_TEXT)]
Recommendation = Annotated[str, StringConstraints(max_length=2000)]
Level = Annotated[int, Field(ge=1, le=10)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """Strict request body: no unknown keys, no type coercion (``"1"`` is not a number)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class RoundCreate(Body):
    instrument: Slug = "seqf"
    title: Title
    closes_on: IsoDate
    participant_ids: list[Id] | None = Field(default=None, max_length=5000)


class StepIn(Body):
    """One step of an area assessment. ``indicators`` (ticked codes), when given, decides ``met``."""

    step: Level
    met: bool = False
    evidence_ids: list[Id] = Field(default_factory=list, max_length=50)
    indicators: list[IndicatorCode] | None = Field(default=None, max_length=20)

    def to_data(self) -> assessments.StepData:
        return assessments.StepData(level=self.step, met=self.met, evidence_ids=list(self.evidence_ids),
                                    indicators=list(self.indicators) if self.indicators is not None else None)


Version = Field(default=None, ge=0, le=2_000_000_000,
                description="The version this save is based on (0: no answer yet). When the stored "
                            "version differs the save answers 409 stale_version; leave it out to skip the check.")


class AnswerIn(Body):
    """A participant's answer for one area; steps not listed count as not met.

    Listing an area answers it (with no step met it is the explicit "none of these steps yet");
    ``answered: false`` removes the area's answer.
    """

    area: AreaCode
    steps: list[StepIn] = Field(default_factory=list, max_length=10)
    comment: Text = ""
    answered: bool = True
    version: int | None = Version

    def to_data(self) -> assessments.AreaData:
        return assessments.AreaData(area=self.area, steps=[s.to_data() for s in self.steps], comment=self.comment,
                                    version=self.version)


class ResponseSave(Body):
    answers: list[AnswerIn] = Field(max_length=50)


class AreaAssessmentIn(Body):
    """The shared area-assessment shape (consensus; later a revisor's finding)."""

    area: AreaCode
    steps: list[StepIn] = Field(default_factory=list, max_length=10)
    justification: Text = ""
    strengths: Text = ""
    recommendations: list[Recommendation] = Field(default_factory=list, max_length=50)
    version: int | None = Version

    def to_data(self) -> assessments.AreaData:
        return assessments.AreaData(area=self.area, steps=[s.to_data() for s in self.steps],
                                    justification=self.justification, strengths=self.strengths,
                                    recommendations=list(self.recommendations), version=self.version)


class ConsensusSave(Body):
    areas: list[AreaAssessmentIn] = Field(min_length=1, max_length=50)


# --- responses (documentation of the shapes; the views build plain dicts) ---------------------------

RoundStateName = Literal["open", "closed"]
ResponseStateName = Literal["draft", "submitted"]


class RoundOut(BaseModel):
    id: int
    organisation_id: int
    state: RoundStateName
    title: str
    closes_on: dt.date
    instrument: str
    instrument_version: str
    invited: int
    submitted: int
    anonymity_threshold: int
    participant: bool
    my_state: ResponseStateName | None
    consensus_recorded: bool
    created_at: dt.datetime
    closed_at: dt.datetime | None


class ParticipantOut(BaseModel):
    user_id: int
    name: str
    submitted: bool


class StepOut(BaseModel):
    step: int
    met: bool
    indicators: list[str]
    evidence_ids: list[int]


class AreaAssessmentOut(BaseModel):
    area: str
    steps: list[StepOut]
    comment: str
    justification: str
    strengths: str
    recommendations: list[str]
    claimed: int
    score: int
    version: int


class Hint(BaseModel):
    step: int
    reaches: int


class AreaScoreOut(BaseModel):
    area: str
    own: bool
    claimed: int
    score: int
    answered: bool
    hint: Hint | None = None


class MyResponseOut(BaseModel):
    state: ResponseStateName
    areas: list[AreaScoreOut]
    total: int
    claimed_total: int
    answered: int
    area_count: int
    submitted_at: dt.datetime | None
    answers: list[AreaAssessmentOut]


class AreaSummaryOut(BaseModel):
    """Aggregates of one area from the released snapshot; when ``withheld`` every figure is null, the count too."""

    area: str
    own: bool
    responses: int | None
    withheld: bool
    released_at: dt.datetime | None
    distribution: dict[str, int] | None
    median: float | None
    spread: int | None
    disagreement: bool | None
    comments: list[str] | None
    comments_total: int | None = None  # only with ?comments=N: how many there are in all


class SummaryOut(BaseModel):
    round_id: int
    invited: int
    submitted: int
    threshold: int
    withheld: bool
    released_at: dt.datetime | None
    counted: int | None
    needed: int | None
    areas: list[AreaSummaryOut]


class ConsensusAreaOut(BaseModel):
    area: str
    own: bool
    recorded: bool
    claimed: int
    score: int


class ConsensusOut(BaseModel):
    areas: list[ConsensusAreaOut]
    total: int
    claimed_total: int
    max_total: int
    assessments: list[AreaAssessmentOut]
    prefill: dict[str, int]
    prefill_evidence: dict[str, dict[str, list[int]]]


class ResultAreaOut(ConsensusAreaOut):
    median: float | None
    previous: int | None
    change: int | None


class PreviousRoundOut(BaseModel):
    round_id: int
    title: str
    total: int
    change: int


class ResultsOut(BaseModel):
    areas: list[ResultAreaOut]
    total: int
    claimed_total: int
    max_total: int
    withheld: bool
    previous: PreviousRoundOut | None
