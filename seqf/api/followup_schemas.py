"""Schemas of the follow-up against the plan (names prefixed ``Followup``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from seqf.api.round_schemas import Body
from seqf.services.plan_follow_up import MAX_COMMENT


class FollowupCommentIn(Body):
    text: Annotated[str, StringConstraints(max_length=MAX_COMMENT)]
    version: int | None = Field(default=None, description="The comment's version you edited; stale → 409")


class FollowupCommentOut(BaseModel):
    goal_id: int
    review_id: int
    text: str
    version: int
    author: str | None
    updated_at: str | None


class FollowupUpdateOut(BaseModel):
    at: str
    kind: str
    health: str | None
    note: str | None
    actor: str | None


class FollowupGoalOut(BaseModel):
    goal_id: int
    title: str
    state: str
    health: str
    areas: list[str]
    owner: str | None
    deputy: str | None
    due_on: str | None
    last_update_at: str | None
    tasks_done: int
    tasks_open: int
    history: list[FollowupUpdateOut]
    comment: FollowupCommentOut | None


class FollowupPlanOut(BaseModel):
    review_id: int
    organisation_id: int
    kind: str
    since: str | None = Field(description="The previous review's publication (or the certificate's start)")
    can_comment: bool
    goals: list[FollowupGoalOut]
