"""Organisations (an SE provider or a NAV team) and who belongs to them."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin
from seqf.models.enums import MemberRole, enum_column


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    # fewer submitted responses than this and a round's aggregates stay hidden; never below 3
    anonymity_threshold: so.Mapped[int] = so.mapped_column(default=3)

    memberships: so.Mapped[list[Membership]] = so.relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("anonymity_threshold >= 3", name="threshold_min"),)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Membership(TimestampMixin, Base):
    __tablename__ = "memberships"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[MemberRole] = so.mapped_column(enum_column(MemberRole, "member_role"))

    user: so.Mapped[User] = so.relationship(back_populates="memberships")
    organisation: so.Mapped[Organisation] = so.relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id", name="user_org"),)
