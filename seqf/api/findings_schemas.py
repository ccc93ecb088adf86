"""Request and response schemas of the findings, comment round, publication and report API.

Names carry the ``Findings`` prefix: schema names are unique across the whole API.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from seqf.api.round_schemas import (
    AreaCode,
    Body,
    IsoDate,
    Recommendation,
    StepIn,
    StepOut,
    Text,
    Version,
)
from seqf.services import assessments


class FindingsAreaIn(Body):
    """A finding: the shared area-assessment shape plus what to improve and the reason for a change.

    ``area`` may be left out; when given it must be the area in the path.
    """

    area: AreaCode | None = None
    steps: list[StepIn] = Field(default_factory=list, max_length=10)
    justification: Text = ""
    strengths: Text = ""
    improvements: Text = ""
    change_reason: Text = ""
    recommendations: list[Recommendation] = Field(default_factory=list, max_length=50)
    version: int | None = Version

    def to_data(self, area: str) -> assessments.AreaData:
        return assessments.AreaData(area=area, steps=[s.to_data() for s in self.steps],
                                    justification=self.justification, strengths=self.strengths,
                                    recommendations=list(self.recommendations), version=self.version)


class FindingsRecommendationOut(BaseModel):
    number: str
    text: str


class FindingsAreaOut(BaseModel):
    area: str
    claimed: int
    score: int
    steps: list[StepOut]
    justification: str
    strengths: str
    improvements: str
    change_reason: str
    recommendations: list[FindingsRecommendationOut]
    version: int
    previous_score: int | None
    correction_draft: bool


class FindingsStatusOut(BaseModel):
    area: str
    recorded: bool
    score: int | None
    claimed: int | None
    version: int


class FindingsListOut(BaseModel):
    state: str
    areas: list[FindingsStatusOut]
    overall: str
    outcome: str | None
    version: int
    comment_until: str | None
    comments: dict[str, str]


class FindingsComparisonOut(BaseModel):
    finding: FindingsAreaOut | None
    prefill: dict[str, Any] | None
    consensus: dict[str, Any] | None
    staff: dict[str, Any] | None
    previous: dict[str, Any] | None
    comment: str | None


class FindingsCommentRoundIn(Body):
    until: IsoDate


class FindingsStateOut(BaseModel):
    state: str
    comment_until: str | None = None


class FindingsCommentIn(Body):
    text: Text


class FindingsCommentOut(BaseModel):
    area: str
    text: str


class FindingsCommentsOut(BaseModel):
    comment_until: str | None
    open: bool
    comments: list[FindingsCommentOut]


class FindingsOverallIn(Body):
    text: Text
    outcome: Literal["on_track", "concerns", "at_risk"] | None = None
    version: int | None = Version


class FindingsOverallOut(BaseModel):
    overall: str
    outcome: str | None
    version: int


class FindingsAreaScoreOut(BaseModel):
    area: str
    score: int


class FindingsPublishedOut(BaseModel):
    state: str
    total: int
    max_total: int
    version: int
    areas: list[FindingsAreaScoreOut]


class FindingsVersionOut(BaseModel):
    number: int
    published_at: str
    reason: str
    language: str
    total: int


class FindingsReportOut(BaseModel):
    state: str
    draft: bool
    version: int | None
    language: str
    content: dict[str, Any]
    versions: list[FindingsVersionOut]


class FindingsCorrectionIn(Body):
    reason: Text
