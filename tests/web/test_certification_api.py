"""API: the certification decision, certificates, their PDF and withdrawal (shared/API.md,
"Reviews and certificates"): the documented shapes, every role, and refused input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Certificate, OutboxMessage, Review, ReviewKind, ReviewState
from seqf.services import certification
from tests.web.cert_helpers import freeze, published_review
from tests.web.helpers import count
from tests.web.review_helpers import make_review, review_cast

TODAY = dt.date(2030, 5, 15)


@pytest.fixture
def cast(make_org, make_user, monkeypatch):
    freeze(monkeypatch, TODAY)
    cast = review_cast(make_org, make_user)
    cast.outsider = make_user(name="Ute Utenfor")
    return cast


def who(cast, name):
    return cast.staff[0] if name == "staff" else getattr(cast, name)


def snapshot() -> tuple:
    db.session.expire_all()
    return (db.session.execute(sa.select(Review.id, Review.state, Review.decision).order_by(Review.id)).all(),
            db.session.execute(sa.select(Certificate.id, Certificate.withdrawn_at).order_by(Certificate.id)).all(),
            count(OutboxMessage))


def test_approval_answers_with_the_certificate_and_its_follow_ups(api, cast):
    review = published_review(cast)
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.lead,
                        json={"decision": "approved", "decided_on": TODAY.isoformat()})
    assert response.status_code == 200, response.get_json()
    cert = response.get_json()["certificate"]
    assert cert["valid_from"] == "2030-05-15" and cert["valid_until"] == "2033-05-15"
    assert cert["state"] == "active" and cert["recertification_due_on"] == "2033-02-14"
    assert [f["due_on"] for f in cert["follow_ups"]] == ["2031-05-15", "2032-05-15"]
    for follow_up in cert["follow_ups"]:
        stored = db.session.get(Review, follow_up["review_id"])
        assert stored.kind == ReviewKind.follow_up and stored.state == ReviewState.due
        assert follow_up["state"] == "due"

    listing = api.get(f"/api/v1/organisations/{cast.org.id}/certificates", user=cast.leader)
    assert listing.status_code == 200
    assert [(c["id"], c["state"]) for c in listing.get_json()] == [(cert["id"], "active")]
    assert api.get(f"/api/v1/certificates/{cert['id']}", user=cast.staff[0]).get_json() == cert


def test_not_approved_answers_null(api, cast):
    review = published_review(cast)
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator,
                        json={"decision": "not_approved", "decided_on": TODAY.isoformat()})
    assert response.status_code == 200 and response.get_json() == {"certificate": None}
    again = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator,
                     json={"decision": "approved", "decided_on": TODAY.isoformat()})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_decided"
    assert count(Certificate) == 0


def test_decision_on_an_unpublished_review_is_409(api, cast):
    review = make_review(cast.org, cast.lead, state=ReviewState.comment_round)
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator,
                        json={"decision": "approved", "decided_on": TODAY.isoformat()})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_published"


def test_a_follow_up_takes_no_decision(api, cast):
    review = published_review(cast, kind=ReviewKind.follow_up)
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator,
                        json={"decision": "approved", "decided_on": TODAY.isoformat()})
    assert response.status_code == 409


@pytest.mark.parametrize("body, status", [
    ({"decision": "approved", "decided_on": "2030-05-16"}, 422),  # future
    ({"decision": "approved", "decided_on": "2030-05-01"}, 422),  # before publication
    ({"decision": "yes", "decided_on": "2030-05-15"}, 422),
    ({"decision": "approved"}, 422),
    ({"decided_on": "2030-05-15"}, 422),
    ({"decision": "approved", "decided_on": "15.05.2030"}, 422),
    ({"decision": "approved", "decided_on": 20300515}, 422),
    ({"decision": "approved", "decided_on": "2030-02-30"}, 422),
    ({"decision": "approved", "decided_on": "2030-05-15", "extra": 1}, 422),
    ([], 422),
])
def test_bad_decision_bodies_change_nothing(api, cast, body, status):
    review = published_review(cast)
    before = snapshot()
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator, json=body)
    assert response.status_code == status, response.get_json()
    assert "error" in response.get_json()
    assert snapshot() == before


def test_malformed_json_is_400(api, cast):
    review = published_review(cast)
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=cast.coordinator, data="{",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize("name, status", [
    ("co", 403), ("leader", 403), ("org_admin", 403), ("staff", 403), ("other_revisor", 404), ("outsider", 404),
])
def test_decision_refused_for_other_roles(api, cast, name, status):
    review = published_review(cast)
    before = snapshot()
    response = api.post(f"/api/v1/reviews/{review.id}/decision", user=who(cast, name),
                        json={"decision": "approved", "decided_on": TODAY.isoformat()})
    assert response.status_code == status
    assert snapshot() == before
    assert api.post("/api/v1/reviews/999999/decision", user=cast.coordinator,
                    json={"decision": "approved", "decided_on": TODAY.isoformat()}).status_code == 404


def test_unauthenticated_is_401(client, cast):
    review = published_review(cast)
    assert client.post(f"/api/v1/reviews/{review.id}/decision",
                       json={"decision": "approved", "decided_on": TODAY.isoformat()}).status_code == 401
    assert client.get(f"/api/v1/organisations/{cast.org.id}/certificates").status_code == 401


def _approved(cast):
    review = published_review(cast)
    cert = certification.decide(cast.coordinator, review, "approved", TODAY)
    db.session.commit()
    return cert


@pytest.mark.parametrize("name, certificate_status, list_status", [
    ("coordinator", 200, 200), ("leader", 200, 200), ("org_admin", 200, 200), ("staff", 200, 200),
    ("lead", 200, 404), ("co", 200, 404), ("other_revisor", 404, 404), ("outsider", 404, 404),
])
def test_who_reads_certificates(api, cast, name, certificate_status, list_status):
    cert = _approved(cast)
    user = who(cast, name)
    assert api.get(f"/api/v1/certificates/{cert.id}", user=user).status_code == certificate_status
    pdf = api.get(f"/api/v1/certificates/{cert.id}/certificate.pdf", user=user)
    assert pdf.status_code == certificate_status
    if certificate_status == 200:
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert api.get(f"/api/v1/organisations/{cast.org.id}/certificates", user=user).status_code == list_status
    assert api.get("/api/v1/certificates/999999", user=user).status_code == 404


def test_withdraw(api, cast):
    cert = _approved(cast)
    url = f"/api/v1/certificates/{cert.id}/withdraw"
    before = snapshot()
    for body in ({"reason": ""}, {"reason": "   "}, {}, {"reason": 5}, {"reason": "x" * 4001}):
        assert api.post(url, user=cast.coordinator, json=body).status_code == 422
    for name, status in (("lead", 403), ("leader", 403), ("staff", 403), ("other_revisor", 404),
                         ("outsider", 404)):
        assert api.post(url, user=who(cast, name), json={"reason": "Nei"}).status_code == status
    assert snapshot() == before

    response = api.post(url, user=cast.coordinator, json={"reason": "Tilbudet er lagt ned."})
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "withdrawn" and body["withdrawn_reason"] == "Tilbudet er lagt ned."
    assert body["withdrawn_at"].endswith("Z")
    again = api.post(url, user=cast.coordinator, json={"reason": "Igjen"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_withdrawn"
    listing = api.get(f"/api/v1/organisations/{cast.org.id}/certificates", user=cast.leader).get_json()
    assert listing[0]["state"] == "withdrawn"


def test_states_in_the_listing_follow_the_dates(api, cast, monkeypatch):
    cert = _approved(cast)
    url = f"/api/v1/organisations/{cast.org.id}/certificates"
    for day, state in ((dt.date(2033, 2, 13), "active"), (dt.date(2033, 2, 14), "expiring"),
                       (dt.date(2033, 5, 15), "expiring"), (dt.date(2033, 5, 16), "expired")):
        freeze(monkeypatch, day)
        assert api.get(url, user=cast.leader).get_json()[0]["state"] == state, day
    assert cert.valid_until == dt.date(2033, 5, 15)


def test_operations_are_in_the_openapi_document(api, cast):
    spec = api.get("/api/v1/openapi.json").get_json()
    for path in ("/reviews/{review_id}/decision", "/organisations/{org}/certificates",
                 "/certificates/{certificate_id}", "/certificates/{certificate_id}/certificate.pdf",
                 "/certificates/{certificate_id}/withdraw"):
        assert any(p.endswith(path) for p in spec["paths"]), path
