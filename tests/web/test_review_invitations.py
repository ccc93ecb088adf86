"""The mail a plan sends, over real SMTP: each revisor and leader gets one in their own language with
a calendar invitation that parses, covers the visit days, keeps its UID and raises its SEQUENCE when
the plan changes, and a cancellation that removes the event."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from seqf import clock
from tests.web.review_helpers import review_cast

START = dt.date(2031, 3, 10)


@pytest.fixture
def cast(app, make_org, make_user):
    return review_cast(make_org, make_user)


def plan(api, cast, **overrides):
    data = {"kind": "certification", "revisor_ids": [cast.lead.id, cast.co.id], "mode": "on_site",
            "visit_starts_on": START.isoformat(), "visit_ends_on": (START + dt.timedelta(days=1)).isoformat()}
    data.update(overrides)
    response = api.post(f"/api/v1/organisations/{cast.org.id}/reviews", user=cast.coordinator, json=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def invitation(message):
    """(content type, parsed calendar, its one event) of the message's .ics attachment."""
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.iter_attachments()]
    part = parts[0]
    data = part.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return part, calendar, events[0]


def to(mailbox, person):
    return [m for m in mailbox.messages if m["To"] == person.email]


def test_revisors_and_leaders_get_an_invitation_over_smtp(api, cast, mailbox):
    review = plan(api, cast)
    recipients = {m["To"] for m in mailbox.messages}
    assert recipients == {cast.lead.email, cast.co.email, cast.leader.email, cast.org_admin.email}
    assert not to(mailbox, cast.staff[0]) and not to(mailbox, cast.other_revisor)
    message = to(mailbox, cast.lead)[0]
    assert "Jobbhuset AS" in message["Subject"]
    assert "Sertifiseringsrevisjon" in message["Subject"]  # the recipient's language: Bokmål
    assert f"/reviews/{review['id']}" in message.get_body(("plain",)).get_content()
    part, calendar, event = invitation(message)
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + dt.timedelta(days=2)  # all-day, end exclusive
    assert str(event["UID"]).startswith(f"review-{review['id']}-") and str(event["UID"]).endswith("@seqf")
    assert int(event["SEQUENCE"]) == 1
    assert "Jobbhuset AS" in str(event["SUMMARY"]) and str(event["LOCATION"]) == "Jobbhuset AS"
    assert str(event["ATTENDEE"]) == f"mailto:{cast.lead.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:") and " " not in str(event["ORGANIZER"])


def test_an_english_reader_gets_english_and_a_video_link_is_the_location(api, cast, mailbox, make_user):
    from seqf.extensions import db

    cast.co.language = "en"
    db.session.commit()
    plan(api, cast, mode="video", meeting_url="https://meet.example.no/abc")
    message = to(mailbox, cast.co)[0]
    assert message["Subject"].startswith("Planned: Certification review of Jobbhuset AS")
    _part, _calendar, event = invitation(message)
    assert str(event["LOCATION"]) == "https://meet.example.no/abc"
    assert str(event["SUMMARY"]) == "Certification review: Jobbhuset AS"


def test_a_change_resends_with_the_same_uid_and_a_higher_sequence(api, cast, mailbox):
    review = plan(api, cast)
    first = invitation(to(mailbox, cast.lead)[0])[2]
    mailbox.messages.clear()
    moved = START + dt.timedelta(days=7)
    response = api.patch(f"/api/v1/reviews/{review['id']}", user=cast.coordinator, json={
        "version": 1, "revisor_ids": [cast.lead.id], "visit_starts_on": moved.isoformat(),
        "visit_ends_on": moved.isoformat()})
    assert response.status_code == 200, response.get_json()
    changed = invitation(to(mailbox, cast.lead)[0])[2]
    assert str(changed["UID"]) == str(first["UID"])
    assert int(changed["SEQUENCE"]) == 2
    assert changed.decoded("DTSTART") == moved and changed.decoded("DTEND") == moved + dt.timedelta(days=1)
    # the co-revisor taken off gets a cancellation of the same event
    part, calendar, removed = invitation(to(mailbox, cast.co)[0])
    assert part.get_param("method") == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    assert str(removed["UID"]) == str(first["UID"]) and str(removed["STATUS"]) == "CANCELLED"
    assert to(mailbox, cast.leader)  # the leaders hear of the change too


def test_cancelling_sends_a_cancel_invitation(api, cast, mailbox):
    review = plan(api, cast)
    uid = str(invitation(to(mailbox, cast.leader)[0])[2]["UID"])
    mailbox.messages.clear()
    assert api.delete(f"/api/v1/reviews/{review['id']}?reason=Sykdom", user=cast.coordinator).status_code == 204
    assert {m["To"] for m in mailbox.messages} == {cast.lead.email, cast.co.email, cast.leader.email,
                                                   cast.org_admin.email}
    message = to(mailbox, cast.leader)[0]
    assert "Sykdom" in message.get_body(("plain",)).get_content()
    part, _calendar, event = invitation(message)
    assert part.get_param("method") == "CANCEL"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2 and str(event["STATUS"]) == "CANCELLED"


def test_a_repeated_plan_mails_once_per_version(app, cast, mailbox):
    """The dedupe key carries the review and its version: sending the same plan again queues nothing."""
    from seqf.extensions import db
    from seqf.models import OutboxMessage
    from seqf.services import review_invitations, reviews

    with app.test_request_context():
        review = reviews.plan_review(cast.coordinator, cast.org, kind="follow_up", revisor_ids=[cast.lead.id],
                                     mode="on_site", visit_starts_on=clock.today() + dt.timedelta(days=3),
                                     visit_ends_on=clock.today() + dt.timedelta(days=3))
        queued = db.session.query(OutboxMessage).count()
        review_invitations.send_plan(review, [cast.lead])
        assert db.session.query(OutboxMessage).count() == queued
        db.session.rollback()
