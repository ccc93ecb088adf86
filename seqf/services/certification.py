"""The certification decision on a published review, the certificate it issues, and withdrawal.

An approval issues a ``Certificate`` valid for three years (``seqf.certificates``) and creates the
two follow-up reviews as ``due``: they carry only a due date, the suggested lead revisor and the
instrument; planning them (revisors, mode, dates) is ``seqf.services.reviews``' job. A
recertification's certificate continues the organisation's latest one (``previous_certificate_id``),
so the history reads as a chain. A certificate's state is never stored: it is computed from its
dates and ``withdrawn_at``, here in Python and as SQL for listings, and a test keeps the two equal.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.certificates import EXPIRY_WARNING, CertificateDates, certificate_dates
from seqf.certificates import certificate_state as _state_of
from seqf.extensions import db
from seqf.models import (
    Certificate,
    Decision,
    GlobalRole,
    MemberRole,
    Membership,
    Review,
    ReviewKind,
    ReviewMode,
    ReviewState,
    User,
    UserRole,
    utcnow,
)
from seqf.services import audit, locks, mail
from seqf.services.errors import Conflict, Forbidden, RuleViolation
from seqf.services.review_guards import review_roles
from seqf.urls import external_url

DECISIONS = ("approved", "not_approved")
DECIDERS = {"coordinator", "lead"}
# the organisation's members who hear about decisions and certificates
LEADER_ROLES = (MemberRole.leader, MemberRole.org_admin)


# --- state -----------------------------------------------------------------------------------------

def certificate_state(cert: Certificate, today: dt.date | None = None) -> str:
    """``active``, ``expiring``, ``expired`` or ``withdrawn`` on ``today`` (default: today in Oslo)."""
    return _state_of(cert.valid_until, cert.withdrawn_at is not None, today or clock.today())


def state_expression(today: dt.date | None = None) -> sa.Case:
    """The same state as SQL, for listings that filter or sort by it (the network register)."""
    today = today or clock.today()
    return sa.case(
        (Certificate.withdrawn_at.is_not(None), "withdrawn"),
        (Certificate.valid_until < today, "expired"),
        (Certificate.valid_until <= today + EXPIRY_WARNING, "expiring"),
        else_="active",
    )


def superseded_clause() -> sa.ColumnElement[bool]:
    """True for a certificate that a later certificate of the same organisation has replaced."""
    newer = so.aliased(Certificate)
    return sa.exists().where(
        newer.organisation_id == Certificate.organisation_id,
        newer.id != Certificate.id,
        sa.or_(newer.previous_certificate_id == Certificate.id, newer.valid_from > Certificate.valid_from),
    )


def dates_of(cert: Certificate) -> CertificateDates:
    return certificate_dates(cert.valid_from)


def recertification_due_on(cert: Certificate) -> dt.date:
    """When the recertification review should take place (90 days before the certificate ends)."""
    return dates_of(cert).recertification_planned


def certificate_number(cert: Certificate) -> str:
    """The number printed on the certificate: instrument, year of issue, id (``SEQF-2028-0042``)."""
    slug = cert.review.instrument.slug if cert.review is not None else "seqf"
    return f"{slug.upper()}-{cert.valid_from.year}-{cert.id:04d}"


# --- reading ---------------------------------------------------------------------------------------

def certificates_of(org_id: int) -> list[Certificate]:
    """The organisation's certificates, newest first."""
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.organisation_id == org_id)
        .order_by(Certificate.valid_from.desc(), Certificate.id.desc())))


def latest_certificate(org_id: int) -> Certificate | None:
    certificates = certificates_of(org_id)
    return certificates[0] if certificates else None


def current_certificate(org_id: int, today: dt.date | None = None) -> Certificate | None:
    """The newest certificate that is in force today (active or expiring), if any."""
    today = today or clock.today()
    for cert in certificates_of(org_id):
        if certificate_state(cert, today) in ("active", "expiring"):
            return cert
    return None


def follow_ups_of(cert: Certificate) -> list[Review]:
    """The follow-up reviews created with the certificate, in due order."""
    return list(db.session.scalars(
        sa.select(Review).where(Review.certificate_id == cert.id, Review.kind == ReviewKind.follow_up)
        .order_by(Review.due_on, Review.id)))


def certificate_of_review(review: Review) -> Certificate | None:
    return db.session.scalar(_certificate_of_review_query(), {"review_id": review.id})


@functools.cache
def _certificate_of_review_query() -> sa.Select:
    return sa.select(Certificate).where(Certificate.review_id == sa.bindparam("review_id"))


def organisation_leaders(org_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org_id, Membership.role.in_(LEADER_ROLES), User.active.is_(True))
        .order_by(User.name, User.id)))


def coordinators() -> list[User]:
    """Network coordinators (active accounts) — the people who plan reviews and follow certificates."""
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == GlobalRole.coordinator, User.active.is_(True))
        .order_by(User.name, User.id)))


def document_language(org_id: int) -> str:
    """The language of the certificate PDF: English only when most of the organisation's leaders
    chose English; Norwegian (Bokmål) otherwise, and when there are no leaders."""
    languages = [user.language for user in organisation_leaders(org_id)]
    english = sum(1 for lang in languages if lang == "en")
    return "en" if english * 2 > len(languages) else "nb"


# --- deciding --------------------------------------------------------------------------------------

def _publication_date(review: Review) -> dt.date | None:
    if review.published_at is None:
        return None
    published = review.published_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    return published.astimezone(clock.OSLO).date()


def check_decision(review: Review, decision: str, decided_on: dt.date | None) -> None:
    problems: dict[str, str] = {}
    if decision not in DECISIONS:
        problems["decision"] = _("Choose approved or not approved.")
    if decided_on is None:
        problems["decided_on"] = _("Enter the date of the decision.")
    elif decided_on > clock.today():
        problems["decided_on"] = _("The decision date cannot be in the future.")
    else:
        published = _publication_date(review)
        if published is not None and decided_on < published:
            problems["decided_on"] = _("The decision date cannot be before the report was published (%(date)s).",
                                       date=published.isoformat())
    if problems:
        raise RuleViolation(_("The decision was not recorded."), fields=problems)


def decide(actor: User, review: Review, decision: str, decided_on: dt.date | None) -> Certificate | None:
    """Record the certification decision on a published review; approval issues the certificate.

    The review row is locked first, so of two simultaneous decisions one wins and the other gets
    409 ``already_decided``. Returns the new certificate, or None when not approved.
    """
    if not review_roles(review, actor) & DECIDERS:
        raise Forbidden(_("Only the coordinator and the lead revisor can record the decision."))
    locks.lock(review)
    if review.state == ReviewState.decided:
        raise Conflict(_("The decision on this review has already been recorded."), code="already_decided")
    if review.state != ReviewState.published:
        raise Conflict(_("The decision can be recorded only after the report is published."), code="not_published")
    check_decision(review, decision, decided_on)
    workflow.apply_transition("review", review, "decide", actor)  # 409 for a follow-up (guard)
    review.decision = Decision(decision)
    review.decided_on = decided_on
    review.decided_by_id = actor.id
    audit.record(actor, "review.decided", review,
                 f"Review {review.id}: {decision} on {decided_on.isoformat()}", review.organisation_id,
                 data={"decision": decision, "date": decided_on.isoformat(), "organisation": review.organisation.name})
    cert = _issue(actor, review, decided_on) if decision == "approved" else None
    db.session.flush()
    _mail_decision(review, cert)
    return cert


def _issue(actor: User, review: Review, decided_on: dt.date) -> Certificate:
    dates = certificate_dates(decided_on)
    previous = latest_certificate(review.organisation_id) if review.kind == ReviewKind.recertification else None
    cert = Certificate(organisation_id=review.organisation_id, review_id=review.id,
                       previous_certificate_id=previous.id if previous else None,
                       valid_from=dates.valid_from, valid_until=dates.valid_until)
    db.session.add(cert)
    db.session.flush()
    lead = review.lead
    for due_on in dates.follow_ups:
        db.session.add(Review(
            organisation_id=review.organisation_id, instrument_id=review.instrument_id,
            kind=ReviewKind.follow_up, state=ReviewState.due, mode=ReviewMode.video, due_on=due_on,
            certificate_id=cert.id, suggested_lead_id=lead.id if lead else None, created_by_id=actor.id,
        ))
    audit.record(actor, "certificate.issued", cert,
                 f"Certificate {cert.id} valid {dates.valid_from.isoformat()} – {dates.valid_until.isoformat()}",
                 review.organisation_id,
                 data={"valid_from": dates.valid_from.isoformat(), "valid_until": dates.valid_until.isoformat(),
                       "follow_ups": [d.isoformat() for d in dates.follow_ups]})
    return cert


def _mail_decision(review: Review, cert: Certificate | None) -> None:
    recipients = {u.id: u for u in organisation_leaders(review.organisation_id)}
    for assignment in review.revisors:
        if assignment.user.active:
            recipients.setdefault(assignment.user_id, assignment.user)
    dates = certificate_dates(cert.valid_from) if cert else None
    link = external_url("certification.certificate", certificate_id=cert.id) if cert else None
    for user in recipients.values():
        mail.queue_template(f"review-decided:{review.id}:{user.id}", user, "review_decided",
                            user=user, review=review, certificate=cert, dates=dates, link=link)


# --- withdrawing -----------------------------------------------------------------------------------

def withdraw(actor: User, cert: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate (coordinator only, with a reason); its leaders are told."""
    if not (actor.is_coordinator or actor.is_admin):
        raise Forbidden(_("Only the network coordinator can withdraw a certificate."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for withdrawing the certificate."),
                            fields={"reason": _("Give the reason for withdrawing the certificate.")})
    locks.lock(cert)
    if cert.withdrawn_at is not None:
        raise Conflict(_("This certificate has already been withdrawn."), code="already_withdrawn")
    cert.withdrawn_at = utcnow()
    cert.withdrawn_reason = reason
    cert.withdrawn_by_id = actor.id
    audit.record(actor, "certificate.withdrawn", cert, f"Certificate {cert.id} withdrawn", cert.organisation_id,
                 data={"number": certificate_number(cert), "reason": reason})
    db.session.flush()
    link = external_url("certification.certificate", certificate_id=cert.id)
    for user in organisation_leaders(cert.organisation_id):
        mail.queue_template(f"certificate-withdrawn:{cert.id}:{user.id}", user, "certificate_withdrawn",
                            user=user, certificate=cert, number=certificate_number(cert), reason=reason, link=link)
    return cert
