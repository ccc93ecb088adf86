"""The certification decision, the certificate and its follow-ups, withdrawal, and their pages.

Rules (``seqf.services.certification``): only the coordinator and the lead revisor decide, only on a
published review, only once, on a date that is neither in the future nor before publication; an
approval issues a three-year certificate with two follow-ups created as ``due``; a recertification
continues the organisation's latest certificate. Pages: every role on every page, a confirmation
before anything final, and bad input that changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf import clock
from seqf.extensions import db
from seqf.models import (
    Certificate,
    Decision,
    OutboxMessage,
    Review,
    ReviewKind,
    ReviewMode,
    ReviewRevisor,
    ReviewState,
)
from seqf.services import certification
from seqf.services.errors import Conflict, Forbidden, RuleViolation
from tests.web.cert_helpers import actions, freeze, mail_to, published_review
from tests.web.helpers import count, in_english, location, text
from tests.web.review_helpers import make_review, review_cast

TODAY = dt.date(2030, 5, 15)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    return review_cast(make_org, make_user)


def snapshot() -> tuple:
    """Everything a decision or withdrawal may change, to show that refused input changed nothing."""
    db.session.expire_all()
    reviews = db.session.execute(sa.select(Review.id, Review.state, Review.decision, Review.decided_on)
                                 .order_by(Review.id)).all()
    certs = db.session.execute(sa.select(Certificate.id, Certificate.withdrawn_at).order_by(Certificate.id)).all()
    return reviews, certs, count(OutboxMessage)


# --- the service ---------------------------------------------------------------------------------

def test_approval_issues_a_three_year_certificate_with_two_due_follow_ups(cast):
    review = published_review(cast)
    cert = certification.decide(cast.coordinator, review, "approved", TODAY)
    db.session.commit()

    assert review.state == ReviewState.decided and review.decision == Decision.approved
    assert review.decided_on == TODAY and review.decided_by_id == cast.coordinator.id
    assert (cert.valid_from, cert.valid_until) == (TODAY, dt.date(2033, 5, 15))
    assert cert.previous_certificate_id is None
    assert certification.certificate_state(cert, TODAY) == "active"
    follow_ups = certification.follow_ups_of(cert)
    assert [f.due_on for f in follow_ups] == [dt.date(2031, 5, 15), dt.date(2032, 5, 15)]
    for follow_up in follow_ups:
        assert follow_up.kind == ReviewKind.follow_up and follow_up.state == ReviewState.due
        assert follow_up.mode == ReviewMode.video and follow_up.suggested_lead_id == cast.lead.id
        assert follow_up.instrument_id == review.instrument_id and follow_up.organisation_id == cast.org.id
        assert follow_up.visit_starts_on is None and follow_up.revisors == []
    assert certification.recertification_due_on(cert) == dt.date(2033, 5, 15) - dt.timedelta(days=90)
    assert certification.current_certificate(cast.org.id) == cert
    assert certification.certificates_of(cast.org.id) == [cert]
    assert {"review.decide", "review.decided", "certificate.issued"} <= set(actions())
    expected = sorted(u.email for u in (cast.leader, cast.org_admin, cast.lead, cast.co))
    assert mail_to(f"review-decided:{review.id}:") == expected
    message = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == cast.leader.email)).one()
    assert "2033" in message.subject and f"/certificates/{cert.id}" in message.body
    assert not any(s.email in mail_to("review-decided") for s in cast.staff)


def test_not_approved_records_the_decision_and_issues_nothing(cast):
    review = published_review(cast)
    assert certification.decide(cast.lead, review, "not_approved", TODAY - dt.timedelta(days=1)) is None
    db.session.commit()
    assert review.state == ReviewState.decided and review.decision == Decision.not_approved
    assert count(Certificate) == 0 and count(Review, Review.kind == ReviewKind.follow_up) == 0
    assert "certificate.issued" not in actions()
    assert len(mail_to(f"review-decided:{review.id}:")) == 4


@pytest.mark.parametrize("who", ["leader", "org_admin", "co", "staff0"])
def test_only_the_coordinator_and_the_lead_decide(cast, who):
    review = published_review(cast)
    user = cast.staff[0] if who == "staff0" else getattr(cast, who)
    before = snapshot()
    with pytest.raises(Forbidden):
        certification.decide(user, review, "approved", TODAY)
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.parametrize("state", [ReviewState.planned, ReviewState.drafting, ReviewState.comment_round])
def test_an_unpublished_review_cannot_be_decided(cast, state):
    review = make_review(cast.org, cast.lead, state=state)
    with pytest.raises(Conflict) as exc:
        certification.decide(cast.coordinator, review, "approved", TODAY)
    assert exc.value.code == "not_published"


def test_a_second_decision_is_refused(cast):
    review = published_review(cast)
    certification.decide(cast.coordinator, review, "not_approved", TODAY)
    db.session.commit()
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        certification.decide(cast.lead, review, "approved", TODAY)
    assert exc.value.code == "already_decided"
    db.session.rollback()
    assert snapshot() == before


def test_a_follow_up_takes_no_decision(cast):
    review = published_review(cast, kind=ReviewKind.follow_up)
    with pytest.raises(Conflict) as exc:
        certification.decide(cast.coordinator, review, "approved", TODAY)
    assert exc.value.code == "not_a_follow_up"


@pytest.mark.parametrize("decided_on, field", [
    (TODAY + dt.timedelta(days=1), "decided_on"),
    (TODAY - dt.timedelta(days=4), "decided_on"),  # published three days ago
    (None, "decided_on"),
])
def test_a_decision_date_in_the_future_or_before_publication_is_refused(cast, decided_on, field):
    review = published_review(cast)
    before = snapshot()
    with pytest.raises(RuleViolation) as exc:
        certification.decide(cast.coordinator, review, "approved", decided_on)
    assert field in exc.value.fields
    db.session.rollback()
    assert snapshot() == before


def test_an_unknown_decision_is_refused(cast):
    review = published_review(cast)
    with pytest.raises(RuleViolation) as exc:
        certification.decide(cast.coordinator, review, "maybe", TODAY)
    assert "decision" in exc.value.fields


def test_the_publication_day_itself_is_a_valid_decision_date(cast):
    review = published_review(cast, published_days_ago=0)
    assert certification.decide(cast.coordinator, review, "approved", TODAY).valid_from == TODAY


def test_a_leap_day_approval_runs_to_28_february(make_org, make_user, monkeypatch):
    freeze(monkeypatch, dt.date(2028, 2, 29))
    cast = review_cast(make_org, make_user)
    review = published_review(cast)
    cert = certification.decide(cast.coordinator, review, "approved", dt.date(2028, 2, 29))
    db.session.commit()
    assert cert.valid_until == dt.date(2031, 2, 28)
    assert [f.due_on for f in certification.follow_ups_of(cert)] == [dt.date(2029, 2, 28), dt.date(2030, 2, 28)]


def test_a_recertification_continues_the_latest_certificate(cast, monkeypatch):
    first = published_review(cast)
    old = certification.decide(cast.coordinator, first, "approved", TODAY)
    db.session.commit()
    later = TODAY + dt.timedelta(days=3 * 365 - 60)
    freeze(monkeypatch, later)
    again = published_review(cast, kind=ReviewKind.recertification)
    new = certification.decide(cast.lead, again, "approved", later)
    db.session.commit()
    assert new.previous_certificate_id == old.id
    assert certification.certificates_of(cast.org.id) == [new, old]
    assert certification.current_certificate(cast.org.id) == new
    # a plain certification review starts no chain
    other = published_review(cast)
    assert certification.decide(cast.coordinator, other, "approved", later).previous_certificate_id is None


def test_withdraw_needs_a_coordinator_and_a_reason_and_happens_once(cast):
    review = published_review(cast)
    cert = certification.decide(cast.coordinator, review, "approved", TODAY)
    db.session.commit()
    for user in (cast.lead, cast.leader):
        with pytest.raises(Forbidden):
            certification.withdraw(user, cert, "Avvik")
    with pytest.raises(RuleViolation) as exc:
        certification.withdraw(cast.coordinator, cert, "   ")
    assert "reason" in exc.value.fields
    db.session.rollback()
    assert cert.withdrawn_at is None

    certification.withdraw(cast.coordinator, cert, "Tilbudet er lagt ned.")
    db.session.commit()
    assert certification.certificate_state(cert, TODAY) == "withdrawn"
    assert cert.withdrawn_reason == "Tilbudet er lagt ned." and cert.withdrawn_by_id == cast.coordinator.id
    assert "certificate.withdrawn" in actions()
    assert mail_to(f"certificate-withdrawn:{cert.id}:") == sorted([cast.leader.email, cast.org_admin.email])
    assert certification.current_certificate(cast.org.id) is None
    with pytest.raises(Conflict) as exc:
        certification.withdraw(cast.coordinator, cert, "Igjen")
    assert exc.value.code == "already_withdrawn"


def test_document_language_follows_most_leaders(cast, make_user):
    assert certification.document_language(cast.org.id) == "nb"
    cast.leader.language = "en"
    db.session.commit()
    assert certification.document_language(cast.org.id) == "nb"  # one of two: a tie stays nb
    cast.org_admin.language = "en"
    db.session.commit()
    assert certification.document_language(cast.org.id) == "en"


# --- pages ---------------------------------------------------------------------------------------

def person(cast, make_user, who):
    """A member of the cast by name; ``viewer`` and ``outsider`` are made here."""
    if who == "viewer":
        return make_user(org=cast.org, member_role="viewer", name="Vera Viewer")
    if who == "outsider":
        return make_user(name="Ute Utenfor")
    return cast.staff[0] if who == "staff" else getattr(cast, who)


def _approve(cast, decided_on=TODAY):
    review = published_review(cast)
    cert = certification.decide(cast.coordinator, review, "approved", decided_on)
    db.session.commit()
    return review, cert


def test_decision_page_confirms_before_recording_an_approval(client, auth, cast):
    review = published_review(cast)
    auth.login(cast.coordinator)
    in_english(client)
    page = client.get(f"/reviews/{review.id}/decision")
    assert page.status_code == 200 and "Certification decision for Jobbhuset AS" in text(page)

    form = {"decision": "approved", "decided_on": TODAY.isoformat()}
    asked = client.post(f"/reviews/{review.id}/decision", data=form)
    assert asked.status_code == 200
    assert "Approve Jobbhuset AS?" in text(asked) and "May 15, 2033" in text(asked)
    assert count(Certificate) == 0 and db.session.get(Review, review.id).state == ReviewState.published

    done = client.post(f"/reviews/{review.id}/decision", data={**form, "confirm": "yes"})
    assert done.status_code == 302
    cert = db.session.scalars(sa.select(Certificate)).one()
    assert location(done) == f"/certificates/{cert.id}"
    shown = client.get(location(done))
    assert "Certificate for Jobbhuset AS" in text(shown) and "Valid" in text(shown)
    assert "Rita Revisor" in text(shown) and "due, not planned" in text(shown)


def test_lead_records_not_approved_through_the_page(client, auth, cast):
    review = published_review(cast)
    auth.login(cast.lead)
    in_english(client)
    done = client.post(f"/reviews/{review.id}/decision",
                       data={"decision": "not_approved", "decided_on": TODAY.isoformat(), "confirm": "yes"})
    assert done.status_code == 302
    assert db.session.get(Review, review.id).decision == Decision.not_approved
    page = client.get(f"/reviews/{review.id}/decision")
    assert "Not approved (decided May 15, 2030)" in text(page)
    again = client.post(f"/reviews/{review.id}/decision",
                        data={"decision": "approved", "decided_on": TODAY.isoformat(), "confirm": "yes"})
    assert again.status_code == 409 and count(Certificate) == 0


@pytest.mark.parametrize("form", [
    {"decision": "approved", "decided_on": (TODAY + dt.timedelta(days=2)).isoformat(), "confirm": "yes"},
    {"decision": "approved", "decided_on": (TODAY - dt.timedelta(days=30)).isoformat(), "confirm": "yes"},
    {"decision": "approved", "decided_on": "not a date", "confirm": "yes"},
    {"decision": "perhaps", "decided_on": TODAY.isoformat(), "confirm": "yes"},
    {"decided_on": TODAY.isoformat(), "confirm": "yes"},
    {"decision": "approved", "confirm": "yes"},
])
def test_bad_decision_input_is_shown_and_changes_nothing(client, auth, cast, form):
    review = published_review(cast)
    auth.login(cast.coordinator)
    in_english(client)
    before = snapshot()
    response = client.post(f"/reviews/{review.id}/decision", data=form)
    assert response.status_code == 422
    assert "field__error" in text(response)
    assert snapshot() == before


def test_decision_without_csrf_changes_nothing(client, auth, cast):
    review = published_review(cast)
    auth.login(cast.coordinator)
    before = snapshot()
    response = client.post(f"/reviews/{review.id}/decision", csrf=False,
                           data={"decision": "approved", "decided_on": TODAY.isoformat(), "confirm": "yes"})
    assert response.status_code in (400, 422)
    assert snapshot() == before


def test_decision_page_on_an_unpublished_review(client, auth, cast):
    review = make_review(cast.org, cast.lead, state=ReviewState.drafting)
    auth.login(cast.coordinator)
    in_english(client)
    page = client.get(f"/reviews/{review.id}/decision")
    assert "only after the report is published" in text(page)
    refused = client.post(f"/reviews/{review.id}/decision",
                          data={"decision": "approved", "decided_on": TODAY.isoformat(), "confirm": "yes"})
    assert refused.status_code == 409 and count(Certificate) == 0


@pytest.mark.parametrize("who, status", [
    ("coordinator", 200), ("lead", 200), ("co", 403), ("leader", 403), ("org_admin", 403), ("staff", 403),
    ("viewer", 403), ("other_revisor", 404), ("outsider", 404),
])
def test_who_may_open_and_post_the_decision_page(client, auth, cast, make_user, who, status):
    review = published_review(cast)
    user = person(cast, make_user, who)
    auth.login(user)
    assert client.get(f"/reviews/{review.id}/decision").status_code == status
    before = snapshot()
    posted = client.post(f"/reviews/{review.id}/decision",
                         data={"decision": "approved", "decided_on": TODAY.isoformat(), "confirm": "yes"})
    assert posted.status_code == (302 if status == 200 else status)
    if status != 200:
        assert snapshot() == before
    assert client.get("/reviews/999999/decision").status_code == 404


@pytest.mark.parametrize("who, status", [
    ("coordinator", 200), ("lead", 200), ("co", 200), ("leader", 200), ("org_admin", 200), ("staff", 200),
    ("viewer", 200), ("other_revisor", 404), ("outsider", 404),
])
def test_who_may_read_the_certificate_and_its_pdf(client, auth, cast, make_user, who, status):
    _review, cert = _approve(cast)
    user = person(cast, make_user, who)
    auth.login(user)
    assert client.get(f"/certificates/{cert.id}").status_code == status
    pdf = client.get(f"/certificates/{cert.id}/certificate.pdf")
    assert pdf.status_code == status
    if status == 200:
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get("/certificates/999999").status_code == 404


@pytest.mark.parametrize("who, status", [
    ("coordinator", 200), ("leader", 200), ("org_admin", 200), ("staff", 200),
    ("lead", 404), ("other_revisor", 404), ("outsider", 404),
])
def test_who_may_see_the_organisations_certificates(client, auth, cast, make_user, who, status):
    _approve(cast)
    user = {"staff": cast.staff[0], "outsider": make_user(name="Ute")}.get(who) or getattr(cast, who)
    auth.login(user)
    in_english(client)
    page = client.get(f"/organisations/{cast.org.id}/certificates")
    assert page.status_code == status
    if status == 200:
        body = text(page)
        assert "Certified until May 15, 2033" in body and "Recertification due" in body
        assert "Download the certificate (PDF)" in body and body.count("due, not planned") == 2


def test_organisation_page_links_to_certificates(client, auth, cast):
    auth.login(cast.leader)
    in_english(client)
    page = client.get(f"/organisations/{cast.org.id}/")
    assert f"/organisations/{cast.org.id}/certificates" in text(page)
    empty = client.get(f"/organisations/{cast.org.id}/certificates")
    assert "No certificates yet" in text(empty)


def test_withdraw_asks_for_a_reason_and_a_confirmation(client, auth, cast):
    _review, cert = _approve(cast)
    auth.login(cast.coordinator)
    in_english(client)
    assert "Withdraw the certificate" in text(client.get(f"/certificates/{cert.id}"))
    url = f"/certificates/{cert.id}/withdraw"
    before = snapshot()
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 422 and "Give the reason" in text(empty)
    asked = client.post(url, data={"reason": "Tilbudet er lagt ned."})
    assert asked.status_code == 200 and "This cannot be undone." in text(asked)
    assert snapshot() == before
    done = client.post(url, data={"reason": "Tilbudet er lagt ned.", "confirm": "yes"})
    assert done.status_code == 302
    shown = client.get(f"/certificates/{cert.id}")
    assert "Withdrawn on" in text(shown) and "Tilbudet er lagt ned." in text(shown)
    assert "Withdraw the certificate</a>" not in text(shown)
    assert client.post(url, data={"reason": "Igjen", "confirm": "yes"}).status_code == 409
    listing = client.get(f"/organisations/{cast.org.id}/certificates")
    assert "Withdrawn" in text(listing) and "no certificate in force" in text(listing)


@pytest.mark.parametrize("who, status", [
    ("lead", 403), ("co", 403), ("leader", 403), ("org_admin", 403), ("staff", 403),
    ("other_revisor", 404), ("outsider", 404),
])
def test_only_a_coordinator_withdraws(client, auth, cast, make_user, who, status):
    _review, cert = _approve(cast)
    user = {"staff": cast.staff[0], "outsider": make_user(name="Ute")}.get(who) or getattr(cast, who)
    auth.login(user)
    assert client.get(f"/certificates/{cert.id}/withdraw").status_code == status
    before = snapshot()
    assert client.post(f"/certificates/{cert.id}/withdraw",
                       data={"reason": "Nei", "confirm": "yes"}).status_code == status
    assert snapshot() == before


def test_overview_partial_offers_the_decision_and_then_shows_it(app, cast):
    from flask import render_template
    from flask_login import login_user

    review = published_review(cast)
    with app.test_request_context():
        login_user(cast.coordinator)
        html = render_template("reviews/_overview_cert.html", review=review, roles={"coordinator"})
        assert f"/reviews/{review.id}/decision" in html
    with app.test_request_context():
        login_user(cast.leader)
        html = render_template("reviews/_overview_cert.html", review=review, roles={"leader"})
        assert f"/reviews/{review.id}/decision" not in html
    cert = certification.decide(cast.coordinator, review, "approved", TODAY)
    db.session.commit()
    with app.test_request_context():
        login_user(cast.leader)
        html = render_template("reviews/_overview_cert.html", review=review, roles={"leader"})
        assert f"/certificates/{cert.id}" in html and f"/reviews/{review.id}/decision" not in html


def test_a_follow_up_planned_row_shows_in_the_list(client, auth, cast):
    _review, cert = _approve(cast)
    follow_up = certification.follow_ups_of(cert)[0]
    follow_up.state = ReviewState.planned
    follow_up.visit_starts_on = follow_up.visit_ends_on = follow_up.due_on
    follow_up.revisors = [ReviewRevisor(user=cast.lead, role="lead", position=0)]
    db.session.commit()
    auth.login(cast.leader)
    in_english(client)
    body = text(client.get(f"/organisations/{cast.org.id}/certificates"))
    assert "planned" in body and "visit May 15, 2031" in body
    assert clock.today() == TODAY


# --- the state in Python and in SQL --------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from seqf.certificates import certificate_state  # noqa: E402


@pytest.fixture
def certificates_of_every_kind(cast):
    """Certificates ending around one date, one withdrawn, written directly (no decisions)."""
    review = published_review(cast)
    base = dt.date(2030, 6, 30)
    certs = []
    for offset in (-400, -91, -90, -89, -31, -30, -1, 0, 1, 29, 30, 89, 90, 91, 400):
        until = base + dt.timedelta(days=offset)
        other = make_review(cast.org, cast.lead, state=ReviewState.decided, decision=Decision.approved,
                            decided_on=until - dt.timedelta(days=1000)) if certs else review
        certs.append(Certificate(organisation_id=cast.org.id, review_id=other.id,
                                 valid_from=until - dt.timedelta(days=1095), valid_until=until))
    certs[3].withdrawn_at, certs[3].withdrawn_reason = clock.now(), "Avvik"
    db.session.add_all(certs)
    db.session.commit()
    return [c.id for c in certs]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(today=st.dates(min_value=dt.date(2028, 1, 1), max_value=dt.date(2032, 12, 31)))
def test_state_in_sql_agrees_with_python(certificates_of_every_kind, today):
    rows = db.session.execute(
        sa.select(Certificate, certification.state_expression(today))
        .where(Certificate.id.in_(certificates_of_every_kind))).all()
    assert len(rows) == len(certificates_of_every_kind)
    for cert, state in rows:
        assert state == certificate_state(cert.valid_until, cert.withdrawn_at is not None, today)
        assert state == certification.certificate_state(cert, today)


# --- two decisions at once -----------------------------------------------------------------------

def test_two_simultaneous_decisions_one_wins_the_other_gets_409(app, cast):
    from tests.factories import ApiHelper
    from tests.web.test_round_races import new_client, together

    for attempt in range(3):
        review = published_review(cast)
        rid = review.id
        callers = []
        for user in (cast.coordinator, cast.lead):
            client = new_client(app)
            callers.append((client, {"Authorization": f"Bearer {ApiHelper(client).token(user)}"}))

        def decide(index, decision, rid=rid, callers=callers):
            client, headers = callers[index]
            return lambda: client.post(f"/api/v1/reviews/{rid}/decision", headers=headers,
                                       json={"decision": decision, "decided_on": TODAY.isoformat()})

        results = together(app, decide(0, "approved"), decide(1, "not_approved"))
        assert sorted(r.status_code for r in results) == [200, 409], [r.get_json() for r in results]
        loser = next(r for r in results if r.status_code == 409).get_json()["error"]
        assert loser["code"] in ("already_decided", "locked", "conflict"), loser
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        stored = db.session.get(Review, rid)
        assert stored.decision == Decision("approved" if winner == 0 else "not_approved")
        assert count(Certificate, Certificate.review_id == rid) == (1 if winner == 0 else 0)
        assert count(Review, Review.certificate_id.in_(
            sa.select(Certificate.id).where(Certificate.review_id == rid))) == (2 if winner == 0 else 0)
        assert len(mail_to(f"review-decided:{rid}:")) == 4, attempt


# --- the PDF -------------------------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_certificate_pdf_is_one_page_with_the_facts_in_norwegian(client, auth, cast):
    _review, cert = _approve(cast)
    auth.login(cast.leader)
    response = client.get(f"/certificates/{cert.id}/certificate.pdf")
    assert response.status_code == 200
    assert f"certificate-SEQF-2030-{cert.id:04d}.pdf" in response.headers["Content-Disposition"]
    pages, body = _pdf_text(response.data)
    assert pages == 1
    assert "Jobbhuset AS" in body and "Sertifikat" in body
    assert "15. mai 2030" in body and "15. mai 2033" in body  # valid from / until
    assert "15. mai 2031" in body and "15. mai 2032" in body  # the follow-ups
    assert "Rita Revisor" in body and f"SEQF-2030-{cert.id:04d}" in body


def test_certificate_pdf_in_english_when_the_leaders_chose_english(client, auth, cast):
    cast.leader.language = cast.org_admin.language = "en"
    db.session.commit()
    _review, cert = _approve(cast)
    certification.withdraw(cast.coordinator, cert, "Tilbudet er lagt ned.")
    db.session.commit()
    auth.login(cast.coordinator)
    _pages, body = _pdf_text(client.get(f"/certificates/{cert.id}/certificate.pdf").data)
    assert "Certificate" in body and "May 15, 2033" in body and "Withdrawn" in body


def test_staff_reach_the_report_from_the_certificate_but_not_the_overview(client, auth, cast):
    review, cert = _approve(cast)
    auth.login(cast.staff[0])
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert f'href="/reviews/{review.id}/report"' in page and f'href="/reviews/{review.id}"' not in page
    assert client.get(f"/reviews/{review.id}/report").status_code == 200
    auth.logout()
    auth.login(cast.leader)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert f'href="/reviews/{review.id}"' in page
