"""Schemas of the pre-visit package and the visit agenda API (names prefixed ``Package``/``Visit``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from seqf.api.round_schemas import Body, IsoDate
from seqf.services import visit_agenda

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock_time(value: Any) -> Any:
    """Only ``HH:MM`` becomes a time."""
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str) or not _TIME.match(value):
        raise ValueError("use a time as HH:MM")
    return dt.time.fromisoformat(value)


ClockTime = Annotated[dt.time, BeforeValidator(_clock_time)]
Group = Literal["management", "board", "staff", "nav", "employers", "participants"]
Programme = Annotated[str, StringConstraints(max_length=visit_agenda.PROGRAMME_MAX)]
Topic = Annotated[str, StringConstraints(max_length=visit_agenda.TOPIC_MAX)]


class PackageTitle(BaseModel):
    nb: str = ""
    en: str = ""


class PackageAreaOut(BaseModel):
    area: str
    title: PackageTitle
    recorded: bool
    claimed: int | None
    score: int | None
    justification: str
    withheld: bool = Field(description="true: the round released no staff figures for this area")
    staff_median: float | None
    distribution: dict[str, int] | None
    responses: int | None


class PackageSelfAssessmentOut(BaseModel):
    round_id: int
    title: str
    closed_at: str | None
    consensus_recorded_at: str | None
    withheld: bool
    total: int
    max_total: int
    areas: list[PackageAreaOut]


class PackageFileOut(BaseModel):
    filename: str
    size: int
    sha256: str
    version: int
    content_type: str


class PackageEvidenceOut(BaseModel):
    id: int
    title: str
    description: str
    kind: Literal["file", "link"]
    url: str | None
    tags: list[str]
    file: PackageFileOut | None
    updated_at: str | None
    download: str | None = Field(description="API path of the latest file (files only)")


class PackageRecommendationOut(BaseModel):
    number: str
    text: str


class PackagePreviousAreaOut(BaseModel):
    area: str
    title: dict[str, Any]
    score: int | None
    justification: str
    recommendations: list[PackageRecommendationOut]


class PackagePreviousOut(BaseModel):
    id: int
    kind: str
    state: str
    visit_starts_on: str | None
    visit_ends_on: str | None
    published_at: str | None
    report_version: int | None
    total: int | None
    max_total: int | None
    overall: str
    areas: list[PackagePreviousAreaOut]
    report_pdf: str | None = Field(description="API path of the previous report as PDF, when there is one")


class PackagePlanUpdateOut(BaseModel):
    at: str
    health: str
    note: str


class PackagePlanTaskOut(BaseModel):
    id: int
    title: str
    assignee: str | None
    due_on: str | None
    state: str


class PackagePlanGoalOut(BaseModel):
    goal_id: int
    title: str
    state: str
    health: str
    areas: list[str]
    owner: str | None
    deputy: str | None
    due_on: str | None
    last_update: PackagePlanUpdateOut | None
    tasks: list[PackagePlanTaskOut]


class PackageOut(BaseModel):
    review_id: int
    organisation: dict[str, Any]
    self_assessment: PackageSelfAssessmentOut | None
    evidence: list[PackageEvidenceOut]
    previous_review: PackagePreviousOut | None
    action_plan: list[PackagePlanGoalOut] = Field(description="The active and paused goals of the action plan")


class VisitSlotIn(Body):
    day: IsoDate
    starts_at: ClockTime
    ends_at: ClockTime
    groups: list[Group] = Field(min_length=1, max_length=6)
    programme: Programme = ""
    topic: Topic = ""


class VisitSlotPatch(Body):
    day: IsoDate | None = None
    starts_at: ClockTime | None = None
    ends_at: ClockTime | None = None
    groups: list[Group] | None = Field(default=None, min_length=1, max_length=6)
    programme: Programme | None = None
    topic: Topic | None = None
    version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                description="the slot's version as read; an older one answers 409")


class VisitSlotOut(BaseModel):
    id: int
    review_id: int
    day: str
    starts_at: str
    ends_at: str
    groups: list[str]
    programme: str
    topic: str
    has_note: bool
    version: int
    note_version: int
    overlaps: list[int] = Field(description="ids of slots on the same day whose time overlaps (allowed)")


class VisitNotePut(Body):
    text: Annotated[str, StringConstraints(max_length=visit_agenda.NOTE_MAX)]
    version: int = Field(ge=0, le=2_000_000_000, description="The note version the text is based on; "
                                                               "another version answers 409 stale_version")


class VisitNoteOut(BaseModel):
    slot_id: int
    text: str
    version: int
    updated_at: str | None
