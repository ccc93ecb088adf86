"""People: users and their platform-wide roles."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from seqf.models.base import Base, TimestampMixin, UTCDateTime
from seqf.models.enums import GlobalRole, enum_column


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # stored lower-cased: the unique index then means "unique regardless of case"
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)  # the admin user list's order
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="nb")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # the monthly action-plan digest (opt-out on the profile)
    digest: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    # bumped on password change and deactivation (kept for compatibility; login_sessions decide)
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    last_login_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    # loaded on access: most pages load other people (owners, assignees, revisors) for their names only;
    # the logged-in user's own grants come with the session query (seqf.services.sessions.live_session),
    # and lists that show roles load them with selectinload
    role_grants: so.Mapped[list[UserRole]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select"
    )
    memberships: so.Mapped[list[Membership]] = so.relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    # the key of the login session this request runs in (set at log-in and by the loader);
    # a plain attribute, not a column
    login_session_key = None
    # the platform roles the session query read with the session row (``sessions.live_session``),
    # so the menu on every page needs no statement of its own; a plain attribute, not a column
    known_roles = None  # frozenset[GlobalRole] | None

    def get_id(self) -> str | None:
        """What Flask-Login puts in the session and remember-me cookies: the key of a server-side
        session record, never the user id, so ending the record ends both cookies."""
        return self.login_session_key

    @property
    def global_roles(self) -> set[GlobalRole]:
        # once the collection itself is loaded (or changed by ``accounts.set_global_roles``) it is the
        # truth; until then the roles the session query read
        if self.known_roles is not None and "role_grants" not in self.__dict__:
            return set(self.known_roles)
        return {grant.role for grant in self.role_grants}

    def has_role(self, role: GlobalRole | str) -> bool:
        return GlobalRole(role) in self.global_roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(GlobalRole.admin)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(GlobalRole.coordinator)

    @property
    def is_revisor(self) -> bool:
        return self.has_role(GlobalRole.revisor)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    """A platform-wide role: admin, network coordinator or revisor."""

    __tablename__ = "user_roles"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: so.Mapped[GlobalRole] = so.mapped_column(
        enum_column(GlobalRole, "global_role"), primary_key=True
    )
    user: so.Mapped[User] = so.relationship(back_populates="role_grants")
