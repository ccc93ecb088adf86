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
