"""Calendar invitations (.ics) and the mail that tells revisors and leaders about a review's plan.

One calendar event per review: its UID stays the same for the review's whole life, and its
SEQUENCE grows with the review's ``version``, so a calendar replaces the event when the plan
changes and removes it when the review is cancelled (``METHOD:CANCEL``). The visit is an all-day
event from the first visit day to the day after the last (iCalendar's DTEND is exclusive).

Mail is queued per recipient in the recipient's own language; the dedupe key carries the review's
identity and version, so a changed plan mails again while a repeated request does not.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

import icalendar
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from seqf import clock
from seqf.models import Review, User
from seqf.review_labels import kind_label
from seqf.services import mail
from seqf.urls import external_url

PRODID = "-//seqf//reviews//EN"


def review_key(review: Review) -> str:
    """Unique for this review even if a database reuses the id of a cancelled one (SQLite may)."""
    stamp = review.created_at.strftime("%Y%m%dT%H%M%S%f") if review.created_at else "0"
    return f"{review.id}-{stamp}"


def event_uid(review: Review) -> str:
    return f"review-{review_key(review)}@seqf"


def _summary(review: Review) -> str:
    return _("%(kind)s: %(org)s", kind=kind_label(review.kind), org=review.organisation.name)


def _location(review: Review) -> str:
    if review.mode.value == "video":
        return review.meeting_url or f"{_('Video')} – {_('the meeting link follows')}"
    return review.organisation.name


def calendar_event(review: Review, recipient: User, *, cancel: bool = False) -> bytes:
    """The invitation (or its cancellation) for one recipient, in the recipient's language."""
    with force_locale(recipient.language or "nb"):
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("method", "CANCEL" if cancel else "REQUEST")
        event = icalendar.Event()
        event.add("uid", event_uid(review))
        event.add("dtstamp", clock.now())
        # SEQUENCE: the invitation of version n has n; a cancellation comes after the last version
        event.add("sequence", review.version + (1 if cancel else 0))
        event.add("dtstart", review.visit_starts_on)
        event.add("dtend", review.visit_ends_on + dt.timedelta(days=1))
        event.add("summary", _summary(review))
        location = _location(review)
        if location:
            event.add("location", location)
        if review.mode.value == "video" and review.meeting_url:
            event.add("url", review.meeting_url)
        event.add("description", _("The review in seqf: %(link)s",
                                   link=external_url("reviews.overview", review_id=review.id)))
        event.add("status", "CANCELLED" if cancel else "CONFIRMED")
        event.add("transp", "OPAQUE")
        name, address = parseaddr(current_app.config["MAIL_FROM"])
        organizer = icalendar.vCalAddress(f"mailto:{address or 'noreply@seqf.local'}")
        organizer.params["cn"] = icalendar.vText(name or "seqf")
        event.add("organizer", organizer)
        attendee = icalendar.vCalAddress(f"mailto:{recipient.email}")
        attendee.params["cn"] = icalendar.vText(recipient.name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        event.add("attendee", attendee)
        cal.add_component(event)
        return cal.to_ical()


def attachment(review: Review, recipient: User, *, cancel: bool = False) -> mail.Attachment:
    method = "CANCEL" if cancel else "REQUEST"
    return mail.Attachment(filename="cancel.ics" if cancel else "invite.ics",
                           content_type=f"text/calendar; method={method}",
                           data=calendar_event(review, recipient, cancel=cancel))


def _link(review: Review) -> str:
    return external_url("reviews.overview", review_id=review.id)


def send_plan(review: Review, recipients: list[User], *, changed: bool = False) -> int:
    """Mail the plan with an invitation to each recipient; returns how many were queued."""
    what = "changed" if changed else "planned"
    for user in recipients:
        mail.queue_template(f"review:{review_key(review)}:{what}:v{review.version}:{user.id}", user,
                            "review_planned", attachments=[attachment(review, user)], review=review, user=user,
                            changed=changed, link=_link(review), revisor=review.is_assigned(user))
    return len(recipients)


def send_cancellation(review: Review, recipients: list[User], reason: str, *, removed: bool = False) -> int:
    """Tell each recipient that the review (or their part in it) is off, with a CANCEL invitation.

    A due follow-up was never in anyone's calendar, so it is cancelled without an attachment.
    """
    for user in recipients:
        files = [attachment(review, user, cancel=True)] if review.visit_starts_on else []
        what = "removed" if removed else "cancelled"
        mail.queue_template(f"review:{review_key(review)}:{what}:v{review.version}:{user.id}", user,
                            "review_cancelled", attachments=files, review=review, user=user, reason=reason,
                            removed=removed)
    return len(recipients)
