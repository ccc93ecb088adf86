"""Secrets handed to people: API tokens, password-reset links and invitations.

Only a SHA-256 of each secret is stored, so a database leak does not leak working links.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime
from seqf.models.enums import MemberRole, TokenPurpose, enum_column
from seqf.models.organisations import Organisation


class ApiToken(TimestampMixin, Base):
    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    expires_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    # updated at most once a minute, so a busy script does not write on every call
    last_used_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    user: so.Mapped[User] = so.relationship()

    def is_live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class OneTimeToken(TimestampMixin, Base):
    """A single-use expiring link: a password reset or an invitation to an organisation."""

    __tablename__ = "one_time_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    purpose: so.Mapped[TokenPurpose] = so.mapped_column(enum_column(TokenPurpose, "token_purpose"))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    role: so.Mapped[MemberRole | None] = so.mapped_column(enum_column(MemberRole, "invite_role"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User | None] = so.relationship(foreign_keys=[user_id])
    organisation: so.Mapped[Organisation | None] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        sa.CheckConstraint(
            "purpose != 'invitation' OR (organisation_id IS NOT NULL AND role IS NOT NULL)",
            name="invitation_target",
        ),
    )

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
