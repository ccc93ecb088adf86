"""Concurrent writes beyond the round itself: evidence edits and new file versions, organisation
members and invitations, reminders and ``seqf tick``.

Same pattern as ``test_round_races``: two real clients, each in its own thread with its own test
client, application context and database session, released together by a barrier. Every race
ends in a defined answer (one wins, the other gets 409 with the current state, or both are applied
one after the other), never a 500 and never a silent overwrite.
"""

# ruff: noqa: B023

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Evidence, EvidenceFile, MemberRole, Membership, OneTimeToken, OutboxMessage, TokenPurpose
from seqf.services import evidence as evidence_service
from tests.evidence_files import PDF
from tests.web.round_helpers import deadline, open_round
from tests.web.test_round_races import logged_in, statuses, together, token_for

REPEAT = 3


@pytest.fixture
def team(make_org, make_user):
    org = make_org(name="Samtidig AS")
    return SimpleNamespace(
        org=org,
        admins=[make_user(org=org, member_role="org_admin", name=f"Admin {i}", language="en") for i in range(2)],
        leaders=[make_user(org=org, member_role="leader", name=f"Leder {i}", language="en") for i in range(2)],
        staff=[make_user(org=org, member_role="staff", name=f"Ansatt {i}", language="en") for i in range(3)],
    )


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


# --- evidence ------------------------------------------------------------------------------------

def test_two_tabs_editing_evidence_one_wins_the_other_sees_both_versions(app, team):
    item = evidence_service.add_link_evidence(team.staff[0], team.org, title="Rutine", url="https://example.no/r",
                                              tags=["5"])
    db.session.commit()
    eid, org_id = item.id, team.org.id
    tabs = [logged_in(app, team.staff[0]), logged_in(app, team.staff[1])]
    for attempt in range(REPEAT):
        revision = evidence_service.edit_revision(fresh(Evidence, eid))
        titles = [f"Tittel A {attempt}", f"Tittel B {attempt}"]
        descriptions = [f"Skrevet i fane A {attempt}", f"Skrevet i fane B {attempt}"]
        results = together(app, *[
            (lambda i=i: tabs[i].post(f"/organisations/{org_id}/evidence/{eid}/edit", data={
                "title": titles[i], "description": descriptions[i], "url": "https://example.no/r",
                "tags": ["5", f"{i + 1}.2"], "revision": revision}))
            for i in range(2)])
        assert statuses(results) == [302, 409], [r.status_code for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 302)
        page = results[1 - winner].get_data(as_text=True)
        assert "Changed in another window" in page
        assert titles[winner] in page and descriptions[winner] in page  # theirs, as stored
        assert descriptions[1 - winner] in page  # mine, kept in the form
        stored = fresh(Evidence, eid)
        assert stored.title == titles[winner] and stored.description == descriptions[winner]
        assert f'value="{evidence_service.edit_revision(stored)}"' in page  # saving again is deliberate


def test_two_api_edits_of_evidence_one_wins_the_other_gets_409_with_the_current_state(app, team):
    item = evidence_service.add_link_evidence(team.staff[0], team.org, title="Rutine", url="https://example.no/r")
    db.session.commit()
    eid = item.id
    callers = [token_for(app, team.staff[0]), token_for(app, team.leaders[0])]
    for attempt in range(REPEAT):
        revision = evidence_service.edit_revision(fresh(Evidence, eid))
        results = together(app, *[
            (lambda i=i: callers[i].client.patch(f"/api/v1/evidence/{eid}", headers=callers[i].headers, json={
                "description": f"klient {i} {attempt}", "revision": revision}))
            for i in range(2)])
        assert statuses(results) == [200, 409], [r.get_json() for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        error = results[1 - winner].get_json()["error"]
        assert error["code"] == "stale_version"
        assert error["current"]["description"] == f"klient {winner} {attempt}"
        assert error["current"]["revision"] == results[winner].get_json()["revision"]
        assert fresh(Evidence, eid).description == f"klient {winner} {attempt}"


def test_api_edit_without_a_revision_is_applied_as_before(app, team, api):
    item = evidence_service.add_link_evidence(team.staff[0], team.org, title="Rutine", url="https://example.no/r")
    db.session.commit()
    first = api.get(f"/api/v1/evidence/{item.id}", team.staff[0]).get_json()
    assert len(first["revision"]) == 16
    changed = api.patch(f"/api/v1/evidence/{item.id}", team.staff[0], json={"title": "Ny tittel"})
    assert changed.status_code == 200 and changed.get_json()["revision"] != first["revision"]
    stale = api.patch(f"/api/v1/evidence/{item.id}", team.staff[0],
                      json={"title": "Gammel", "revision": first["revision"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["current"]["title"] == "Ny tittel"


def test_two_new_versions_uploaded_at_once_get_distinct_numbers(app, team):
    item = evidence_service.add_file_evidence(team.staff[0], team.org, title="Rutine", filename="r.pdf", data=PDF)
    db.session.commit()
    eid = item.id
    callers = [token_for(app, team.staff[0]), token_for(app, team.staff[1])]
    for _attempt in range(REPEAT):
        results = together(app, *[
            (lambda i=i: callers[i].client.post(
                f"/api/v1/evidence/{eid}/file", headers=callers[i].headers,
                data={"file": (__import__("io").BytesIO(PDF + f"% {i}\n".encode()), f"v{i}.pdf")},
                content_type="multipart/form-data"))
            for i in range(2)])
        assert statuses(results) == [201, 201], [r.get_json() for r in results]
        assert sorted(r.get_json()["version"] for r in results) == [max(r.get_json()["version"] for r in results) - 1,
                                                                   max(r.get_json()["version"] for r in results)]
    versions = db.session.scalars(sa.select(EvidenceFile.version).where(EvidenceFile.evidence_id == eid)).all()
    assert sorted(versions) == list(range(1, 2 * REPEAT + 2))


def test_archived_twice_at_once_is_archived_once(app, team):
    item = evidence_service.add_link_evidence(team.staff[0], team.org, title="Rutine", url="https://example.no/r")
    db.session.commit()
    eid, org_id = item.id, team.org.id
    tabs = [logged_in(app, team.staff[0]), logged_in(app, team.staff[1])]
    results = together(app, *[(lambda t=t: t.post(f"/organisations/{org_id}/evidence/{eid}/archive")) for t in tabs])
    assert statuses(results) == [302, 303]
    assert fresh(Evidence, eid).archived
    from seqf.models import AuditEvent

    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "evidence.archived", AuditEvent.object_id == eid)) == 1


# --- members and invitations ---------------------------------------------------------------------

def admin_count(org_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.organisation_id == org_id, Membership.role == MemberRole.org_admin))


def test_two_org_admins_demoting_themselves_at_once_leave_one(app, team):
    org_id = team.org.id
    for _attempt in range(REPEAT):
        ids = [db.session.scalar(sa.select(Membership.id).where(Membership.user_id == a.id,
                                                                  Membership.organisation_id == org_id))
               for a in team.admins]
        clients = [logged_in(app, a) for a in team.admins]
        results = together(app, *[
            (lambda i=i: clients[i].post(f"/organisations/{org_id}/members/{ids[i]}/role", data={"role": "leader"}))
            for i in range(2)])
        assert statuses(results) == [302, 303], [r.status_code for r in results]
        assert admin_count(org_id) == 1
        # put the demoted one back for the next round of the race
        demoted = db.session.scalar(sa.select(Membership).where(Membership.id.in_(ids),
                                                                Membership.role == MemberRole.leader))
        demoted.role = MemberRole.org_admin
        db.session.commit()


def test_two_org_admins_removing_each_other_at_once_leave_one(app, team):
    org_id = team.org.id
    ids = [db.session.scalar(sa.select(Membership.id).where(Membership.user_id == a.id,
                                                              Membership.organisation_id == org_id))
           for a in team.admins]
    clients = [logged_in(app, a) for a in team.admins]
    results = together(app, *[
        (lambda i=i: clients[i].post(f"/organisations/{org_id}/members/{ids[1 - i]}/remove",
                                     data={"confirm": "yes"}))
        for i in range(2)])
    assert all(r.status_code < 500 for r in results), [r.status_code for r in results]
    assert admin_count(org_id) == 1


def test_the_same_address_invited_twice_at_once_has_one_pending_invitation(app, team):
    org_id = team.org.id
    callers = [token_for(app, team.admins[0]), token_for(app, team.admins[1])]
    for attempt in range(REPEAT):
        email = f"ny{attempt}@example.no"
        results = together(app, *[
            (lambda c=c: c.client.post(f"/api/v1/organisations/{org_id}/invitations", headers=c.headers,
                                       json={"email": email, "role": "staff"}))
            for c in callers])
        assert statuses(results) == [201, 201], [r.get_json() for r in results]
        pending = db.session.scalars(sa.select(OneTimeToken).where(
            OneTimeToken.purpose == TokenPurpose.invitation, OneTimeToken.email == email,
            OneTimeToken.revoked_at.is_(None))).all()
        assert len(pending) == 1  # the later one replaced the earlier


# --- reminders and tick --------------------------------------------------------------------------

def test_reminder_now_double_click_mails_each_person_once(app, team):
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    clients = [logged_in(app, team.leaders[0]), logged_in(app, team.leaders[1])]
    results = together(app, *[(lambda c=c: c.post(f"/rounds/{rid}/remind")) for c in clients])
    assert statuses(results) == [302, 302]
    keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like(f"round-remind-now:{rid}:%"))).all()
    assert len(keys) == len(set(keys)) == len(team.leaders) + len(team.staff)


def test_two_ticks_at_once_on_postgresql_queue_each_reminder_once(app, team, backend):
    if backend != "postgresql":
        pytest.skip("SQLite is for one machine; the advisory lock is PostgreSQL's")
    from seqf import ticks

    open_round(team.leaders[0], team.org, days=2)

    def tick():
        with app.app_context():
            counts = ticks.run_all()
            db.session.commit()
            db.session.remove()
            return counts

    results = together(app, tick, tick)
    assert sum(sum(c.values()) for c in results) == len(team.leaders) + len(team.staff)
    keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like("round-reminder:%"))).all()
    assert len(keys) == len(set(keys)) == len(team.leaders) + len(team.staff)


def test_threshold_changed_during_a_round_does_not_change_that_round(app, team, client, auth):
    round_ = open_round(team.leaders[0], team.org)
    auth.login(team.admins[0])
    response = client.post(f"/organisations/{team.org.id}/settings", data={"anonymity_threshold": "7"})
    assert response.status_code == 302
    db.session.expire_all()
    assert team.org.anonymity_threshold == 7 and round_.anonymity_threshold == 3
    later = open_round(team.leaders[0], team.org, title="Neste", days=20)
    assert later.anonymity_threshold == 7 and deadline(20) == later.closes_on


# --- own quality areas ---------------------------------------------------------------------------

def own_area_form(title: str, description: str, revision: str) -> dict:
    data = {"title": title, "description": description, "revision": revision}
    for level in range(1, 6):
        data[f"step_{level}-title"] = f"Trinn {level}"
        data[f"step_{level}-indicators"] = "Gjort\nMålt"
    return data


def test_two_tabs_editing_an_own_area_one_wins_the_other_sees_both_versions(app, team):
    from seqf.models import OwnArea
    from seqf.services import own_areas

    area = own_areas.create_own_area(team.leaders[0], team.org, title="IPS", description="",
                                     steps=[{"title": f"Trinn {n}", "indicators": ["Gjort"]} for n in range(1, 6)])
    db.session.commit()
    aid, org_id = area.id, team.org.id
    tabs = [logged_in(app, team.leaders[0]), logged_in(app, team.leaders[1])]
    for attempt in range(REPEAT):
        revision = own_areas.own_area_revision(fresh(OwnArea, aid))
        texts = [f"Fra fane A {attempt}", f"Fra fane B {attempt}"]
        results = together(app, *[
            (lambda i=i: tabs[i].post(f"/organisations/{org_id}/areas/{aid}/edit",
                                      data=own_area_form(f"IPS {i} {attempt}", texts[i], revision)))
            for i in range(2)])
        assert statuses(results) == [302, 409], [r.status_code for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 302)
        page = results[1 - winner].get_data(as_text=True)
        assert "Changed in another window" in page and texts[winner] in page and texts[1 - winner] in page
        stored = fresh(OwnArea, aid)
        assert stored.description == texts[winner]
        assert f'value="{own_areas.own_area_revision(stored)}"' in page


# --- delete racing the first answer; the last two consensus areas at once ------------------------

def test_delete_racing_the_first_answer_has_one_outcome(app, team):
    from seqf.models import AreaAssessment, Response, Round
    from tests.web.round_helpers import api_area

    outcomes = set()
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Feil {attempt}")
        rid = round_.id
        leader, saver = logged_in(app, team.leaders[0]), token_for(app, team.staff[0])
        delete, save = together(
            app,
            lambda: leader.post(f"/rounds/{rid}/delete"),
            lambda: saver.put(f"/api/v1/rounds/{rid}/my-response", json={"answers": [api_area("1", 1, version=0)]}),
        )
        assert delete.status_code < 500 and save.status_code < 500, (delete.status_code, save.status_code)
        gone = fresh(Round, rid) is None
        if gone:  # the delete won: the save was refused and left nothing behind
            assert delete.status_code == 302 and save.status_code in (404, 409)
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                                     .where(Response.round_id == rid)) == 0
        else:  # the answer won: the delete was refused and the answer is there
            assert save.status_code == 200 and delete.status_code == 409
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AreaAssessment).join(Response)
                                     .where(Response.round_id == rid)) == 1
        outcomes.add(gone)
    assert outcomes


def test_two_leaders_agreeing_the_last_areas_at_once_announce_the_results_once(app, team):
    from seqf.models import AuditEvent, Round
    from seqf.services import rounds as round_service
    from tests.web.round_helpers import answer, api_area

    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    for person in team.staff:
        answer(person, round_, {"1": 2})
    round_service.close_round(team.leaders[0], fresh(Round, rid))
    codes = [a["code"] for a in round_service.round_areas(fresh(Round, rid))]
    from seqf.services import assessments

    round_service.record_consensus(team.leaders[0], fresh(Round, rid), [
        assessments.AreaData(area=code, steps=[assessments.StepData(level=1, met=True, evidence_ids=[])],
                             justification="Enige") for code in codes[:-2]])
    db.session.commit()
    callers = [token_for(app, leader) for leader in team.leaders]
    results = together(app, *[
        (lambda i=i: callers[i].put(f"/api/v1/rounds/{rid}/consensus", json={
            "areas": [api_area(codes[-2 + i], 1, justification="Enige", version=0)]}))
        for i in range(2)])
    assert statuses(results) == [200, 200], [r.get_json() for r in results]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "round.results_ready", AuditEvent.object_id == rid)) == 1
    keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like(f"results-ready:{rid}:%"))).all()
    assert len(keys) == len(set(keys)) == len(team.leaders) + len(team.staff)
