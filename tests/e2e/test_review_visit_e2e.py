"""The revisor's visit in Chromium: open the pre-visit package and download the ZIP on a tablet
(768×1024), plan a time slot and type a note that saves itself; then the co-revisor adds to the note
on a 360×740 phone. Every page passes axe and the basic checks; the screenshots are in test-artifacts/.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from seqf.extensions import db
from seqf.models import VisitSlot
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, screenshot
from tests.e2e.test_axe import AXE_JS, AXE_OPTIONS
from tests.web.visit_helpers import visit_world

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}
SAVED = re.compile(r"\d{2}:\d{2}")


@pytest.fixture
def world(app, make_org, make_user):
    with app.test_request_context():
        return visit_world(make_org, make_user)


def axe_violations(page) -> list:
    # evaluated through the DevTools protocol, so the page's CSP (script-src 'self') stays in force
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)


def check_page(page, name: str) -> None:
    assert accessibility_problems(page) == [], name
    violations = axe_violations(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    screenshot(page, name)


def type_and_wait(page, text: str, *, fill: bool = False) -> None:
    """Type into the note and wait for the automatic save's answer, then for "Saved HH:MM"."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/note" in r.url) as info:
        if fill:
            page.locator("#text").fill(text)
        else:
            page.locator("#text").click()
            page.keyboard.press("End")
            page.keyboard.type(text)
    assert info.value.status == 200
    wait_saved(page)


def wait_saved(page) -> None:
    status = page.locator("#autosave-status")
    expect(status).to_have_text(SAVED, timeout=10_000)
    expect(status).not_to_have_class(re.compile("autosave-status--error"))


def test_revisor_package_agenda_and_notes_on_tablet_and_phone(new_page, world):
    rid = world.review.id
    tablet = new_page(TABLET)
    log_in(tablet, world.lead.email)
    tablet.goto(f"/reviews/{rid}/package")
    expect(tablet.locator("h1")).to_be_visible()
    expect(tablet.locator("main")).to_contain_text("Årsrapport 2025")
    check_page(tablet, "visit-package-tablet")
    with tablet.expect_download() as info:
        tablet.click(f"a[href='/reviews/{rid}/package.zip']")
    names = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).namelist()
    assert "README.txt" in names and "self-assessment.csv" in names

    tablet.goto(f"/reviews/{rid}/agenda")
    check_page(tablet, "visit-agenda-empty-tablet")
    form = tablet.locator(f"form[action='/reviews/{rid}/agenda']")
    form.locator("#day").select_option(index=0)
    form.locator("#starts_at").fill("09:00")
    form.locator("#ends_at").fill("10:30")
    form.locator("input[value=participants]").check()
    form.locator("#programme").fill("IPS")
    form.locator("#topic").fill("Jobbsøk og oppfølging")
    form.locator("button[type=submit]").click()
    tablet.wait_for_url(re.compile(rf"/reviews/{rid}/agenda#slot-\d+$"))
    slot_id = db.session.scalar(db.select(VisitSlot.id).where(VisitSlot.review_id == rid))
    check_page(tablet, "visit-agenda-tablet")

    note_url = f"/reviews/{rid}/agenda/{slot_id}/note"
    tablet.click(f"a[href='{note_url}']")
    tablet.wait_for_url(re.compile(rf"{note_url}$"))
    type_and_wait(tablet, "Tydelig rutine for jobbsøk. ")
    check_page(tablet, "visit-note-tablet")
    tablet.reload()
    expect(tablet.locator("#text")).to_have_value("Tydelig rutine for jobbsøk. ")

    phone = new_page(PHONE)
    log_in(phone, world.co.email)
    phone.goto(note_url)
    type_and_wait(phone, "Arbeidsgivere følges tett opp.")
    check_page(phone, "visit-note-phone")
    phone.reload()
    expect(phone.locator("#text")).to_have_value("Tydelig rutine for jobbsøk. Arbeidsgivere følges tett opp.")
    phone.goto(f"/reviews/{rid}/agenda")
    check_page(phone, "visit-agenda-phone")
    phone.goto(f"/reviews/{rid}/package")
    check_page(phone, "visit-package-phone")

    # the tablet still shows the older version: its next save is refused and both texts are shown
    tablet.goto(note_url)
    db.session.expire_all()
    phone.goto(note_url)
    type_and_wait(phone, "Overskrevet fra telefonen", fill=True)
    tablet.locator("#text").click()
    tablet.keyboard.press("End")
    tablet.keyboard.type(" Mer fra nettbrettet.")
    expect(tablet.locator("[data-conflict]")).to_be_visible(timeout=10_000)
    expect(tablet.locator("[data-conflict-text]")).to_have_text("Overskrevet fra telefonen")
    screenshot(tablet, "visit-note-conflict-tablet")
    tablet.locator("form.note-form button[type=submit]").click()  # keep the tablet's text deliberately
    tablet.wait_for_load_state()
    expect(tablet.locator("#text")).to_have_value(re.compile("Mer fra nettbrettet"))
