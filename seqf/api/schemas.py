"""Request and response schemas for the people-and-organisations part of the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from seqf.text import name_type
from seqf.urls import MAX_ID

Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+$")]
Name = name_type(120)
# a JSON integer (not true/false, not "5") in the range of a database id
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
GlobalRoleName = Literal["admin", "coordinator", "revisor"]
MemberRoleName = Literal["org_admin", "leader", "staff", "viewer"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class TokenRequest(Strict):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Annotated[str, StringConstraints(max_length=256)]


class TokenOut(BaseModel):
    token: str
    expires_at: dt.datetime


class TokenInfoOut(BaseModel):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool


class MembershipOut(BaseModel):
    organisation_id: int
    role: MemberRoleName


class MeOut(BaseModel):
    id: int
    email: str
    name: str
    language: str
    global_roles: list[GlobalRoleName]
    memberships: list[MembershipOut]


class UserCreate(Strict):
    email: Email
    name: Name
    password: Annotated[str, StringConstraints(max_length=256)]
    global_roles: list[GlobalRoleName] = Field(default_factory=list, max_length=3)
    language: Literal["nb", "en"] = "nb"


class UserOut(BaseModel):
    id: int
    email: str
    name: str
    active: bool
    global_roles: list[GlobalRoleName]


class OrganisationCreate(Strict):
    name: name_type(160)


class OrganisationOut(BaseModel):
    id: int
    name: str


class MemberCreate(Strict):
    user_id: Id
    role: MemberRoleName


class MemberOut(BaseModel):
    id: int
    user_id: int
    organisation_id: int
    role: MemberRoleName
    name: str
    email: str


class InvitationCreate(Strict):
    email: Email
    role: MemberRoleName


class InvitationOut(BaseModel):
    id: int
    organisation_id: int
    email: str
    role: MemberRoleName
    created_at: dt.datetime
    expires_at: dt.datetime


class AuditEventOut(BaseModel):
    at: dt.datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: int | None
    summary: str  # English, as recorded
    text: str  # the same event in the Accept-Language (nb or en), from its action and data
