"""Response schemas of the network API (trend, register, calendar, workload); dates are ``YYYY-MM-DD``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class NetworkTrendPoint(BaseModel):
    date: str
    source: Literal["review", "self_assessment"]
    kind: Literal["certification", "follow_up", "recertification"] | None = None
    review_id: int | None = None
    round_id: int | None = None
    score: int


class NetworkTrendChange(BaseModel):
    from_: int = Field(alias="from")
    to: int
    reason: str
    review_id: int


class NetworkTrendArea(BaseModel):
    area: str
    title: dict[str, str]
    points: list[NetworkTrendPoint]
    change: NetworkTrendChange | None


class NetworkTrendOut(BaseModel):
    areas: list[NetworkTrendArea]


class NetworkRegisterRow(BaseModel):
    organisation_id: int
    name: str
    state: Literal["active", "expiring", "expired", "withdrawn", "none"]
    certificate_id: int | None
    valid_until: str | None
    next_follow_up: str | None
    last_total: int | None
    in_progress: int
    lead: str | None
    lead_id: int | None
    active_goals: int = Field(description="Active goals of the action plan")
    goals_at_risk: int = Field(description="Active goals at risk or off track")
    last_plan_update: str | None = Field(description="The newest progress update on an active or paused goal")


class NetworkRegisterOut(BaseModel):
    items: list[NetworkRegisterRow]
    page: int
    per_page: int
    total: int


class NetworkCalendarEvent(BaseModel):
    date: str
    end: str | None = None
    type: Literal["visit", "follow_up_due", "certificate_expiry"]
    organisation_id: int
    organisation: str
    review_id: int | None = None
    certificate_id: int | None = None
    kind: Literal["certification", "follow_up", "recertification"] | None = None
    state: str | None = None


class NetworkCalendarOut(BaseModel):
    year: int
    events: list[NetworkCalendarEvent]


class NetworkWorkloadRow(BaseModel):
    user_id: int
    name: str
    lead: int
    co: int
    visit_days: int
    follow_ups: int


class NetworkWorkloadOut(BaseModel):
    year: int
    revisors: list[NetworkWorkloadRow]
