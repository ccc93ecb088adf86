"""API of the pre-visit package and the visit agenda: shape, access for every role, rules, conflicts."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, VisitSlot
from tests.web.visit_helpers import WITHHELD_AREA, visit_world


@pytest.fixture
def world(app, make_org, make_user):
    with app.test_request_context():
        return visit_world(make_org, make_user)


def slot_body(world, **overrides):
    return {"day": world.review.visit_starts_on.isoformat(), "starts_at": "09:00", "ends_at": "10:00",
            "groups": ["management"], "topic": "Ledelse", **overrides}


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VisitSlot))


def test_package_shape(api, world):
    answer = api.get(f"/api/v1/reviews/{world.review.id}/package", user=world.co)
    assert answer.status_code == 200
    body = answer.get_json()
    from seqf.api.review_visit_schemas import PackageOut

    PackageOut.model_validate(body)  # the documented response schema holds for a full package
    assert set(body) >= {"self_assessment", "evidence", "previous_review", "action_plan"}
    assert body["action_plan"] == []
    areas = {a["area"]: a for a in body["self_assessment"]["areas"]}
    assert areas["1"]["staff_median"] == 3 and areas["1"]["score"] == 3
    withheld = areas[WITHHELD_AREA]
    assert withheld["withheld"] and withheld["staff_median"] is None and withheld["distribution"] is None
    assert {e["title"] for e in body["evidence"]} == {"Rutine for oppfølging", "Årsrapport 2025"}
    file = next(e for e in body["evidence"] if e["kind"] == "file")
    assert api.get(file["download"], user=world.co).data == b"Rapport om kvalitetsarbeidet\n"
    assert body["previous_review"]["report_version"] == 2


def test_package_zip(api, world):
    answer = api.get(f"/api/v1/reviews/{world.review.id}/package.zip", user=world.lead)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "README.txt" in zipfile.ZipFile(io.BytesIO(answer.data)).namelist()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "review.package_downloaded")) == 1


@pytest.mark.parametrize("who", ["coordinator", "other_revisor", "leader", "org_admin", "staff", "other_leader"])
def test_everyone_but_the_revisors_gets_404(api, world, who):
    person = world.staff[0] if who == "staff" else getattr(world, who)
    rid = world.review.id
    slot = api.post(f"/api/v1/reviews/{rid}/agenda", user=world.lead, json=slot_body(world)).get_json()
    before = count()
    for method, path, body in (
            ("get", f"/api/v1/reviews/{rid}/package", None), ("get", f"/api/v1/reviews/{rid}/package.zip", None),
            ("get", f"/api/v1/reviews/{rid}/package/evidence/{world.file.id}", None),
            ("get", f"/api/v1/reviews/{rid}/agenda", None),
            ("post", f"/api/v1/reviews/{rid}/agenda", slot_body(world)),
            ("patch", f"/api/v1/visit-slots/{slot['id']}", {"topic": "x"}),
            ("delete", f"/api/v1/visit-slots/{slot['id']}", None),
            ("get", f"/api/v1/visit-slots/{slot['id']}/note", None),
            ("put", f"/api/v1/visit-slots/{slot['id']}/note", {"text": "x", "version": 1})):
        kwargs = {"json": body} if body is not None else {}
        answer = getattr(api, method)(path, user=person, **kwargs)
        assert answer.status_code == 404, (method, path)
        assert answer.get_json()["error"]["code"] == "not_found"
    assert count() == before
    assert db.session.get(VisitSlot, slot["id"]).note == ""


def test_agenda_crud_and_note_conflict(api, world):
    rid = world.review.id
    created = api.post(f"/api/v1/reviews/{rid}/agenda", user=world.lead,
                       json=slot_body(world, groups=["participants"], programme="IPS"))
    assert created.status_code == 201
    slot = created.get_json()
    assert slot["groups"] == ["participants"] and slot["programme"] == "IPS" and slot["starts_at"] == "09:00"
    second = api.post(f"/api/v1/reviews/{rid}/agenda", user=world.co,
                      json=slot_body(world, starts_at="09:30", ends_at="10:30", groups=["nav"])).get_json()
    listed = api.get(f"/api/v1/reviews/{rid}/agenda", user=world.co).get_json()
    from seqf.api.review_visit_schemas import VisitNoteOut, VisitSlotOut

    for entry in listed:
        VisitSlotOut.model_validate(entry)
    assert [s["id"] for s in listed] == [slot["id"], second["id"]] and listed[0]["overlaps"] == [second["id"]]
    patched = api.patch(f"/api/v1/visit-slots/{slot['id']}", user=world.co, json={"topic": "Jobbsøk"})
    assert patched.status_code == 200 and patched.get_json()["topic"] == "Jobbsøk"
    note = f"/api/v1/visit-slots/{slot['id']}/note"
    assert api.get(note, user=world.lead).get_json() == {"slot_id": slot["id"], "text": "", "version": 1,
                                                         "updated_at": None}
    saved = api.put(note, user=world.lead, json={"text": "Fra nettbrettet", "version": 1})
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    VisitNoteOut.model_validate(saved.get_json())
    stale = api.put(note, user=world.co, json={"text": "Fra telefonen", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and error["current"] == {"text": "Fra nettbrettet", "version": 2}
    assert api.get(note, user=world.co).get_json()["text"] == "Fra nettbrettet"
    assert api.delete(f"/api/v1/visit-slots/{slot['id']}", user=world.co).status_code == 204
    assert count() == 1


@pytest.mark.parametrize("bad", [
    {"day": "2000-01-01"}, {"day": "31.12.2026"}, {"starts_at": "9"}, {"starts_at": "11:00"}, {"groups": ["ceo"]},
    {"groups": []}, {"programme": "IPS"}, {"topic": "x" * 201}, {"extra": 1}, {"starts_at": 900},
])
def test_bad_slot_bodies_are_422_and_change_nothing(api, world, bad):
    before = count()
    answer = api.post(f"/api/v1/reviews/{world.review.id}/agenda", user=world.lead, json=slot_body(world, **bad))
    assert answer.status_code == 422, answer.get_json()
    assert count() == before


def test_bad_patch_changes_nothing(api, world):
    slot = api.post(f"/api/v1/reviews/{world.review.id}/agenda", user=world.lead, json=slot_body(world)).get_json()
    answer = api.patch(f"/api/v1/visit-slots/{slot['id']}", user=world.lead, json={"ends_at": "08:00"})
    assert answer.status_code == 422 and "ends_at" in answer.get_json()["error"]["fields"]
    assert db.session.get(VisitSlot, slot["id"]).ends_at.strftime("%H:%M") == "10:00"


def test_unknown_review_and_slot_are_404(api, world):
    assert api.get("/api/v1/reviews/999999/package", user=world.lead).status_code == 404
    assert api.get("/api/v1/visit-slots/999999/note", user=world.lead).status_code == 404


@pytest.mark.parametrize("body", [
    {"text": "x" * 50_001, "version": 1}, {"text": "x"}, {"text": 5, "version": 1}, {"text": "x", "version": "1"},
    {"text": "x", "version": -1}, {"text": "a\x00b", "version": 1},
])
def test_bad_note_bodies_change_nothing(api, world, body):
    slot = api.post(f"/api/v1/reviews/{world.review.id}/agenda", user=world.lead, json=slot_body(world)).get_json()
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    answer = api.put(f"/api/v1/visit-slots/{slot['id']}/note", user=world.lead, json=body)
    assert answer.status_code == 422
    stored = db.session.get(VisitSlot, slot["id"])
    assert (stored.note, stored.note_version) == ("", 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_a_patch_with_an_older_version_is_refused(api, world):
    slot = api.post(f"/api/v1/reviews/{world.review.id}/agenda", user=world.lead, json={
        "day": world.review.visit_starts_on.isoformat(), "starts_at": "09:00", "ends_at": "10:00",
        "groups": ["staff"], "topic": "Medarbeiderne"}).get_json()
    first = api.patch(f"/api/v1/visit-slots/{slot['id']}", user=world.co,
                      json={"topic": "Jobbsøk", "version": slot["version"]})
    assert first.status_code == 200 and first.get_json()["version"] == slot["version"] + 1
    stale = api.patch(f"/api/v1/visit-slots/{slot['id']}", user=world.lead,
                      json={"topic": "Noe annet", "version": slot["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert api.get(f"/api/v1/reviews/{world.review.id}/agenda", user=world.lead).get_json()[0]["topic"] == "Jobbsøk"
