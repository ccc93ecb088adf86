"""Login sessions kept on the server: starting, recognising and ending them.

The session cookie and the remember-me cookie carry only a random key (``User.get_id()``); the
loader accepts a request only while the row for that key is live. Ending the row logs that
browser out everywhere at once, whichever cookie it still holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from seqf.extensions import db
from seqf.models import ApiToken, GlobalRole, LoginSession, MemberRole, Membership, User, UserRole, utcnow
from seqf.services import audit
from seqf.services.tokens import digest, new_secret

# last_seen_at is written at most this often, so browsing does not write on every request
TOUCH_INTERVAL = dt.timedelta(minutes=1)

_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl")]
_SYSTEMS = [("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def describe_user_agent(header: str | None) -> str:
    """"Firefox on Windows": enough for a person to recognise their device, and nothing more."""
    header = header or ""
    browser = next((name for needle, name in _BROWSERS if needle in header), "")
    system = next((name for needle, name in _SYSTEMS if needle in header), "")
    if browser and system:
        return f"{browser} / {system}"
    if browser or system:
        return browser or system
    return re.sub(r"[^\w ./-]", "", header)[:40]


def start_session(user: User, user_agent: str | None) -> str:
    """Record a new log-in and return its key; ``user.get_id()`` answers it from now on."""
    key = new_secret()
    # the user's sessions that ended (or went idle) long ago are of no use on the profile page
    db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.last_seen_at < utcnow() - 2 * _idle_limit()))
    db.session.add(LoginSession(user=user, key_hash=digest(key),
                                user_agent=describe_user_agent(user_agent)))
    db.session.flush()
    user.login_session_key = key
    return key


class LiveSession(NamedTuple):
    """What the loader needs of a live session: its row id (the row itself is loaded only by the
    few views that change it, ``session_record``), its user, and whether the user leads anything."""

    id: int
    user: User
    leads: bool


@functools.cache
def _live_session_query() -> sa.Select:
    """The session query, built once with a parameter for the key: constructing the statement and
    its cache key anew would cost more than running it. It is the only ORM entity the request
    loads for the login: the user; the session row's few columns, the user's platform roles and
    whether the user leads an organisation (the navigation asks for both on every page) come as
    plain columns."""
    user_id = LoginSession.user_id
    leads = sa.exists().where(Membership.user_id == user_id,
                              Membership.role.in_((MemberRole.leader, MemberRole.org_admin)))
    roles = [sa.exists().where(UserRole.user_id == user_id, UserRole.role == role).label(role.value)
             for role in GlobalRole]
    return (sa.select(User, LoginSession.id, LoginSession.ended_at, LoginSession.last_seen_at,
                      leads.label("leads"), *roles)
            .join(LoginSession, user_id == User.id).where(LoginSession.key_hash == sa.bindparam("key_hash")))


def live_session(key: str) -> LiveSession | None:
    """The live session for a cookie's key, its user active; None for anything else. One statement
    for every logged-in request."""
    if not key or len(key) > 100:
        return None
    row = db.session.execute(_live_session_query(), {"key_hash": digest(key)}).one_or_none()
    if row is None:
        return None
    user, session_id, ended_at, last_seen_at, user_leads = row[:5]
    if ended_at is not None or not user.active:
        return None
    now = utcnow()
    if now - last_seen_at > _idle_limit():  # unused for longer than a remember-me cookie lasts
        return None
    if now - last_seen_at >= TOUCH_INTERVAL:
        db.session.execute(sa.update(LoginSession).where(LoginSession.id == session_id)
                           .values(last_seen_at=now), execution_options={"synchronize_session": False})
    user.known_roles = frozenset(role for role, held in zip(GlobalRole, row[5:], strict=True) if held)
    return LiveSession(session_id, user, bool(user_leads))


def session_record(session_id: int) -> LoginSession | None:
    """The row of a live session, for the views that show or end it."""
    return db.session.get(LoginSession, session_id)


def _idle_limit() -> dt.timedelta:
    return dt.timedelta(days=current_app.config["SESSION_IDLE_DAYS"])


def sessions_of(user: User) -> list[LoginSession]:
    """Live sessions, most recently used first."""
    return list(db.session.scalars(
        sa.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None),
                                      LoginSession.last_seen_at > utcnow() - _idle_limit())
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    ))


def end_session(actor: User, record: LoginSession, *, audited: bool = True) -> None:
    """End one session. Logging out is not audited (logging in is not either); ending a session
    from the profile page is."""
    if record.ended_at is None:
        record.ended_at = utcnow()
        if audited:
            audit.record(actor, "session.ended", record.user,
                         f"Session ended for {record.user.email} ({record.user_agent or '-'})",
                         data={"device": record.user_agent})


def end_sessions(user: User, *, except_id: int | None = None, tokens: bool = True) -> int:
    """End every live session of ``user`` (but ``except_id``) and, with ``tokens``, revoke every API
    token. Returns how many sessions and tokens were ended. Audited by the caller."""
    db.session.flush()
    now = utcnow()
    query = sa.update(LoginSession).where(LoginSession.user_id == user.id,
                                          LoginSession.ended_at.is_(None))
    if except_id is not None:
        query = query.where(LoginSession.id != except_id)
    ended = db.session.execute(query.values(ended_at=now), execution_options={"synchronize_session": False})
    count = ended.rowcount or 0
    if tokens:
        revoked = db.session.execute(
            sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now), execution_options={"synchronize_session": False})
        count += revoked.rowcount or 0
    db.session.expire_all()
    return count


def end_other_sessions(user: User, current: LoginSession | None) -> int:
    """"Log out everywhere else": every other session and every API token."""
    count = end_sessions(user, except_id=current.id if current else None)
    audit.record(user, "session.ended_others", user,
                 f"{user.email} logged out everywhere else ({count} sessions and tokens ended)",
                 data={"count": count})
    return count
