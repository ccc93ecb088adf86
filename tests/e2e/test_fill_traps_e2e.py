"""The fill form's traps, in Chromium on a 360×740 phone: an area is answered only by an explicit
choice, a too-large file is refused before sending with everything typed kept, a chosen file is
never dropped silently, and a save from another tab shows both versions.

Selectors use names, values, ids and data attributes, so the test holds whatever the UI language.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from seqf.extensions import db
from seqf.models import Evidence, Round
from seqf.services import rounds as round_service
from tests.e2e.helpers import PHONE, log_in, screenshot

pytestmark = pytest.mark.e2e


def area_of(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("area", [None])[0]


def stored(team) -> dict:
    db.session.rollback()
    db.session.expire_all()
    response = round_service.response_of(db.session.get(Round, team.rid), team.person)
    return round_service.answers_of(response)


def on_phone(new_page, team, area: str = "1"):
    phone = new_page(PHONE)
    log_in(phone, team.person.email)
    phone.goto(f"/rounds/{team.rid}/fill?area={area}")
    return phone


def test_none_yet_is_an_explicit_choice(new_page, team, backend):
    phone = on_phone(new_page, team)
    phone.fill("#comment", "Vi har ikke startet her")
    phone.click("button[name=action][value=next]")
    expect(phone.locator("#answer-required")).to_be_visible()  # told inline, nothing sent
    assert area_of(phone) == "1" and stored(team) == {}
    expect(phone.locator("#comment")).to_have_value("Vi har ikke startet her")
    phone.check("#none_yet")
    expect(phone.locator("#answer-required")).to_be_hidden()
    phone.click("button[name=action][value=next]")
    phone.wait_for_url(lambda url: "area=2" in url)
    assert stored(team)["1"].claimed == 0
    expect(phone.locator(".area-nav__item--done")).to_have_count(1)
    # ticking an indicator replaces the "none yet" choice, and the choice unticks the indicators
    phone.goto(f"/rounds/{team.rid}/fill?area=1")
    expect(phone.locator("#none_yet")).to_be_checked()
    phone.locator("input[name='step-1-indicators']").first.check()
    expect(phone.locator("#none_yet")).not_to_be_checked()
    phone.check("#none_yet")
    expect(phone.locator("input[name$='-indicators']:checked")).to_have_count(0)
    screenshot(phone, f"fill-none-yet-phone-{backend}")


def test_too_large_file_is_refused_inline_with_typed_text_kept(new_page, team, backend):
    phone = on_phone(new_page, team)
    phone.locator("input[name='step-1-indicators']").first.check()
    phone.fill("#comment", "Dette vil jeg ikke miste")
    phone.click("#step-1 details.upload summary")
    big = 20 * 1024 * 1024 + 1
    phone.set_input_files("#step-1-file", files=[{"name": "stor.pdf", "mimeType": "application/pdf",
                                                   "buffer": b"%PDF-1.4\n" + b"0" * (big - 9)}])
    error = phone.locator("#step-1-file-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("20 MB")
    expect(phone.locator("#step-1-file")).to_have_attribute("aria-invalid", "true")
    assert phone.eval_on_selector("#step-1-file", "el => el.files.length") == 0  # not sent
    expect(phone.locator("#comment")).to_have_value("Dette vil jeg ikke miste")
    phone.click("button[name=action][value=save]")
    phone.wait_for_load_state()
    expect(phone.locator("#comment")).to_have_value("Dette vil jeg ikke miste")
    assert db.session.query(Evidence).count() == 0
    screenshot(phone, f"fill-too-large-phone-{backend}")


def test_a_chosen_file_is_uploaded_with_save_or_leaving_asks_first(new_page, team, backend):
    phone = on_phone(new_page, team)
    phone.locator("input[name='step-1-indicators']").first.check()
    expect(phone.locator("#autosave-status")).not_to_be_empty()
    phone.click("#step-1 details.upload summary")
    phone.set_input_files("#step-1-file", files=[{"name": "rutine.txt", "mimeType": "text/plain",
                                                   "buffer": "Rutine for oppfølging\n".encode()}])
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    phone.on("dialog", dismiss)
    phone.locator(".area-nav a[href*='area=2']").first.click()
    phone.wait_for_timeout(500)
    assert asked == ["beforeunload"] and area_of(phone) == "1"  # stayed, the file still chosen
    assert phone.eval_on_selector("#step-1-file", "el => el.files.length") == 1
    phone.remove_listener("dialog", dismiss)
    phone.click("button[name=action][value=next]")
    phone.wait_for_url(lambda url: "area=2" in url)
    answer = stored(team)["1"]
    linked = [e.title for s in answer.steps for e in s.evidence]
    assert linked == ["rutine.txt"]


def test_a_save_from_another_tab_shows_both_versions_and_keeps_what_was_typed(new_page, team, backend):
    first = on_phone(new_page, team)
    second = on_phone(new_page, team)  # opened before the first tab saves: based on "no answer"
    first.locator("input[name='step-1-indicators']").first.check()
    first.fill("#comment", "Skrevet i fane 1")
    first.locator("#comment").blur()
    expect(first.locator("#autosave-status")).to_contain_text(re.compile(r"\d\d:\d\d"))
    second.fill("#comment", "Skrevet i fane 2")
    second.locator("input[name='step-2-indicators']").first.check()
    panel = second.locator("[data-conflict-panel]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Skrevet i fane 1")  # the other version
    expect(second.locator("#comment")).to_have_value("Skrevet i fane 2")  # mine, kept
    assert stored(team)["1"].comment == "Skrevet i fane 1"
    screenshot(second, f"fill-conflict-phone-{backend}")
    second.click("[data-keep-mine]")
    expect(panel).to_have_count(0)
    expect(second.locator("#autosave-status")).to_contain_text(re.compile(r"\d\d:\d\d"))
    assert stored(team)["1"].comment == "Skrevet i fane 2"
