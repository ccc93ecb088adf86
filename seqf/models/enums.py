"""Enumerations stored as strings (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

import enum

import sqlalchemy as sa


class GlobalRole(enum.StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    revisor = "revisor"


class MemberRole(enum.StrEnum):
    org_admin = "org_admin"
    leader = "leader"
    staff = "staff"
    viewer = "viewer"


class TokenPurpose(enum.StrEnum):
    password_reset = "password_reset"
    invitation = "invitation"


class MailState(enum.StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"


def enum_column(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A VARCHAR with a named CHECK constraint, so the database refuses unknown values too."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class RoundState(enum.StrEnum):
    open = "open"
    closed = "closed"


class ResponseState(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"


class ReviewKind(enum.StrEnum):
    certification = "certification"
    follow_up = "follow_up"
    recertification = "recertification"


class ReviewMode(enum.StrEnum):
    on_site = "on_site"
    video = "video"


class ReviewState(enum.StrEnum):
    due = "due"  # a follow-up created with its certificate, not yet planned
    planned = "planned"
    drafting = "drafting"
    comment_round = "comment_round"
    published = "published"
    decided = "decided"


class RevisorRole(enum.StrEnum):
    lead = "lead"
    co = "co"


class FollowUpOutcome(enum.StrEnum):
    on_track = "on_track"
    concerns = "concerns"
    at_risk = "at_risk"


class Decision(enum.StrEnum):
    approved = "approved"
    not_approved = "not_approved"


class GoalState(enum.StrEnum):
    active = "active"
    paused = "paused"  # set aside for now: frees its place among the six
    achieved = "achieved"
    dropped = "dropped"


class GoalHealth(enum.StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


class TaskState(enum.StrEnum):
    open = "open"
    done = "done"


class MeetingState(enum.StrEnum):
    open = "open"  # minutes may be written
    approved = "approved"  # minutes approved at a later meeting: locked
