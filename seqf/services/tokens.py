"""Issuing and resolving secrets: API tokens and one-time links. Only hashes are stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app

from seqf.extensions import db
from seqf.models import ApiToken, OneTimeToken, TokenPurpose, User, utcnow


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


def user_for_api_token(secret: str) -> User | None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.expires_at <= utcnow() or not token.user.active:
        return None
    return token.user


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
