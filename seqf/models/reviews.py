"""External reviews (certification, follow-up, recertification) and the certificates they lead to.

A review belongs to one organisation and is carried out by assigned revisors (one lead, optional
co-revisors). Its findings are ``AreaAssessment`` rows owned by the review (the same shape and the
same progressive rule as a round's consensus). Publishing freezes the report into a
``ReportVersion`` snapshot; a correction adds a new version and keeps the old one.

A certificate's dates follow ``seqf.certificates``; its state (active, expiring, expired,
withdrawn) is derived from those dates and ``withdrawn_at`` rather than stored, so it never goes
stale. Follow-up reviews are created as ``due`` when the certificate is issued.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from seqf.models.enums import (
    Decision,
    FollowUpOutcome,
    ReviewKind,
    ReviewMode,
    ReviewState,
    RevisorRole,
    enum_column,
)
from seqf.models.instruments import Instrument
from seqf.models.organisations import Organisation


class Review(TimestampMixin, Base):
    __tablename__ = "reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    instrument_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("instruments.id"))
    kind: so.Mapped[ReviewKind] = so.mapped_column(enum_column(ReviewKind, "review_kind"))
    mode: so.Mapped[ReviewMode] = so.mapped_column(enum_column(ReviewMode, "review_mode"), default=ReviewMode.on_site)
    state: so.Mapped[ReviewState] = so.mapped_column(
        enum_column(ReviewState, "review_state"), default=ReviewState.planned, index=True
    )
    meeting_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    visit_starts_on: so.Mapped[dt.date | None] = so.mapped_column(index=True)
    visit_ends_on: so.Mapped[dt.date | None]
    # a follow-up created with its certificate: when it should take place (planned or not)
    due_on: so.Mapped[dt.date | None] = so.mapped_column(index=True)
    # the closed round whose consensus the findings start from
    round_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rounds.id", ondelete="SET NULL"))
    # the review this one builds on (the previous published review of the organisation)
    previous_review_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="SET NULL"))
    # a follow-up belongs to the certificate it follows up
    certificate_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("certificates.id", ondelete="CASCADE", use_alter=True, name="fk_reviews_certificate_id"),
        index=True,
    )
    # for a due follow-up: the lead revisor suggested (the certificate review's lead)
    suggested_lead_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # area codes a follow-up covers; empty = every area of the instrument
    areas: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    overall: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # the overall picture (Markdown)
    comment_until: so.Mapped[dt.date | None]
    outcome: so.Mapped[FollowUpOutcome | None] = so.mapped_column(
        enum_column(FollowUpOutcome, "follow_up_outcome")
    )
    published_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    decision: so.Mapped[Decision | None] = so.mapped_column(enum_column(Decision, "review_decision"))
    decided_on: so.Mapped[dt.date | None]
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # counts the saves of the review's own fields (plan, overall picture): stale saves get 409
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    organisation: so.Mapped[Organisation] = so.relationship()
    instrument: so.Mapped[Instrument] = so.relationship()
    revisors: so.Mapped[list[ReviewRevisor]] = so.relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewRevisor.position",
        lazy="selectin",
    )
    certificate: so.Mapped[Certificate | None] = so.relationship(foreign_keys=[certificate_id])
    previous_review: so.Mapped[Review | None] = so.relationship(remote_side=[id])
    suggested_lead: so.Mapped[User | None] = so.relationship(foreign_keys=[suggested_lead_id])

    __table_args__ = (
        sa.CheckConstraint(
            "visit_ends_on IS NULL OR visit_starts_on IS NULL OR visit_ends_on >= visit_starts_on",
            name="visit_order",
        ),
        sa.CheckConstraint("state = 'due' OR visit_starts_on IS NOT NULL", name="planned_has_dates"),
        sa.CheckConstraint("decision IS NULL OR decided_on IS NOT NULL", name="decision_has_date"),
    )

    @property
    def lead(self) -> User | None:
        for r in self.revisors:
            if r.role == RevisorRole.lead:
                return r.user
        return None

    def is_assigned(self, user: User) -> bool:
        return any(r.user_id == user.id for r in self.revisors)

    def is_lead(self, user: User) -> bool:
        return any(r.user_id == user.id and r.role == RevisorRole.lead for r in self.revisors)

    def __repr__(self) -> str:
        return f"<Review {self.id} {self.kind} {self.state}>"


class ReviewRevisor(Base):
    """A revisor assigned to a review: exactly one lead, any number of co-revisors."""

    __tablename__ = "review_revisors"

    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)
    role: so.Mapped[RevisorRole] = so.mapped_column(enum_column(RevisorRole, "revisor_role"))
    position: so.Mapped[int] = so.mapped_column(default=0)

    review: so.Mapped[Review] = so.relationship(back_populates="revisors")
    user: so.Mapped[User] = so.relationship(lazy="joined")


class VisitSlot(Base):
    """One time slot of the visit agenda: when, whom to meet (by group, never by name), and the note.

    The note is for the assigned revisors only; ``note_version`` lets autosave from two devices
    refuse a stale overwrite (409) instead of losing text, and ``version`` does the same for the
    slot's time and groups.
    """

    __tablename__ = "visit_slots"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    day: so.Mapped[dt.date]
    starts_at: so.Mapped[dt.time]
    ends_at: so.Mapped[dt.time]
    # group codes: management, board, staff, nav, employers, participants
    groups: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # for the participants group: the programme type (e.g. IPS), never a person
    programme: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    topic: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # counts the saves of the slot's own fields (when, whom): a save from an older page gets 409
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    note_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    note_updated_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    note_updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    review: so.Mapped[Review] = so.relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="slot_order"),)


class ReviewComment(TimestampMixin, Base):
    """The organisation's factual correction to one area of a draft report (during the comment round).

    ``area`` is an area code, or ``"overall"`` for the overall picture. One comment per area: a
    leader's save replaces the text and records who wrote it last.
    """

    __tablename__ = "review_comments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    area: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: so.Mapped[User | None] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("review_id", "area", name="comment_area"),)


class ReportVersion(Base):
    """A published report, frozen: everything the HTML page and the PDF show, as JSON.

    Number 1 is the publication; a correction adds number 2, 3 … with a reason. Rows are never
    updated except to cache the rendered PDF.
    """

    __tablename__ = "report_versions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    number: so.Mapped[int]
    published_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # why a correction was made
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="nb")
    total: so.Mapped[int] = so.mapped_column(default=0)
    content: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    pdf: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)

    review: so.Mapped[Review] = so.relationship()

    __table_args__ = (sa.UniqueConstraint("review_id", "number", name="review_number"),)


class Certificate(TimestampMixin, Base):
    """Approval of an organisation for three years, issued by the decision on a review."""

    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    # the certificate this one continues (a recertification)
    previous_certificate_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL")
    )
    valid_from: so.Mapped[dt.date]
    valid_until: so.Mapped[dt.date] = so.mapped_column(index=True)
    withdrawn_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    withdrawn_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    withdrawn_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    organisation: so.Mapped[Organisation] = so.relationship()
    review: so.Mapped[Review] = so.relationship(foreign_keys=[review_id])

    __table_args__ = (
        sa.CheckConstraint("valid_until > valid_from", name="valid_order"),
        sa.CheckConstraint("withdrawn_at IS NULL OR withdrawn_reason != ''", name="withdrawn_has_reason"),
    )
