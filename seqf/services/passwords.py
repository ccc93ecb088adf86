"""Forgotten passwords: a one-time expiring link by mail."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _

from seqf.models import OneTimeToken, TokenPurpose
from seqf.services import audit, mail, tokens
from seqf.services.accounts import check_password_rules, find_user_by_email, set_password
from seqf.services.errors import RuleViolation
from seqf.urls import external_url


def request_password_reset(email: str) -> None:
    """Queue a reset link if the account exists; say nothing either way (no user enumeration).

    A new link voids the older ones, so only the latest mail works."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    tokens.void_reset_links(user)
    token, secret = tokens.issue_one_time_token(
        TokenPurpose.password_reset, email=user.email, user_id=user.id,
        lifetime=dt.timedelta(hours=hours),
    )
    link = external_url("auth.reset_password", token=secret)
    mail.queue_template(f"password_reset:{token.id}", user, "password_reset", user=user, link=link,
                        hours=hours)
    audit.record(None, "user.password_reset_requested", user, f"Password reset link sent to {user.email}",
                 data={"email": user.email})


def reset_token_for(secret: str) -> OneTimeToken | None:
    """The usable reset token for this link, or None."""
    return tokens.usable_one_time_token(TokenPurpose.password_reset, secret)


def reset_password(secret: str, new_password: str) -> OneTimeToken:
    """Use a reset link once: the password rules are checked first (a refused password leaves the
    link usable), then the link is claimed atomically, so two parallel uses cannot both succeed.
    Every session and API token of the account ends."""
    token = reset_token_for(secret)
    if token is None or token.user is None:
        raise _invalid_link()
    check_password_rules(new_password, token.user.email, field="new_password")
    if not tokens.claim_one_time_token(token):
        raise _invalid_link()
    set_password(token.user, new_password, actor=token.user, action="user.password_reset")
    return token


def _invalid_link() -> RuleViolation:
    return RuleViolation(_("This link is invalid or has expired. Ask for a new one."), code="invalid_token")
