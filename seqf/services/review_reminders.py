"""``seqf tick`` reminders for certificates and follow-up reviews (DESIGN.md, "Certificate dates").

- A certificate expires: 90 and 30 days before ``valid_until`` the coordinators and the
  organisation's leaders are told — not for a withdrawn certificate, nor one a newer certificate of
  the organisation has replaced. Only the nearer reminder is sent when a tick finds both due (a
  certificate first seen 20 days before it ends gets the 30-day one, not two mails at once).
- A follow-up is due within 60 days (or overdue) and still ``due`` (nobody has planned it): the
  coordinators and the suggested lead revisor are told, once.
- A planned follow-up's visit is 14 days away: the organisation's leaders are told, once per visit
  date (a visit moved to another day is announced again).

Every message has a dedupe key, so running ``seqf tick`` again the same day (or every day) queues
nothing twice. Follow-ups of a withdrawn certificate are not reminded of.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from seqf import clock, ticks
from seqf.extensions import db
from seqf.models import Certificate, Review, ReviewKind, ReviewState, User
from seqf.services import mail
from seqf.services.certification import coordinators, organisation_leaders, superseded_clause
from seqf.urls import external_url

EXPIRY_LEADS = (30, 90)  # days before valid_until, the nearer first
FOLLOW_UP_DUE_DAYS = 60
VISIT_NOTICE_DAYS = 14


def _review_link(review: Review) -> str:
    return external_url("reviews.overview", review_id=review.id)


def _send(key: str, users: list[User], template: str, **context) -> int:
    queued = 0
    seen: set[int] = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        full_key = f"{key}:{user.id}"
        if mail.is_queued(full_key):
            continue
        mail.queue_template(full_key, user, template, user=user, **context)
        queued += 1
    return queued


def expiry_lead(valid_until: dt.date, today: dt.date) -> int | None:
    """Which expiry reminder (90 or 30 days) is due on ``today``, or None outside the last 90 days.

    The nearer one wins: a certificate 20 days from its end gets the 30-day reminder only.
    """
    days_left = (valid_until - today).days
    if days_left < 0 or days_left > max(EXPIRY_LEADS):
        return None
    return next(days for days in EXPIRY_LEADS if days_left <= days)


def expiry_reminders(today: dt.date | None = None) -> int:
    """90 and 30 days before a certificate in force ends."""
    today = today or clock.today()
    certificates = db.session.scalars(
        sa.select(Certificate).where(
            Certificate.withdrawn_at.is_(None), ~superseded_clause(),
            Certificate.valid_until >= today,
            Certificate.valid_until <= today + dt.timedelta(days=max(EXPIRY_LEADS)))
        .order_by(Certificate.id))
    queued = 0
    people = coordinators()
    for cert in certificates:
        days_left = (cert.valid_until - today).days
        lead = expiry_lead(cert.valid_until, today)
        link = external_url("certification.certificate", certificate_id=cert.id)
        queued += _send(f"certificate-expiry:{cert.id}:{lead}", people + organisation_leaders(cert.organisation_id),
                        "certificate_expiry", certificate=cert, days=days_left, link=link)
    return queued


def _follow_ups(*where) -> list[Review]:
    return list(db.session.scalars(
        sa.select(Review).join(Certificate, Certificate.id == Review.certificate_id)
        .where(Review.kind == ReviewKind.follow_up, Certificate.withdrawn_at.is_(None), *where)
        .order_by(Review.id)))


def follow_up_due_reminders(today: dt.date | None = None) -> int:
    """A follow-up due within 60 days that nobody has planned yet."""
    today = today or clock.today()
    queued = 0
    people = coordinators()
    for review in _follow_ups(Review.state == ReviewState.due,
                              Review.due_on <= today + dt.timedelta(days=FOLLOW_UP_DUE_DAYS)):
        lead = [review.suggested_lead] if review.suggested_lead and review.suggested_lead.active else []
        queued += _send(f"follow-up-due:{review.id}", people + lead, "follow_up_due",
                        review=review, link=_review_link(review))
    return queued


def follow_up_visit_reminders(today: dt.date | None = None) -> int:
    """14 days before a planned follow-up's visit, to the organisation's leaders."""
    today = today or clock.today()
    queued = 0
    for review in _follow_ups(Review.state == ReviewState.planned, Review.visit_starts_on >= today,
                              Review.visit_starts_on <= today + dt.timedelta(days=VISIT_NOTICE_DAYS)):
        queued += _send(f"follow-up-visit:{review.id}:{review.visit_starts_on.isoformat()}",
                        organisation_leaders(review.organisation_id), "follow_up_visit",
                        review=review, link=_review_link(review))
    return queued


@ticks.job("certificate expiry reminders")
def _tick_expiry() -> int:
    return expiry_reminders()


@ticks.job("follow-up reminders")
def _tick_follow_ups() -> int:
    return follow_up_due_reminders() + follow_up_visit_reminders()
