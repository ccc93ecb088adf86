"""Request and response schemas of the action-plan API: goals, tasks and progress updates.

Names are prefixed ``Goal`` so they stay unique in the OpenAPI document of the whole API. Requests
are strict (``Body``): unknown keys and wrong JSON types are refused with 422; dates are
``YYYY-MM-DD`` strings (an impossible date such as ``2027-02-30`` is 422 naming the field).
In a PATCH a field that is left out stays as it is; ``deputy_id``/``due_on`` set to ``null`` clear it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from seqf.api.round_schemas import AreaCode, Body, Id, IsoDate
from seqf.services import goal_updates, goals, tasks

GoalTitle = Annotated[str, StringConstraints(min_length=1, max_length=goals.TITLE_MAX)]
GoalDescription = Annotated[str, StringConstraints(max_length=goals.DESCRIPTION_MAX)]
GoalReason = Annotated[str, StringConstraints(max_length=goals.REASON_MAX)]
TaskTitle = Annotated[str, StringConstraints(min_length=1, max_length=tasks.TITLE_MAX)]
TaskNote = Annotated[str, StringConstraints(max_length=tasks.NOTE_MAX)]
UpdateNote = Annotated[str, StringConstraints(max_length=goal_updates.NOTE_MAX)]
Version = Annotated[int, Field(ge=1, le=2_000_000_000)]


class GoalCreateIn(Body):
    title: GoalTitle
    description: GoalDescription = ""
    areas: Annotated[list[AreaCode], Field(max_length=goals.MAX_AREAS)] = []
    owner_id: Id
    deputy_id: Id | None = None
    due_on: IsoDate | None = None
    recommendation_ids: Annotated[list[Id], Field(max_length=goals.MAX_RECOMMENDATIONS)] = []


class GoalPatchIn(Body):
    version: Version
    title: GoalTitle | None = None
    description: GoalDescription | None = None
    areas: Annotated[list[AreaCode], Field(max_length=goals.MAX_AREAS)] | None = None
    owner_id: Id | None = None
    deputy_id: Id | None = None
    due_on: IsoDate | None = None
    recommendation_ids: Annotated[list[Id], Field(max_length=goals.MAX_RECOMMENDATIONS)] | None = None
    state: Literal["active", "paused", "achieved", "dropped"] | None = None
    reason: GoalReason = ""


class GoalOut(BaseModel):
    id: int
    organisation_id: int
    title: str
    description: str
    areas: list[str]
    owner_id: int
    deputy_id: int | None
    acting_owner_id: int
    due_on: str | None
    state: Literal["active", "paused", "achieved", "dropped"]
    state_reason: str
    health: Literal["on_track", "at_risk", "off_track"]
    last_update_at: str | None
    version: int
    recommendation_ids: list[int]
    open_tasks: int
    overdue_tasks: int
    created_at: str | None


class GoalTaskIn(Body):
    title: TaskTitle
    assignee_id: Id
    due_on: IsoDate | None = None
    note: TaskNote = ""


class GoalTaskPatchIn(Body):
    version: Version
    state: Literal["open", "done"] | None = None
    title: TaskTitle | None = None
    assignee_id: Id | None = None
    due_on: IsoDate | None = None
    note: TaskNote | None = None


class GoalTaskOut(BaseModel):
    id: int
    goal_id: int
    organisation_id: int
    title: str
    note: str
    assignee_id: int
    due_on: str | None
    state: Literal["open", "done"]
    overdue: bool
    done_at: str | None
    version: int
    meeting_id: int | None


class GoalUpdateIn(Body):
    health: Literal["on_track", "at_risk", "off_track"]
    note: UpdateNote = ""
    meeting_id: Id | None = None


class GoalUpdateOut(BaseModel):
    id: int
    goal_id: int
    health: Literal["on_track", "at_risk", "off_track"]
    note: str
    meeting_id: int | None
    author_id: int | None
    created_at: str
