"""Request and response schemas of the meetings API (series, occurrences, meetings, minutes).

Names are prefixed ``Meeting`` so they stay unique in the OpenAPI document of the whole API.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from seqf.api.round_schemas import Body, Id, IsoDate

SeriesTitle = Annotated[str, StringConstraints(max_length=1000)]
Clock = Annotated[str, StringConstraints(max_length=8)]


class MeetingSeriesIn(Body):
    title: SeriesTitle
    interval_days: int = 14
    first_on: IsoDate
    starts_at: Clock | None = None
    duration_minutes: int = 60
    place: Annotated[str, StringConstraints(max_length=1000)] = ""
    video_url: Annotated[str, StringConstraints(max_length=2000)] = ""
    participant_ids: Annotated[list[Id], Field(max_length=500)] | None = None


class MeetingSeriesPatch(Body):
    version: int | None = None
    title: SeriesTitle | None = None
    interval_days: int | None = None
    first_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    starts_at: Clock | None = None
    duration_minutes: int | None = None
    place: Annotated[str, StringConstraints(max_length=1000)] | None = None
    video_url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    participant_ids: Annotated[list[Id], Field(max_length=500)] | None = None


class MeetingChangeIn(Body):
    planned_on: IsoDate
    moved_to: IsoDate | None = None
    cancelled: bool = False
    reason: Annotated[str, StringConstraints(max_length=2000)] = ""


class MeetingOpenIn(Body):
    held_on: IsoDate


class MeetingMinutesIn(Body):
    markdown: str
    version: int | None = None


class MeetingAttendeesIn(Body):
    user_ids: Annotated[list[Id], Field(max_length=500)]


class MeetingApproveIn(Body):
    in_meeting_id: Id


class MeetingPersonOut(BaseModel):
    id: int
    name: str


class MeetingOccurrenceOut(BaseModel):
    planned_on: str
    held_on: str
    moved: bool
    meeting_id: int | None


class MeetingSeriesOut(BaseModel):
    id: int
    organisation_id: int
    title: str
    interval_days: int
    first_on: str
    ends_on: str | None
    starts_at: str | None
    duration_minutes: int
    place: str
    video_url: str
    participants: list[MeetingPersonOut]
    version: int
    upcoming: list[str]
    occurrences: list[MeetingOccurrenceOut]
    changes: list[dict[str, Any]]


class MeetingOut(BaseModel):
    id: int
    series_id: int
    organisation_id: int
    title: str
    planned_on: str
    held_on: str
    state: Literal["open", "approved"]
    agenda: dict[str, Any]
    agenda_generated_at: str | None
    minutes: str
    minutes_html: str
    minutes_version: int
    attendees: list[MeetingPersonOut]
    approved_at: str | None
    approved_in_id: int | None
    previous_meeting_id: int | None
