"""Self-assessment rounds: who is asked, and each participant's response."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from seqf.models.enums import ResponseState, RoundState, enum_column
from seqf.models.instruments import Instrument
from seqf.models.organisations import Organisation


class Round(TimestampMixin, Base):
    __tablename__ = "rounds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    instrument_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("instruments.id"))
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    closes_on: so.Mapped[dt.date]
    state: so.Mapped[RoundState] = so.mapped_column(enum_column(RoundState, "round_state"), default=RoundState.open)
    # copied from the organisation when the round opens; never below 3
    anonymity_threshold: so.Mapped[int] = so.mapped_column(default=3)
    # the organisation's own areas as they were when the round opened (instrument area shape + "code")
    own_areas: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    consensus_recorded_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    organisation: so.Mapped[Organisation] = so.relationship()
    instrument: so.Mapped[Instrument] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
    participants: so.Mapped[list[RoundParticipant]] = so.relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("anonymity_threshold >= 3", name="threshold_min"),
        sa.CheckConstraint("state != 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
    )


class RoundParticipant(Base):
    __tablename__ = "round_participants"

    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    # indexed on its own: "my open rounds" (the dashboard) starts from the user, not from every open round
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    invited_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    round: so.Mapped[Round] = so.relationship(back_populates="participants")
    user: so.Mapped[User] = so.relationship()


class Response(TimestampMixin, Base):
    """One participant's answers in a round: a draft until submitted, then immutable."""

    __tablename__ = "responses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    # indexed: the dashboard finds the user's responses from the user's side
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: so.Mapped[ResponseState] = so.mapped_column(
        enum_column(ResponseState, "response_state"), default=ResponseState.draft
    )
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    round: so.Mapped[Round] = so.relationship()
    user: so.Mapped[User] = so.relationship()

    __table_args__ = (
        sa.UniqueConstraint("round_id", "user_id", name="round_user"),
        sa.CheckConstraint("state != 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )


class RoundSnapshot(Base):
    """What a close of the round released to leaders: the only source of a round's aggregates.

    One row per close. ``released`` is false when the close brought too few new answers from staff
    (the previous release, if any, stays in force). ``areas`` holds, per area, the release in force
    after this close: ``{"responses", "distribution", "median", "spread", "disagreement", "comments",
    "evidence": {step: [ids]}, "response_ids", "released_at"}``, or nothing for a withheld area.
    ``response_ids`` are kept so the next close can tell how many answers are new; they never leave
    the server.
    """

    __tablename__ = "round_snapshots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    taken_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    released: so.Mapped[bool] = so.mapped_column(default=False)
    counted: so.Mapped[int] = so.mapped_column(default=0)  # submitted with at least one answered area
    eligible: so.Mapped[int] = so.mapped_column(default=0)  # of those, by people who cannot read aggregates
    needed: so.Mapped[int] = so.mapped_column(default=0)  # more answers from staff needed for a release
    response_ids: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    areas: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    round: so.Mapped[Round] = so.relationship()
