"""Own quality areas: made in the page and the API, validated, permission-checked, audited, used by rounds."""

from __future__ import annotations

import pytest

from seqf.extensions import db
from seqf.models import AuditEvent, OwnArea
from seqf.services import instruments as instrument_service
from seqf.services import own_areas as service
from seqf.services.errors import Conflict, RuleViolation
from tests.web.helpers import count, location, text


def steps(indicators_per_step: int = 2) -> list[dict]:
    return [{"title": f"Step {n} title", "indicators": [f"Indicator {n}.{i}" for i in range(indicators_per_step)]}
            for n in range(1, 6)]


def form(title: str = "IPS fidelity", indicator_lines: str = "First indicator\n\nSecond indicator\n",
         **overrides) -> dict:
    data = {"title": title, "description": "Fidelity to the IPS model."}
    for n in range(1, 6):
        data[f"step_{n}-title"] = f"Step {n} title"
        data[f"step_{n}-indicators"] = indicator_lines
    return {**data, **overrides}


@pytest.fixture
def org(make_org):
    return make_org(name="Jobbvei AS")


@pytest.fixture
def leader(make_user, org):
    return make_user(org=org, member_role="leader", language="en")


def make_area(org, leader, title="IPS fidelity", **kwargs):
    area = service.create_own_area(leader, org, title=title, description="", steps=kwargs.get("steps") or steps())
    db.session.commit()
    return area


# --- the page ------------------------------------------------------------------------------------

def test_leader_adds_an_area_in_the_page(client, auth, org, leader):
    auth.login(leader)
    assert client.get(f"/organisations/{org.id}/areas/new").status_code == 200
    response = client.post(f"/organisations/{org.id}/areas/new", data=form())
    assert response.status_code == 302 and location(response) == f"/organisations/{org.id}/areas/"
    area = db.session.scalar(db.select(OwnArea))
    assert area.code == "E1" and area.title == "IPS fidelity" and area.active
    assert [s["level"] for s in area.steps] == [1, 2, 3, 4, 5]
    assert area.steps[2]["indicators"] == [{"code": "E1.3.a", "text": "First indicator"},
                                           {"code": "E1.3.b", "text": "Second indicator"}]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "own_area.created"))
    assert event.organisation_id == org.id and event.actor_id == leader.id and event.object_id == area.id
    page = text(client.get(f"/organisations/{org.id}/areas/"))
    assert "IPS fidelity" in page and "E1.3.b" in page and "Leadership" in page


@pytest.mark.parametrize("data, message", [
    (form(title=""), "This field is required."),
    (form(indicator_lines="\n".join(f"Indicator {i}" for i in range(7))), "1 to 6 key indicators"),
    (form(indicator_lines="x" * 501), "longer than 500"),
    (form(**{"step_4-title": ""}), "This field is required."),
])
def test_refused_input_is_422_and_stores_nothing(client, auth, org, leader, data, message):
    auth.login(leader)
    response = client.post(f"/organisations/{org.id}/areas/new", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert count(OwnArea) == 0
    assert count(AuditEvent, AuditEvent.action.like("own_area.%")) == 0


def test_leader_edits_and_deactivates(client, auth, org, leader):
    area = make_area(org, leader)
    auth.login(leader)
    page = text(client.get(f"/organisations/{org.id}/areas/{area.id}/edit"))
    assert "Indicator 1.0" in page
    response = client.post(f"/organisations/{org.id}/areas/{area.id}/edit",
                           data=form(title="IPS fidelity scale", indicator_lines="Only one"))
    assert response.status_code == 302
    db.session.expire_all()
    assert area.title == "IPS fidelity scale"
    assert area.steps[4]["indicators"] == [{"code": "E1.5.a", "text": "Only one"}]
    assert client.post(f"/organisations/{org.id}/areas/{area.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert not area.active
    assert client.post(f"/organisations/{org.id}/areas/{area.id}/reactivate").status_code == 302
    db.session.expire_all()
    assert area.active
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("own_area.%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["own_area.created", "own_area.updated", "own_area.deactivated", "own_area.reactivated"]


def test_editing_with_bad_input_changes_nothing(client, auth, org, leader):
    area = make_area(org, leader)
    auth.login(leader)
    response = client.post(f"/organisations/{org.id}/areas/{area.id}/edit",
                           data=form(indicator_lines="\n".join("abcdefgh")))
    assert response.status_code == 422
    db.session.expire_all()
    assert area.title == "IPS fidelity" and len(area.steps[0]["indicators"]) == 2
    assert count(AuditEvent, AuditEvent.action == "own_area.updated") == 0


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_members_read_but_do_not_edit(client, auth, make_user, org, leader, role):
    area = make_area(org, leader)
    auth.login(make_user(org=org, member_role=role, language="en"))
    page = client.get(f"/organisations/{org.id}/areas/")
    assert page.status_code == 200 and "IPS fidelity" in text(page)
    assert "Add an own area" not in text(page)
    assert client.get(f"/organisations/{org.id}/areas/new").status_code == 403
    assert client.post(f"/organisations/{org.id}/areas/new", data=form(title="Other")).status_code == 403
    assert client.post(f"/organisations/{org.id}/areas/{area.id}/edit", data=form()).status_code == 403
    assert client.post(f"/organisations/{org.id}/areas/{area.id}/deactivate").status_code == 403
    assert count(OwnArea) == 1


def test_org_admin_may_edit(client, auth, make_user, org):
    auth.login(make_user(org=org, member_role="org_admin"))
    assert client.post(f"/organisations/{org.id}/areas/new", data=form()).status_code == 302


def test_other_organisations_are_404(client, auth, make_user, make_org, org, leader):
    area = make_area(org, leader)
    other = make_org(name="Annen AS")
    outsider = make_user(org=other, member_role="leader")
    auth.login(outsider)
    assert client.get(f"/organisations/{org.id}/areas/").status_code == 404
    assert client.post(f"/organisations/{org.id}/areas/new", data=form()).status_code == 404
    # the area exists, but not in the outsider's organisation
    assert client.get(f"/organisations/{other.id}/areas/{area.id}/edit").status_code == 404
    assert client.post(f"/organisations/{other.id}/areas/{area.id}/deactivate").status_code == 404
    assert count(OwnArea) == 1


def test_the_submenu_links_the_page(client, auth, org, leader):
    auth.login(leader)
    assert f'href="/organisations/{org.id}/areas/"' in text(client.get(f"/organisations/{org.id}/"))


# --- the API -------------------------------------------------------------------------------------

def test_api_create_and_list(api, org, leader):
    response = api.post(f"/api/v1/organisations/{org.id}/own-areas", leader,
                        json={"title": "IPS fidelity", "steps": steps(3)})
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "E1" and body["own"] is True and body["active"] is True and body["description"] == ""
    assert body["steps"][1] == {"level": 2, "title": "Step 2 title", "indicators": [
        {"code": "E1.2.a", "text": "Indicator 2.0"}, {"code": "E1.2.b", "text": "Indicator 2.1"},
        {"code": "E1.2.c", "text": "Indicator 2.2"}]}
    listed = api.get(f"/api/v1/organisations/{org.id}/own-areas", leader).get_json()
    assert [a["code"] for a in listed] == ["E1"]
    assert count(AuditEvent, AuditEvent.action == "own_area.created") == 1


@pytest.mark.parametrize("body, field", [
    ({"title": "X", "steps": steps()[:4]}, "steps"),
    ({"title": "X", "steps": [*steps()[:4], {"title": "Five", "indicators": []}]}, "steps.4.indicators"),
    ({"title": "X", "steps": [*steps()[:4], {"title": "Five", "indicators": ["a"] * 7}]}, "steps.4.indicators"),
    ({"title": "X", "steps": [{"title": " ", "indicators": ["a"]}, *steps()[1:]]}, "steps.0.title"),
    ({"title": "   ", "steps": steps()}, "title"),
    ({"title": "X" * 161, "steps": steps()}, "title"),
    ({"title": "X", "steps": steps(), "colour": "red"}, "colour"),
    ({"title": "X"}, "steps"),
])
def test_api_refuses_bad_input(api, org, leader, body, field):
    response = api.post(f"/api/v1/organisations/{org.id}/own-areas", leader, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(OwnArea) == 0


def test_api_permissions(api, make_user, make_org, org, leader):
    staff = make_user(org=org, member_role="staff")
    outsider = make_user(org=make_org(name="Annen AS"), member_role="leader")
    path = f"/api/v1/organisations/{org.id}/own-areas"
    assert api.post(path, staff, json={"title": "X", "steps": steps()}).status_code == 403
    assert api.post(path, outsider, json={"title": "X", "steps": steps()}).status_code == 404
    assert api.get(path, outsider).status_code == 404
    assert api.get(path, staff).status_code == 200
    assert count(OwnArea) == 0


def test_instrument_with_the_organisations_own_areas(api, make_user, make_org, org, leader):
    make_area(org, leader)
    gone = make_area(org, leader, title="Old theme")
    service.deactivate_own_area(leader, gone)
    db.session.commit()
    body = api.get(f"/api/v1/instruments/seqf?organisation={org.id}&lang=en", leader).get_json()
    assert [a["code"] for a in body["areas"]] == [*map(str, range(1, 10)), "E1"]
    assert body["areas"][-1]["own"] is True and "own" not in body["areas"][0]
    outsider = make_user(org=make_org(name="Annen AS"), member_role="leader")
    assert api.get(f"/api/v1/instruments/seqf?organisation={org.id}", outsider).status_code == 404


# --- the service ---------------------------------------------------------------------------------

def test_codes_are_never_reused(app, org, leader):
    first = make_area(org, leader, title="A")
    service.deactivate_own_area(leader, first)
    second = make_area(org, leader, title="B")
    third = make_area(org, leader, title="A")
    assert (first.code, second.code, third.code) == ("E1", "E2", "E3")


def test_rules(app, org, leader):
    area = make_area(org, leader)
    with pytest.raises(RuleViolation) as exc:
        make_area(org, leader, title="ips FIDELITY")
    assert exc.value.code == "title_taken"
    service.deactivate_own_area(leader, area)
    with pytest.raises(Conflict):
        service.deactivate_own_area(leader, area)
    for n in range(service.MAX_ACTIVE):
        make_area(org, leader, title=f"Area {n}")
    with pytest.raises(RuleViolation) as exc:
        make_area(org, leader, title="One too many")
    assert exc.value.code == "own_area_limit"


def test_areas_for_round_has_one_shape_and_only_active_own_areas(app, org, leader):
    kept = make_area(org, leader, title="IPS fidelity")
    dropped = make_area(org, leader, title="Dropped")
    service.deactivate_own_area(leader, dropped)
    instrument = instrument_service.current_instrument("seqf")
    areas = instrument_service.areas_for_round(instrument, instrument_service.own_area_snapshot(org))
    assert [a["code"] for a in areas] == [*map(str, range(1, 10)), kept.code]
    seqf_area, own = areas[0], areas[-1]
    for area in (seqf_area, own):
        assert set(area) == {"code", "own", "title", "summary", "steps"}
        assert set(area["title"]) == {"nb", "en"} and set(area["summary"]) == {"nb", "en"}
        assert [s["level"] for s in area["steps"]] == [1, 2, 3, 4, 5]
        for step in area["steps"]:
            assert set(step) == {"level", "title", "indicators"} and set(step["title"]) == {"nb", "en"}
            for ind in step["indicators"]:
                assert set(ind) == {"code", "text", "guidance"} and set(ind["text"]) == {"nb", "en"}
    assert seqf_area["own"] is False and seqf_area["title"] == {"nb": "Ledelse", "en": "Leadership"}
    assert set(seqf_area["steps"][0]["indicators"][0]["guidance"]) == {"meaning", "evidence"}
    assert own["own"] is True and own["title"] == {"nb": "IPS fidelity", "en": "IPS fidelity"}
    assert own["steps"][0]["indicators"][0] == {
        "code": "E1.1.a", "text": {"nb": "Indicator 1.0", "en": "Indicator 1.0"}, "guidance": None}
    assert instrument_service.area_codes_for(org.id) == {*map(str, range(1, 10)), "E1"}


def test_a_round_keeps_its_snapshot(app, org, leader):
    area = make_area(org, leader)
    snapshot = instrument_service.own_area_snapshot(org)
    service.update_own_area(leader, area, title="Renamed", description="", steps=steps(1))
    instrument = instrument_service.current_instrument("seqf")
    areas = instrument_service.areas_for_round(instrument, snapshot)
    assert areas[-1]["title"]["nb"] == "IPS fidelity" and len(areas[-1]["steps"][0]["indicators"]) == 2
