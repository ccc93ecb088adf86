"""Forgotten passwords: a one-time expiring link by mail."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from seqf.extensions import db
from seqf.models import OneTimeToken, OutboxMessage, TokenPurpose, utcnow
from seqf.services import audit, mail, tokens
from seqf.services.accounts import check_password_rules, find_user_by_email, normalise_email, set_password
from seqf.services.errors import RuleViolation
from seqf.urls import external_url

# at most this many reset mails (to accounts or not) go to one address per hour, however many
# processes or client addresses ask: nobody can fill someone's mailbox through the form
MAILS_PER_ADDRESS_PER_HOUR = 5


def request_password_reset(email: str) -> None:
    """Mail a reset link to an active account, and a short "no account here" note to any other
    address. The answer on screen is the same either way (no user enumeration), and so is the work
    behind it: one lookup, one rendered mail written to the outbox, delivered the same way. A known
    e-mail cannot be told from an unknown one by the time the answer takes.

    A new link voids the older ones, so only the latest mail works."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.dedupe_key.like("password_reset%"),
        OutboxMessage.created_at > utcnow() - dt.timedelta(hours=1)))
    if recent >= MAILS_PER_ADDRESS_PER_HOUR:
        return
    hours = current_app.config["RESET_TOKEN_HOURS"]
    if user is None or not user.active:
        # the owner of the mailbox may know there is no account; whoever typed the address may not
        mail.queue_template(f"password_reset_none:{tokens.new_secret()}", email, "password_reset_none",
                            email=email)
        return
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
    """The usable reset token for this link, or None (also when the account has been deactivated
    since the link was sent: a deactivated account does not get a new password)."""
    token = tokens.usable_one_time_token(TokenPurpose.password_reset, secret)
    if token is None or token.user is None or not token.user.active:
        return None
    return token


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
