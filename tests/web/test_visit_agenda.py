"""The visit agenda: slot rules, who may plan and read, notes with stale-version conflicts, and a
note's text never reaching the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqf.extensions import db
from seqf.models import AuditEvent, ReviewState, VisitSlot
from seqf.services import visit_agenda
from seqf.services.errors import Conflict, Forbidden, RuleViolation
from seqf.services.visit_agenda import SlotData
from tests.web.review_helpers import make_review, review_cast

SECRET_NOTE = "Tydelig engasjert jobbspesialist; rutinen for oppfølging brukes"


@pytest.fixture
def cast(app, make_org, make_user):
    with app.test_request_context():
        c = review_cast(make_org, make_user)
        c.review = make_review(c.org, c.lead, co=[c.co], days=2)
        c.day1 = c.review.visit_starts_on
        yield c


def slot_data(day, start="09:00", end="10:00", groups=("management",), programme="", topic="Ledelse"):
    return SlotData(day=day, starts_at=dt.time.fromisoformat(start), ends_at=dt.time.fromisoformat(end),
                    groups=list(groups), programme=programme, topic=topic)


def count(model=VisitSlot) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audit_rows():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


# --- service rules -------------------------------------------------------------------------------

def test_add_a_slot_within_the_visit(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1, groups=("participants", "staff"),
                                                                   programme="IPS"))
    db.session.commit()
    assert slot.groups == ["staff", "participants"] and slot.programme == "IPS"
    assert audit_rows()[-1].action == "review.slot_added"


@pytest.mark.parametrize("change, field", [
    ({"day": -1}, "day"), ({"day": 5}, "day"), ({"start": "10:00", "end": "10:00"}, "ends_at"),
    ({"start": "11:00", "end": "10:00"}, "ends_at"), ({"groups": ("ceo",)}, "groups"), ({"groups": ()}, "groups"),
    ({"programme": "IPS"}, "programme"), ({"groups": ("participants",), "programme": "x" * 61}, "programme"),
    ({"topic": "x" * 201}, "topic"),
])
def test_bad_slots_are_refused_and_change_nothing(cast, change, field):
    kwargs = dict(change)
    day = cast.day1 + dt.timedelta(days=kwargs.pop("day", 0))
    before = count(), len(audit_rows())
    with pytest.raises(RuleViolation) as caught:
        visit_agenda.add_slot(cast.lead, cast.review, slot_data(day, **kwargs))
    db.session.rollback()
    assert field in caught.value.fields
    assert (count(), len(audit_rows())) == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(-3, 4), start=st.integers(0, 23 * 60 + 58), length=st.integers(-60, 180))
def test_a_slot_is_stored_exactly_when_the_rules_hold(cast, offset, start, length):
    day = cast.day1 + dt.timedelta(days=offset)
    end = start + length
    starts = dt.time(start // 60, start % 60)
    ends = dt.time(min(end, 23 * 60 + 59) // 60, min(end, 23 * 60 + 59) % 60) if end >= 0 else dt.time(0, 0)
    valid = 0 <= offset <= 1 and ends > starts
    try:
        visit_agenda.add_slot(cast.lead, cast.review, SlotData(day, starts, ends, ["board"]))
        stored = True
    except RuleViolation:
        stored = False
    db.session.rollback()
    assert stored == valid


def test_overlapping_slots_are_allowed_and_reported(cast):
    a = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1, "09:00", "10:00"))
    b = visit_agenda.add_slot(cast.co, cast.review, slot_data(cast.day1, "09:30", "11:00", groups=("nav",)))
    c = visit_agenda.add_slot(cast.co, cast.review, slot_data(cast.day1, "10:00", "11:00", groups=("board",)))
    slots = visit_agenda.slots_of(cast.review)
    assert visit_agenda.overlaps(a, slots) == [b]
    assert set(visit_agenda.overlaps(b, slots)) == {a, c}


def test_only_assigned_revisors_edit_the_agenda(cast):
    for person in (cast.coordinator, cast.leader, cast.other_revisor, cast.staff[0]):
        with pytest.raises(Forbidden):
            visit_agenda.add_slot(person, cast.review, slot_data(cast.day1))
        db.session.rollback()
    assert count() == 0


@pytest.mark.parametrize("state", [ReviewState.published, ReviewState.decided])
def test_the_agenda_is_read_only_after_the_comment_round(cast, state):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    db.session.commit()
    cast.review.state = state
    db.session.commit()
    for call in (lambda: visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1)),
                 lambda: visit_agenda.update_slot(cast.lead, slot, slot_data(cast.day1, "08:00", "09:00")),
                 lambda: visit_agenda.delete_slot(cast.lead, slot),
                 lambda: visit_agenda.save_note(cast.lead, slot, "x", slot.note_version)):
        with pytest.raises(Conflict):
            call()
        db.session.rollback()
    assert count() == 1


def test_stale_note_is_refused_with_the_current_text(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    visit_agenda.save_note(cast.lead, slot, "Fra nettbrettet", 1)
    db.session.commit()
    assert slot.note_version == 2
    with pytest.raises(visit_agenda.StaleNote) as caught:
        visit_agenda.save_note(cast.co, slot, "Fra telefonen", 1)
    db.session.rollback()
    assert caught.value.current_text == "Fra nettbrettet" and caught.value.current_version == 2
    assert caught.value.status == 409 and caught.value.code == "stale_version"
    assert db.session.get(VisitSlot, slot.id).note == "Fra nettbrettet"


def test_note_text_never_reaches_the_audit_log(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    visit_agenda.save_note(cast.lead, slot, SECRET_NOTE, 1)
    visit_agenda.save_note(cast.co, slot, SECRET_NOTE + " (co)", 2)
    db.session.commit()
    events = [e for e in audit_rows() if e.action == "review.note_saved"]
    assert len(events) == 2
    for event in audit_rows():
        assert "jobbspesialist" not in (event.summary + repr(event.data))


def test_autosaves_by_one_writer_are_audited_once_a_quarter_hour(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    for version, text in enumerate(["a", "ab", "abc"], start=1):
        visit_agenda.save_note(cast.lead, slot, text, version)
    db.session.commit()
    assert len([e for e in audit_rows() if e.action == "review.note_saved"]) == 1


def test_update_and_delete_are_audited(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    visit_agenda.update_slot(cast.co, slot, slot_data(cast.day1 + dt.timedelta(days=1), "13:00", "14:00",
                                                      groups=("employers",)))
    visit_agenda.delete_slot(cast.lead, slot)
    db.session.commit()
    assert [e.action for e in audit_rows()][-3:] == ["review.slot_added", "review.slot_updated", "review.slot_deleted"]
    assert count() == 0


# --- pages ---------------------------------------------------------------------------------------

def form(day, start="09:00", end="10:00", groups=("management",), programme="", topic="Ledelse"):
    return {"day": day.isoformat(), "starts_at": start, "ends_at": end, "groups": list(groups),
            "programme": programme, "topic": topic}


def test_revisor_plans_the_agenda_through_the_pages(client, auth, cast):
    auth.login(cast.co)
    rid = cast.review.id
    page = client.get(f"/reviews/{rid}/agenda")
    assert page.status_code == 200 and f'action="/reviews/{rid}/agenda"' in page.get_data(as_text=True)
    answer = client.post(f"/reviews/{rid}/agenda", data=form(cast.day1, groups=("participants",), programme="IPS"))
    assert answer.status_code == 302
    slot = db.session.scalars(sa.select(VisitSlot)).one()
    assert slot.programme == "IPS"
    assert client.post(f"/reviews/{rid}/agenda/{slot.id}/edit",
                       data=form(cast.day1, "13:00", "14:30")).status_code == 302
    db.session.refresh(slot)
    assert slot.starts_at == dt.time(13, 0) and slot.programme == ""
    confirm = client.get(f"/reviews/{rid}/agenda/{slot.id}/delete")
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    assert client.post(f"/reviews/{rid}/agenda/{slot.id}/delete", data={}).status_code == 200  # asks first
    assert count() == 1
    assert client.post(f"/reviews/{rid}/agenda/{slot.id}/delete", data={"confirm": "yes"}).status_code == 302
    assert count() == 0


@pytest.mark.parametrize("bad", [
    {"day": "2000-01-01"}, {"starts_at": "11:00"}, {"groups": ["ceo"]}, {"groups": []}, {"starts_at": "nonsense"},
    {"programme": "IPS"}, {"day": "not-a-date"},
])
def test_bad_slot_input_rerenders_and_changes_nothing(client, auth, cast, bad):
    auth.login(cast.lead)
    data = {**form(cast.day1), **bad}
    before = count(), len(audit_rows())
    answer = client.post(f"/reviews/{cast.review.id}/agenda", data=data)
    assert answer.status_code == 422
    assert (count(), len(audit_rows())) == before


def test_note_page_saves_without_js_and_answers_json_for_autosave(client, auth, cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    db.session.commit()
    auth.login(cast.lead)
    url = f"/reviews/{cast.review.id}/agenda/{slot.id}/note"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "visit-note.js" in html and 'name="version" value="1"' in html
    assert client.post(url, data={"text": "Første notat", "version": "1"}).status_code == 302
    auto = client.post(url, data={"text": "Første notat, mer", "version": "2"}, headers={"Accept": "application/json"})
    assert auto.status_code == 200 and auto.get_json()["version"] == 3
    stale = client.post(url, data={"text": "Fra telefonen", "version": "2"}, headers={"Accept": "application/json"})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version" and error["current_text"] == "Første notat, mer"
    assert error["current_version"] == 3
    # without JS: both texts on the page, nothing lost, the next Save keeps the typed text
    page = client.post(url, data={"text": "Fra telefonen", "version": "2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "Første notat, mer" in html and "Fra telefonen" in html
    assert 'name="version" value="3"' in html
    assert db.session.get(VisitSlot, slot.id).note == "Første notat, mer"


@pytest.mark.parametrize("who", ["coordinator", "other_revisor", "leader", "org_admin", "staff"])
def test_agenda_and_notes_are_404_for_everyone_but_the_revisors(client, auth, cast, who):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    visit_agenda.save_note(cast.lead, slot, SECRET_NOTE, 1)
    db.session.commit()
    auth.login(cast.staff[0] if who == "staff" else getattr(cast, who))
    rid = cast.review.id
    before = count(), db.session.get(VisitSlot, slot.id).note
    for path in (f"/reviews/{rid}/agenda", f"/reviews/{rid}/agenda/{slot.id}/note",
                 f"/reviews/{rid}/agenda/{slot.id}/edit", f"/reviews/{rid}/agenda/{slot.id}/delete"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={**form(cast.day1), "text": "overskrevet", "version": "2",
                                       "confirm": "yes"}).status_code == 404, path
    db.session.expire_all()
    assert (count(), db.session.get(VisitSlot, slot.id).note) == before


def test_a_slot_of_another_review_is_404(client, auth, cast):
    other = make_review(cast.org, cast.other_revisor)
    slot = visit_agenda.add_slot(cast.other_revisor, other, slot_data(other.visit_starts_on))
    db.session.commit()
    auth.login(cast.lead)
    assert client.get(f"/reviews/{cast.review.id}/agenda/{slot.id}/note").status_code == 404


def test_after_publication_the_note_page_is_read_only(client, auth, cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    visit_agenda.save_note(cast.lead, slot, SECRET_NOTE, 1)
    cast.review.state = ReviewState.published
    db.session.commit()
    auth.login(cast.co)
    url = f"/reviews/{cast.review.id}/agenda/{slot.id}/note"
    html = client.get(url).get_data(as_text=True)
    assert SECRET_NOTE in html and "readonly" in html and "visit-note.js" not in html
    assert client.post(url, data={"text": "endret", "version": "2"}).status_code == 409
    assert db.session.get(VisitSlot, slot.id).note == SECRET_NOTE
    assert client.get(f"/reviews/{cast.review.id}/agenda/{slot.id}/edit").status_code == 409


def test_an_overlong_note_is_refused_on_the_page_and_nothing_changes(client, auth, cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    db.session.commit()
    auth.login(cast.lead)
    url = f"/reviews/{cast.review.id}/agenda/{slot.id}/note"
    page = client.post(url, data={"text": "x" * (visit_agenda.NOTE_MAX + 1), "version": "1"})
    assert page.status_code == 422
    auto = client.post(url, data={"text": "x" * (visit_agenda.NOTE_MAX + 1), "version": "1"},
                       headers={"Accept": "application/json"})
    assert auto.status_code == 422 and auto.get_json()["error"]["code"] == "validation_failed"
    assert client.post(url, data={"text": "uten token", "version": "1"}, csrf=False).status_code == 400
    db.session.expire_all()
    stored = db.session.get(VisitSlot, slot.id)
    assert (stored.note, stored.note_version) == ("", 1)


# --- two revisors change the same slot -----------------------------------------------------------

def test_a_slot_change_from_an_older_page_is_refused_and_changes_nothing(cast):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    db.session.commit()
    read = slot.version
    visit_agenda.update_slot(cast.co, slot, slot_data(cast.day1, topic="Ledelse og styre"), read)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        visit_agenda.update_slot(cast.lead, slot, slot_data(cast.day1, start="13:00", end="14:00"), read)
    db.session.rollback()
    assert refused.value.code == "stale_version"
    db.session.refresh(slot)
    assert (slot.topic, slot.starts_at, slot.version) == ("Ledelse og styre", dt.time(9), read + 1)


def test_the_edit_page_carries_the_version_and_refuses_a_stale_save(cast, client, auth):
    slot = visit_agenda.add_slot(cast.lead, cast.review, slot_data(cast.day1))
    db.session.commit()
    path = f"/reviews/{cast.review.id}/agenda/{slot.id}/edit"
    auth.login(cast.lead)
    assert f'name="version" type="hidden" value="{slot.version}"' in client.get(path).get_data(as_text=True)
    form = {"day": cast.day1.isoformat(), "starts_at": "09:00", "ends_at": "10:00", "groups": ["staff"],
            "topic": "Medarbeiderne", "version": str(slot.version)}
    assert client.post(path, data=form).status_code == 302
    stale = client.post(path, data={**form, "topic": "Noe annet"})
    assert stale.status_code == 409
    db.session.refresh(slot)
    assert slot.topic == "Medarbeiderne"
