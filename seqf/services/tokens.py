"""Issuing, resolving and revoking secrets: API tokens and one-time links. Only hashes are stored."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from seqf.extensions import db
from seqf.models import ApiToken, OneTimeToken, TokenPurpose, User, utcnow
from seqf.services import audit

# last_used_at is written at most this often
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def issue_api_token(user: User) -> tuple[ApiToken, str]:
    secret = new_secret()
    days = current_app.config["API_TOKEN_DAYS"]
    token = ApiToken(user=user, token_hash=digest(secret), expires_at=utcnow() + dt.timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return token, secret


def api_token_for(secret: str) -> ApiToken | None:
    """The live token for this secret, its user active; notes when it was last used."""
    if not secret or len(secret) > 100:
        return None
    # the user comes in the same statement: every API call needs it right after the token
    token = db.session.scalar(_api_token_query(), {"token_hash": digest(secret)})
    now = utcnow()
    if token is None or not token.is_live(now) or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
    return token


@functools.cache
def _api_token_query() -> sa.Select:
    """Built once with the hash as a parameter: every API call runs it."""
    return (sa.select(ApiToken).where(ApiToken.token_hash == sa.bindparam("token_hash"))
            .options(so.joinedload(ApiToken.user, innerjoin=True)))


def user_for_api_token(secret: str) -> User | None:
    token = api_token_for(secret)
    return token.user if token is not None else None


def api_tokens_of(user: User) -> list[ApiToken]:
    """The user's live tokens, newest first."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                                  ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def revoke_api_token(actor: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token.revoked", token.user,
                     f"API token {token.id} of {token.user.email} revoked", data={"token_id": token.id})


def issue_one_time_token(purpose: TokenPurpose, *, email: str, lifetime: dt.timedelta,
                         **fields) -> tuple[OneTimeToken, str]:
    secret = new_secret()
    token = OneTimeToken(purpose=purpose, email=email, token_hash=digest(secret),
                         expires_at=utcnow() + lifetime, **fields)
    db.session.add(token)
    db.session.flush()
    return token, secret


def usable_one_time_token(purpose: TokenPurpose, secret: str) -> OneTimeToken | None:
    token = db.session.scalar(
        sa.select(OneTimeToken).where(
            OneTimeToken.token_hash == digest(secret), OneTimeToken.purpose == purpose
        )
    )
    if token is None or not token.is_usable(utcnow()):
        return None
    return token


def claim_one_time_token(token: OneTimeToken) -> bool:
    """Mark the link used, atomically: of two requests racing with the same link exactly one gets
    True. The conditional UPDATE takes the row lock; the loser re-reads ``used_at`` and matches nothing."""
    now = utcnow()
    result = db.session.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None),
               OneTimeToken.revoked_at.is_(None), OneTimeToken.expires_at > now)
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        return False
    token.used_at = now
    return True


def void_reset_links(user: User, *, keep_id: int | None = None) -> None:
    """Revoke the user's unused password-reset links (a newer link or a new password voids them)."""
    query = sa.update(OneTimeToken).where(
        OneTimeToken.purpose == TokenPurpose.password_reset, OneTimeToken.user_id == user.id,
        OneTimeToken.used_at.is_(None), OneTimeToken.revoked_at.is_(None))
    if keep_id is not None:
        query = query.where(OneTimeToken.id != keep_id)
    db.session.execute(query.values(revoked_at=utcnow()), execution_options={"synchronize_session": False})
