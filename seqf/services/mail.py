"""Queueing mail in the outbox and delivering it over SMTP.

Mail is queued inside the transaction that causes it, so a rolled-back change sends nothing;
delivery happens after the commit (at the end of the request, or by ``seqf send-mail``).
"""

from __future__ import annotations

import base64
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_babel import force_locale

from seqf.extensions import db
from seqf.models import MailState, OutboxMessage, User, utcnow
from seqf.text import shorten


def is_queued(dedupe_key: str) -> bool:
    """True when a message with this key exists (queued, sent or failed)."""
    return db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar; method=REQUEST", "application/pdf"
    data: bytes

    def stored(self) -> dict:
        return {"filename": self.filename, "content_type": self.content_type,
                "data": base64.b64encode(self.data).decode("ascii")}


def queue_mail(dedupe_key: str, recipient: str, subject: str, body: str,
               attachments: list[Attachment] | None = None) -> OutboxMessage:
    """Queue a message once per ``dedupe_key``; a second call returns the first message."""
    existing = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    message = OutboxMessage(dedupe_key=dedupe_key, recipient=recipient, subject=shorten(subject, 200), body=body,
                            attachments=[a.stored() for a in attachments or []])
    db.session.add(message)
    db.session.flush()
    g.setdefault("queued_mail_ids", []).append(message.id)
    return message


def queue_template(dedupe_key: str, user_or_email: User | str, template: str, language: str | None = None,
                   attachments: list[Attachment] | None = None, **context) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` in the recipient's language and queue it.

    The first line of the rendered template is the subject.
    """
    if isinstance(user_or_email, User):
        recipient, language = user_or_email.email, language or user_or_email.language
    else:
        recipient = user_or_email
    with force_locale(language or "nb"):
        text = render_template(f"mail/{template}.txt", base_url=current_app.config["BASE_URL"], **context)
    subject, _, body = text.strip().partition("\n")
    return queue_mail(dedupe_key, recipient, subject.strip(), body.strip() + "\n", attachments)


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), timeout=20)
    if cfg.get("SMTP_STARTTLS"):
        smtp.starttls()
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
    return smtp


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="seqf.local")
    email.set_content(message.body)
    for attachment in message.attachments or []:
        maintype, _, rest = attachment["content_type"].partition("/")
        subtype, _, params = rest.partition(";")
        extra = dict(p.strip().split("=", 1) for p in params.split(";") if "=" in p)
        email.add_attachment(base64.b64decode(attachment["data"]), maintype=maintype, subtype=subtype.strip(),
                             filename=attachment["filename"], params=extra)
    return email


def send_outbox(ids: list[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send queued messages (all, or those in ``ids``); returns (sent, failed). Commits each."""
    if not smtp_configured():
        return (0, 0)
    query = sa.select(OutboxMessage).where(OutboxMessage.state == MailState.queued)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    query = query.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    messages = list(db.session.scalars(query))
    sent = failed = 0
    if not messages:
        db.session.commit()
        return (0, 0)
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        for message in messages:
            _mark_failed(message, exc)
        db.session.commit()
        return (0, len(messages))
    with smtp:
        for message in messages:
            try:
                smtp.send_message(_as_email(message))
            except (OSError, smtplib.SMTPException) as exc:
                _mark_failed(message, exc)
                failed += 1
            else:
                message.state, message.sent_at = MailState.sent, utcnow()
                message.attempts += 1
                sent += 1
    db.session.commit()
    return (sent, failed)


def _mark_failed(message: OutboxMessage, exc: Exception) -> None:
    """Keep it queued for the next run; after five tries give up and show it as failed."""
    message.attempts += 1
    message.last_error = str(exc)[:500]
    if message.attempts >= 5:
        message.state = MailState.failed


def outbox() -> sa.Select:
    return sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
