"""Request and response schemas for planning reviews (``seqf/api/reviews.py``).

Requests are strict: unknown keys and wrong JSON types are refused with 422 before any service
runs; dates are ``YYYY-MM-DD``. The rules themselves (conflict of interest, dates, link, round,
areas) are the service's, which answers 422 naming the fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from seqf.api.round_schemas import AreaCode, Body, Id, IsoDate, Slug

ReviewKindName = Literal["certification", "follow_up", "recertification"]
ReviewModeName = Literal["on_site", "video"]
ReviewStateName = Literal["due", "planned", "drafting", "comment_round", "published", "decided"]
MeetingUrl = Annotated[str, StringConstraints(max_length=500)]
RevisorIds = Annotated[list[Id], Field(max_length=20, description="Revisor user ids, the lead revisor first.")]
Areas = Annotated[list[AreaCode], Field(max_length=30, description="For a follow-up: the area codes it covers "
                                                                  "(empty: every area).")]


class ReviewsCreateIn(Body):
    kind: ReviewKindName
    instrument: Slug = "seqf"
    revisor_ids: RevisorIds
    mode: ReviewModeName
    meeting_url: MeetingUrl = ""
    visit_starts_on: IsoDate
    visit_ends_on: IsoDate
    round_id: Id | None = None
    areas: Areas | None = None


class ReviewsUpdateIn(Body):
    """Fields left out stay as they are; on a due follow-up this plans it (revisors and dates needed)."""

    version: int = Field(ge=0, le=2_000_000_000, description="The review's version this change is based on; "
                                                               "a stale version answers 409 stale_version.")
    revisor_ids: RevisorIds | None = None
    mode: ReviewModeName | None = None
    meeting_url: MeetingUrl | None = None
    visit_starts_on: IsoDate | None = None
    visit_ends_on: IsoDate | None = None
    round_id: Id | None = None
    areas: Areas | None = None


class ReviewsRevisorOut(BaseModel):
    id: int
    name: str
    role: Literal["lead", "co"]


class ReviewsOut(BaseModel):
    id: int
    state: ReviewStateName
    kind: ReviewKindName
    mode: ReviewModeName
    organisation_id: int
    organisation_name: str
    instrument: str
    instrument_version: str
    meeting_url: str
    visit_starts_on: dt.date | None
    visit_ends_on: dt.date | None
    due_on: dt.date | None
    revisors: list[ReviewsRevisorOut]
    suggested_lead_id: int | None
    round_id: int | None
    previous_review_id: int | None
    certificate_id: int | None
    areas: list[str]
    version: int
    created_at: dt.datetime | None
    published_at: dt.datetime | None
    decision: Literal["approved", "not_approved"] | None
    decided_on: dt.date | None
    outcome: Literal["on_track", "concerns", "at_risk"] | None
