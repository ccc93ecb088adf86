"""Area assessments: the shared shape for a response's answer, a round's consensus and a revisor's
finding — steps met, evidence per step, comment or justification, and the scores.

Exactly one owner column is set. A response's row exists exactly when the participant has answered
that area (ticked something or chose "none of these steps yet"). ``claimed`` and ``score`` are
stored when saved (computed by ``seqf.scoring``) so aggregates are a single query.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, UTCDateTime, utcnow
from seqf.models.evidence import Evidence


class AreaAssessment(Base):
    __tablename__ = "area_assessments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    consensus_round_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )
    review_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True
    )
    area: so.Mapped[str] = so.mapped_column(sa.String(8))
    claimed: so.Mapped[int] = so.mapped_column(default=0)
    score: so.Mapped[int] = so.mapped_column(default=0)
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    justification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    strengths: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recommendations: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # a review's finding: what to improve, and why the score differs from the previous review
    improvements: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    change_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # counts the saves of this area: a save based on an older version is refused (409), so two
    # windows or two leaders never silently overwrite each other
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    steps: so.Mapped[list[StepAssessment]] = so.relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="StepAssessment.level",
        lazy="selectin",
    )
    updated_by: so.Mapped[User | None] = so.relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN response_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN consensus_round_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN review_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        sa.UniqueConstraint("response_id", "area", name="response_area"),
        sa.UniqueConstraint("consensus_round_id", "area", name="consensus_area"),
        sa.UniqueConstraint("review_id", "area", name="finding_area"),
        sa.CheckConstraint("score >= 0 AND score <= claimed", name="score_le_claimed"),
    )


class StepAssessment(Base):
    __tablename__ = "step_assessments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assessment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("area_assessments.id", ondelete="CASCADE"), index=True
    )
    level: so.Mapped[int]
    met: so.Mapped[bool] = so.mapped_column(default=False)
    # indicator codes ticked; a step counts as met only when all its indicators are
    indicators: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)

    assessment: so.Mapped[AreaAssessment] = so.relationship(back_populates="steps")
    evidence: so.Mapped[list[Evidence]] = so.relationship(secondary="step_evidence", lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("assessment_id", "level", name="assessment_level"),)


step_evidence = sa.Table(
    "step_evidence",
    Base.metadata,
    sa.Column("step_id", sa.ForeignKey("step_assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("evidence_id", sa.ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True),
)
