"""The outbox: mail is queued in the same transaction as the change it reports."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.base import Base, TimestampMixin, UTCDateTime
from seqf.models.enums import MailState, enum_column


class OutboxMessage(TimestampMixin, Base):
    __tablename__ = "outbox"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # e.g. "invite:12" or "reminder:round:3:user:9"; unique so a reminder is never queued twice
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # files sent with the message: [{"filename", "content_type", "data" (base64)}], e.g. an .ics invitation
    attachments: so.Mapped[list] = so.mapped_column(sa.JSON, default=list, server_default="[]")
    state: so.Mapped[MailState] = so.mapped_column(
        enum_column(MailState, "mail_state"), default=MailState.queued, index=True
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    sent_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
