"""The living action plan: goals, tasks, progress updates, meetings, absences and calendar feeds.

A goal belongs to one organisation; at most six are ``active`` at a time (``seqf.plan_rules``).
Goals and tasks carry a ``version`` that every save must name, so two leaders editing the same
goal never silently overwrite each other (409). Progress updates are append-only: the timeline of
a goal is its updates, its tasks' changes (audit events) and the evidence linked to it.

A meeting series meets every ``interval_days`` from ``first_on`` (``seqf.meeting_dates``); one
occurrence, identified by its planned date, can be moved or cancelled (``MeetingChange``). A
``Meeting`` row exists once an occurrence has been opened: it keeps the generated agenda, the
minutes, the attendees, and — once approved at the next meeting — is locked.

Absences are dates only (never a reason: this is a quality system, not a personnel file). While
a goal's owner is away the deputy acts; reminders go to the deputy.

Recommendations of published reports are materialised as rows so a goal can link to them by id
(API.md ``recommendation_ids``); they are (re)written when a report is published or corrected.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf.models.accounts import User
from seqf.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from seqf.models.enums import GoalHealth, GoalState, MeetingState, TaskState, enum_column
from seqf.models.organisations import Organisation

goal_recommendations = sa.Table(
    "goal_recommendations",
    Base.metadata,
    sa.Column("goal_id", sa.ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("recommendation_id", sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

goal_evidence = sa.Table(
    "goal_evidence",
    Base.metadata,
    sa.Column("goal_id", sa.ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("evidence_id", sa.ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True, index=True),
    sa.Column("linked_at", UTCDateTime, default=utcnow),
    sa.Column("linked_by_id", sa.ForeignKey("users.id", ondelete="SET NULL")),
)

series_participants = sa.Table(
    "meeting_series_participants",
    Base.metadata,
    sa.Column("series_id", sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

meeting_attendees = sa.Table(
    "meeting_attendees",
    Base.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Recommendation(Base):
    """One numbered recommendation ("3.2") of a published review report."""

    __tablename__ = "recommendations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    area: so.Mapped[str] = so.mapped_column(sa.String(8))
    number: so.Mapped[str] = so.mapped_column(sa.String(16))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # false once a corrected report no longer contains it (goals keep their link)
    current: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())

    __table_args__ = (sa.UniqueConstraint("review_id", "number", name="recommendation_number"),)


class Goal(TimestampMixin, Base):
    __tablename__ = "goals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown, sanitised on display
    # area codes of the organisation's instrument, own areas included ("3", "E1")
    areas: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    deputy_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_on: so.Mapped[dt.date | None]
    state: so.Mapped[GoalState] = so.mapped_column(
        enum_column(GoalState, "goal_state"), default=GoalState.active, index=True
    )
    # the health of the latest progress update (on track until the first one says otherwise)
    health: so.Mapped[GoalHealth] = so.mapped_column(enum_column(GoalHealth, "goal_health"),
                                                     default=GoalHealth.on_track)
    # why it was achieved, dropped or paused (required for dropped)
    state_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closed_on: so.Mapped[dt.date | None]  # when it was achieved or dropped
    last_update_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # counts the saves: a save that names an older version is refused (409)
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    organisation: so.Mapped[Organisation] = so.relationship()
    owner: so.Mapped[User] = so.relationship(foreign_keys=[owner_id])
    deputy: so.Mapped[User | None] = so.relationship(foreign_keys=[deputy_id])
    recommendations: so.Mapped[list[Recommendation]] = so.relationship(
        secondary=goal_recommendations, order_by="Recommendation.number", lazy="selectin"
    )
    tasks: so.Mapped[list[Task]] = so.relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="Task.due_on, Task.id"
    )
    updates: so.Mapped[list[GoalUpdate]] = so.relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="GoalUpdate.created_at.desc()"
    )

    __table_args__ = (sa.CheckConstraint("deputy_id IS NULL OR deputy_id != owner_id", name="deputy_not_owner"),)

    def __repr__(self) -> str:
        return f"<Goal {self.id} {self.state}>"


class Task(TimestampMixin, Base):
    __tablename__ = "tasks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    # the goal's organisation, kept here so "my tasks" and "overdue" are one indexed query
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    assignee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    due_on: so.Mapped[dt.date | None] = so.mapped_column(index=True)
    state: so.Mapped[TaskState] = so.mapped_column(enum_column(TaskState, "task_state"), default=TaskState.open,
                                                   index=True)
    done_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    done_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # the meeting it was decided in, if any
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    goal: so.Mapped[Goal] = so.relationship(back_populates="tasks")
    assignee: so.Mapped[User] = so.relationship(foreign_keys=[assignee_id])

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.state}>"


class GoalUpdate(Base):
    """A progress update: the goal's health and a short note, made anywhere or in a meeting."""

    __tablename__ = "goal_updates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    health: so.Mapped[GoalHealth] = so.mapped_column(enum_column(GoalHealth, "goal_health"))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"),
                                                         index=True)
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)

    goal: so.Mapped[Goal] = so.relationship(back_populates="updates")
    author: so.Mapped[User | None] = so.relationship()

    # a goal's timeline: its newest updates first, a page at a time (read backwards), and the newest
    # update per goal in the plan export
    __table_args__ = (sa.Index("ix_goal_updates_timeline", "goal_id", "created_at", "id"),)


class MeetingSeries(TimestampMixin, Base):
    """A recurring meeting, e.g. "Ledermøte" every 14 days at 09:00."""

    __tablename__ = "meeting_series"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    interval_days: so.Mapped[int] = so.mapped_column(default=14)
    first_on: so.Mapped[dt.date]
    starts_at: so.Mapped[dt.time | None]
    duration_minutes: so.Mapped[int] = so.mapped_column(default=60, server_default="60")
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    video_url: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # the series stops after this day (None: goes on)
    ends_on: so.Mapped[dt.date | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    organisation: so.Mapped[Organisation] = so.relationship()
    participants: so.Mapped[list[User]] = so.relationship(secondary=series_participants, order_by="User.name",
                                                          lazy="selectin")
    changes: so.Mapped[list[MeetingChange]] = so.relationship(
        back_populates="series", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint("interval_days >= 1 AND interval_days <= 366", name="interval_range"),)

    @property
    def moved(self) -> dict[dt.date, dt.date]:
        return {c.planned_on: c.moved_to for c in self.changes if c.moved_to is not None and not c.cancelled}

    @property
    def cancelled(self) -> frozenset[dt.date]:
        return frozenset(c.planned_on for c in self.changes if c.cancelled)


class MeetingChange(Base):
    """One occurrence of a series moved to another day, or cancelled (identified by its planned date)."""

    __tablename__ = "meeting_changes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"),
                                                 index=True)
    planned_on: so.Mapped[dt.date]
    moved_to: so.Mapped[dt.date | None]
    cancelled: so.Mapped[bool] = so.mapped_column(default=False)
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    changed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    series: so.Mapped[MeetingSeries] = so.relationship(back_populates="changes")

    __table_args__ = (sa.UniqueConstraint("series_id", "planned_on", name="change_occurrence"),)


class Meeting(TimestampMixin, Base):
    """An occurrence that has been opened: its agenda, minutes and attendees."""

    __tablename__ = "meetings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meeting_series.id", ondelete="CASCADE"),
                                                 index=True)
    organisation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    planned_on: so.Mapped[dt.date]  # the occurrence of the series
    held_on: so.Mapped[dt.date] = so.mapped_column(index=True)
    state: so.Mapped[MeetingState] = so.mapped_column(enum_column(MeetingState, "meeting_state"),
                                                      default=MeetingState.open)
    # the agenda generated when the meeting was opened (API.md shape), regenerated on request
    agenda: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    agenda_generated_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    minutes: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # Markdown, sanitised on display
    minutes_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    minutes_updated_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    minutes_updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # the (later) meeting in which these minutes were approved
    approved_in_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    series: so.Mapped[MeetingSeries] = so.relationship()
    attendees: so.Mapped[list[User]] = so.relationship(secondary=meeting_attendees, order_by="User.name",
                                                       lazy="selectin")

    __table_args__ = (sa.UniqueConstraint("series_id", "planned_on", name="meeting_occurrence"),)


class Absence(TimestampMixin, Base):
    """A person away from … to (both days included). Dates only — never why."""

    __tablename__ = "absences"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: so.Mapped[dt.date]
    ends_on: so.Mapped[dt.date]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="absence_order"),)


class CalendarFeed(TimestampMixin, Base):
    """A secret calendar URL: a person's own feed (``organisation_id`` NULL) or their copy of an
    organisation's feed. Calendar apps cannot log in, so the token is the key; it is stored hashed,
    and regenerating replaces it. A feed of an organisation stops working when the membership ends.
    """

    __tablename__ = "calendar_feeds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    last_used_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()


class GoalReviewComment(Base):
    """A revisor's comment on one goal in a follow-up review (the follow-up against the plan)."""

    __tablename__ = "goal_review_comments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    review_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")

    __table_args__ = (sa.UniqueConstraint("review_id", "goal_id", name="review_goal_comment"),)
