"""Server-side records of who is logged in where, and of failed log-ins.

A signed cookie alone cannot be taken back: whoever holds a copy stays logged in until it expires.
Each log-in therefore gets a row here, and the cookie (and the remember-me cookie) carry only its
random key. Ending the row ends both cookies at once, on every process and node.

Failed log-ins are counted in the database too, so every worker and node sees the same count
without a separate store.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime, utcnow


class LoginSession(TimestampMixin, Base):
    """One browser log-in. Only the SHA-256 of its key is stored."""

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # "Firefox on Windows": enough to recognise a device, not a fingerprint
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    last_seen_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    ended_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class FailedLogin(Base):
    """One failed attempt for an account (the e-mail tried) from a client address."""

    __tablename__ = "failed_logins"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    account: so.Mapped[str] = so.mapped_column(sa.String(254))
    address: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (sa.Index("ix_failed_logins_address_account", "address", "account"),)
