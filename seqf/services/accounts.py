"""Users: creating them, their passwords, languages and platform roles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf.extensions import db
from seqf.models import GlobalRole, User, UserRole, utcnow
from seqf.passwords import hash_password, password_problems, verify_password
from seqf.services import audit, sessions, tokens
from seqf.services.errors import RuleViolation
from seqf.text import clean_single_line, has_visible

LANGUAGES = ("nb", "en")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str, email: str | None = None, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise RuleViolation(" ".join(problems), fields={field: " ".join(problems)})


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str | None,
    global_roles: list[str] | None = None,
    language: str = "nb",
) -> User:
    """Create an account. ``password`` may be None for someone who will set it from a link."""
    email = normalise_email(email)
    name = clean_single_line(name) or ""
    if not email or "@" not in email:
        raise RuleViolation(_("Enter a valid e-mail address."), fields={"email": _("Invalid.")})
    if not has_visible(name):
        raise RuleViolation(_("Enter a name."), fields={"name": _("Required.")})
    if find_user_by_email(email) is not None:
        raise RuleViolation(
            _("A user with this e-mail address already exists."),
            fields={"email": _("Already in use.")},
            code="email_taken",
        )
    if password is not None:
        check_password_rules(password, email)
    roles = _parse_roles(global_roles or [])
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password) if password else None,
        language=language if language in LANGUAGES else "nb",
    )
    user.role_grants = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    roles_text = ", ".join(sorted(r.value for r in roles)) or "-"
    audit.record(actor, "user.created", user, f"User {email} created (roles: {roles_text})")
    return user


def _parse_roles(values: list[str]) -> set[GlobalRole]:
    try:
        return {GlobalRole(value) for value in values}
    except ValueError:
        allowed = ", ".join(r.value for r in GlobalRole)
        raise RuleViolation(
            _("Unknown role. Allowed: %(allowed)s.", allowed=allowed),
            fields={"global_roles": allowed},
        ) from None


def set_global_roles(actor: User, user: User, roles: list[str]) -> None:
    wanted = _parse_roles(roles)
    if actor.id == user.id and GlobalRole.admin in user.global_roles and GlobalRole.admin not in wanted:
        raise RuleViolation(_("You cannot remove your own admin role."))
    user.role_grants = [g for g in user.role_grants if g.role in wanted] + [
        UserRole(role=r) for r in wanted - user.global_roles
    ]
    db.session.flush()
    audit.record(actor, "user.roles_changed", user,
                 f"Roles of {user.email}: {', '.join(sorted(r.value for r in wanted)) or '-'}")


def set_active(actor: User, user: User, active: bool) -> None:
    if actor.id == user.id and not active:
        raise RuleViolation(_("You cannot deactivate your own account."))
    user.active = active
    user.session_version += 1
    if not active:  # a deactivated account is logged out everywhere and its API tokens stop working
        sessions.end_sessions(user)
    audit.record(actor, "user.activated" if active else "user.deactivated", user,
                 f"{user.email} {'activated' if active else 'deactivated'}", data={"email": user.email})


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; the caller shows one generic message.

    Every path runs exactly one argon2 verification: an unknown e-mail, an inactive account and an
    account without a password are checked against a dummy hash with the same parameters, so the
    answer takes as long whether or not the e-mail has an account.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(None, password)
        return None
    matches = verify_password(user.password_hash, password)
    if not matches or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str, *, keep_session_id: int | None = None) -> None:
    """Set a new password after checking the current one; every other session and every API token
    end (``keep_session_id``, the session making the change, stays)."""
    if not verify_password(user.password_hash, current):
        raise RuleViolation(_("The current password is wrong."),
                            fields={"current_password": _("Wrong password.")}, code="wrong_password")
    set_password(user, new, actor=user, action="user.password_changed", keep_session_id=keep_session_id)


def set_password(user: User, new: str, *, actor: User | None, action: str,
                 keep_session_id: int | None = None) -> None:
    """Store a new password. Older reset links are voided, and every session but
    ``keep_session_id`` ends and every API token is revoked: whoever knew the old password is out."""
    check_password_rules(new, user.email, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    tokens.void_reset_links(user)
    ended = sessions.end_sessions(user, except_id=keep_session_id)
    audit.record(actor, action, user, f"Password set for {user.email}; {ended} sessions and tokens ended",
                 data={"email": user.email, "ended": ended})


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise RuleViolation(_("Unknown language."), fields={"language": ", ".join(LANGUAGES)})
    user.language = language


def update_profile(user: User, *, name: str) -> None:
    name = clean_single_line(name) or ""
    if not has_visible(name):
        raise RuleViolation(_("Enter a name."), fields={"name": _("Required.")})
    if name != user.name:
        user.name = name
        audit.record(user, "user.profile_changed", user, f"Name changed for {user.email}")
