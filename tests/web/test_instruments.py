"""Instruments: stored versions, the API shapes of shared/API.md, and the instrument page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from seqf.extensions import db
from seqf.models import AuditEvent, Instrument
from seqf.services import instruments as service
from tests.web.helpers import count, text

ROOT = Path(__file__).resolve().parents[2]
SEQF_YAML = ROOT / "forms" / "seqf.yaml"
HEX12 = re.compile(r"^[0-9a-f]{12}$")


def changed_copy(tmp_path: Path, name: str = "seqf-changed.yaml", suffix: str = " (changed)") -> Path:
    """A copy of the SEQF text with the first indicator's English text changed."""
    data = yaml.safe_load(SEQF_YAML.read_text(encoding="utf-8"))
    data["areas"][0]["steps"][0]["indicators"][0]["text"]["en"] += suffix
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def seqf_source() -> dict:
    return yaml.safe_load(SEQF_YAML.read_text(encoding="utf-8"))


# --- API -----------------------------------------------------------------------------------------

def test_list_instruments(api, make_user):
    user = make_user()
    response = api.get("/api/v1/instruments", user)
    assert response.status_code == 200
    body = response.get_json()
    seqf = next(item for item in body if item["slug"] == "seqf")
    assert set(seqf) == {"slug", "version", "title", "scale"}
    assert seqf["scale"] == "progressive"
    assert HEX12.match(seqf["version"])
    assert seqf["title"] == seqf_source()["title"]["nb"]
    english = api.get("/api/v1/instruments?lang=en", user).get_json()
    assert next(i for i in english if i["slug"] == "seqf")["title"] == seqf_source()["title"]["en"]


def test_instrument_detail_has_the_contract_shape(api, make_user):
    body = api.get("/api/v1/instruments/seqf", make_user()).get_json()
    assert set(body) == {"slug", "version", "title", "scale", "areas"}
    assert body["slug"] == "seqf" and body["scale"] == "progressive" and HEX12.match(body["version"])
    assert [area["code"] for area in body["areas"]] == [str(n) for n in range(1, 10)]
    source = seqf_source()
    for area, area_src in zip(body["areas"], source["areas"], strict=True):
        assert set(area) == {"code", "title", "steps"}
        assert area["title"] == area_src["title"]["nb"]
        assert [step["level"] for step in area["steps"]] == [1, 2, 3, 4, 5]
        for step in area["steps"]:
            assert set(step) == {"level", "title", "indicators"}
            assert 2 <= len(step["indicators"]) <= 4
            assert all(set(ind) == {"code", "text"} and ind["text"] for ind in step["indicators"])


def test_lang_en_selects_english(api, make_user):
    user = make_user()
    nb = api.get("/api/v1/instruments/seqf", user).get_json()
    en = api.get("/api/v1/instruments/seqf?lang=en", user).get_json()
    source = seqf_source()
    assert en["title"] == source["title"]["en"] != nb["title"]
    assert en["areas"][0]["title"] == "Leadership" and nb["areas"][0]["title"] == "Ledelse"
    first = source["areas"][0]["steps"][0]["indicators"][0]
    assert en["areas"][0]["steps"][0]["indicators"][0] == {"code": str(first["code"]), "text": first["text"]["en"]}
    assert api.get("/api/v1/instruments/seqf?lang=nb", user).get_json() == nb


@pytest.mark.parametrize("path", ["/api/v1/instruments?lang=de", "/api/v1/instruments/seqf?lang=xx",
                                  "/api/v1/instruments/seqf?organisation=abc"])
def test_bad_query_parameters_are_422(api, make_user, path):
    response = api.get(path, make_user())
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"
    assert response.get_json()["error"]["fields"]


def test_unknown_instrument_is_404(api, make_user):
    response = api.get("/api/v1/instruments/no-such-thing", make_user())
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_instrument"


def test_instruments_need_a_token(client):
    assert client.get("/api/v1/instruments").status_code == 401
    assert client.get("/api/v1/instruments/seqf").status_code == 401


def test_one_area(api, make_user):
    user = make_user()
    area = api.get("/api/v1/instruments/seqf/areas/5?lang=en", user).get_json()
    assert area["code"] == "5" and len(area["steps"]) == 5
    assert api.get("/api/v1/instruments/seqf/areas/E9", user).status_code == 404


def test_openapi_documents_the_instrument_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/instruments" in paths and "/instruments/{slug}" in paths
    assert {"get", "post"} <= set(paths["/organisations/{org}/own-areas"])


# --- versions ------------------------------------------------------------------------------------

def test_sync_is_idempotent(app):
    first = service.sync_builtin_instruments()
    db.session.commit()
    second = service.sync_builtin_instruments()
    db.session.commit()
    assert [i.id for i in first] == [i.id for i in second]
    assert count(Instrument) == len(first) >= 1
    assert count(AuditEvent, AuditEvent.action == "instrument.imported") == len(first)
    assert service.current_instrument("seqf").id == first[0].id


def test_stored_definition_round_trips(app):
    instrument = service.current_instrument("seqf")
    assert instrument.source == "forms/seqf.yaml"
    assert instrument.title_nb == seqf_source()["title"]["nb"]
    assert instrument.version == instrument.content_hash[:12]
    defn = service.definition_of(instrument)
    assert [a.code for a in defn.areas] == [str(n) for n in range(1, 10)]


def test_changed_text_is_a_new_version_and_the_old_row_is_unchanged(app, tmp_path):
    from seqf.instruments import load_definition

    old = service.current_instrument("seqf")
    db.session.commit()
    old_id, old_hash, old_definition = old.id, old.content_hash, dict(old.definition)

    new, created = service.import_definition(load_definition(changed_copy(tmp_path)), "seqf-changed.yaml")
    db.session.commit()
    assert created and new.id != old_id and new.version != old.version
    again, created_again = service.import_definition(load_definition(changed_copy(tmp_path)), "again.yaml")
    assert not created_again and again.id == new.id

    db.session.expire_all()
    stored_old = db.session.get(Instrument, old_id)
    assert stored_old.content_hash == old_hash and stored_old.definition == old_definition
    assert not stored_old.definition["areas"][0]["steps"][0]["indicators"][0]["text"]["en"].endswith("(changed)")
    assert new.definition["areas"][0]["steps"][0]["indicators"][0]["text"]["en"].endswith("(changed)")
    service.forget_request_cache()
    assert service.current_instrument("seqf").id == new.id


def test_a_changed_builtin_file_becomes_the_current_version(app, tmp_path, api, make_user):
    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(SEQF_YAML, forms / "seqf.yaml")
    app.config["FORMS_DIR"] = str(forms)
    user = make_user()
    before = api.get("/api/v1/instruments/seqf?lang=en", user).get_json()
    changed_copy(forms, "seqf.yaml", suffix=" – now edited")
    after = api.get("/api/v1/instruments/seqf?lang=en", user).get_json()
    assert after["version"] != before["version"]
    assert after["areas"][0]["steps"][0]["indicators"][0]["text"].endswith("now edited")
    versions = db.session.scalars(sa.select(Instrument.version).where(Instrument.slug == "seqf")).all()
    assert sorted(versions) == sorted([before["version"], after["version"]])


def test_an_imported_text_keeps_its_slug_when_the_builtin_file_changes(app, tmp_path):
    from seqf.instruments import load_definition

    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(SEQF_YAML, forms / "seqf.yaml")
    app.config["FORMS_DIR"] = str(forms)
    builtin = service.current_instrument("seqf")
    licensed = service.register_definition(load_definition(changed_copy(tmp_path, suffix=" (licensed)")),
                                           "seno-seqf.yaml")
    changed_copy(forms, "seqf.yaml", suffix=" (upgrade)")
    service.forget_request_cache()
    assert service.current_instrument("seqf").id == licensed.id != builtin.id
    assert [i.id for i in service.list_instruments()] == [licensed.id]
    assert count(Instrument) == 2


# --- instrument page -----------------------------------------------------------------------------

def test_instrument_page_shows_the_whole_text_with_guidance(client, auth, make_user):
    auth.login(make_user(language="en"))
    response = client.get("/instruments/seqf")
    assert response.status_code == 200
    page = text(response)
    source = seqf_source()
    first = source["areas"][0]["steps"][0]["indicators"][0]
    assert source["areas"][4]["title"]["en"] in page
    assert first["text"]["en"] in page
    assert first["guidance"]["meaning"]["en"] in page and first["guidance"]["evidence"]["en"] in page
    with_guidance = [ind for area in source["areas"] for step in area["steps"] for ind in step["indicators"]
                     if ind.get("guidance")]
    assert page.count('<details class="guidance">') == len(with_guidance) > 0
    assert "What this means" in page and "Examples of evidence" in page
    assert service.current_instrument("seqf").version in page


def test_instrument_page_in_norwegian(client, auth, make_user):
    auth.login(make_user(language="nb"))
    page = text(client.get("/instruments/seqf"))
    assert seqf_source()["areas"][0]["steps"][0]["indicators"][0]["text"]["nb"] in page


def test_instrument_pages_need_login_and_a_known_slug(client, auth, make_user):
    assert client.get("/instruments/seqf").status_code == 302
    auth.login(make_user())
    assert client.get("/instruments/unknown").status_code == 404
    listing = client.get("/instruments/")
    assert listing.status_code == 200 and "/instruments/seqf" in text(listing)
