"""The evidence library: documents and links an organisation keeps to document its quality work.

Files live in the database (the app stays stateless); replacing a file adds a version and keeps
the earlier ones. Evidence never holds participant data.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from seqf.models.organisations import Organisation


class Evidence(TimestampMixin, Base):
    __tablename__ = "evidence"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown, sanitised on display
    url: so.Mapped[str | None] = so.mapped_column(sa.String(2000))  # a link instead of a file
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    archived: so.Mapped[bool] = so.mapped_column(default=False)
    # set when uploaded from a round's fill form: the uploader is hidden from others while that round
    # is open, so the library cannot tell which participant documented which step
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="SET NULL"))

    organisation: so.Mapped[Organisation] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
    files: so.Mapped[list[EvidenceFile]] = so.relationship(
        back_populates="evidence", order_by="EvidenceFile.version", cascade="all, delete-orphan"
    )
    tags: so.Mapped[list[EvidenceTag]] = so.relationship(
        back_populates="evidence", cascade="all, delete-orphan", lazy="selectin"
    )

    # the library page: one organisation's (un)archived evidence, newest first, a page at a time
    __table_args__ = (sa.Index("ix_evidence_library", "organisation_id", "archived", "updated_at"),)

    @property
    def current_file(self) -> EvidenceFile | None:
        return self.files[-1] if self.files else None

    @property
    def is_link(self) -> bool:
        return self.url is not None


class EvidenceFile(Base):
    """One version of an evidence file; ``data`` is deferred so lists never load the bytes."""

    __tablename__ = "evidence_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    evidence_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    version: so.Mapped[int] = so.mapped_column(default=1)
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(120))
    size: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    evidence: so.Mapped[Evidence] = so.relationship(back_populates="files")
    uploaded_by: so.Mapped[User | None] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("evidence_id", "version", name="evidence_version"),
        sa.CheckConstraint("size >= 0", name="size_positive"),
    )


class EvidenceTag(Base):
    """Tags evidence to a quality area, and optionally to one step of it."""

    __tablename__ = "evidence_tags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    evidence_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    area: so.Mapped[str] = so.mapped_column(sa.String(8))
    level: so.Mapped[int | None]

    evidence: so.Mapped[Evidence] = so.relationship(back_populates="tags")

    __table_args__ = (
        sa.UniqueConstraint("evidence_id", "area", "level", name="evidence_area_level"),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 10)", name="level_range"),
    )
