"""Traps found by walking the round as new users, in Chromium, each fixed and kept fixed here.

- A job specialist on a phone who loses the network: Save would have replaced the page, and everything
  typed, with the browser's error page. Now nothing is sent while offline, the status says what happens,
  and the draft is saved by itself when the connection is back.
- A leader who opens a round with a title of only spaces and a deadline in the past heard about the
  deadline only after correcting the title; both errors are now shown at once.
- A leader who reopened a round closed with too few answers was still told to "reopen the round".
- The upload in the fill form did not say which files are accepted or how large, and a refused type
  was answered with "choose a smaller file".
- Text typed just before tapping another area was lost (the automatic save waits a moment); it is now
  sent as the page is left, and offline, leaving asks first. The consensus form (no autosave) asks
  before a leader leaves an area with unsaved changes.
- A refused file was announced at the top of a long page, far from its step; a link now leads to it.

Selectors use names, values, ids and hrefs; texts are checked only where the text is the fix.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from seqf.extensions import db
from seqf.models import Round
from seqf.services import rounds as round_service
from tests.e2e.helpers import DESKTOP, PHONE, accessibility_problems, log_in, path_of, screenshot
from tests.web.round_helpers import close, reopen

pytestmark = pytest.mark.e2e


def stored(team) -> dict:
    db.session.rollback()
    db.session.expire_all()
    response = round_service.response_of(db.session.get(Round, team.rid), team.person)
    return round_service.answers_of(response)


def test_saving_without_network_keeps_the_page_and_saves_when_the_network_is_back(new_page, team, backend):
    phone = new_page(PHONE)
    log_in(phone, team.person.email)
    phone.goto(f"/rounds/{team.rid}/fill?area=2")
    phone.context.set_offline(True)
    phone.locator("input[name='step-1-indicators']").first.check()
    status = phone.locator("#autosave-status")
    expect(status).to_have_text(re.compile("nettforbindelse"))  # says why, and what happens next
    phone.fill("#comment", "Skrevet på bussen uten dekning")
    phone.click("button[name=action][value=save]")
    phone.wait_for_timeout(300)
    assert path_of(phone) == f"/rounds/{team.rid}/fill"  # not the browser's error page
    expect(phone.locator("#comment")).to_have_value("Skrevet på bussen uten dekning")
    expect(phone.locator("input[name='step-1-indicators']").first).to_be_checked()
    screenshot(phone, f"walk-offline-phone-{backend}")
    assert stored(team) == {}
    phone.context.set_offline(False)
    expect(status).to_have_text(re.compile(r"\d\d:\d\d"))  # saved by itself
    answer = stored(team)["2"]
    assert answer.comment == "Skrevet på bussen uten dekning"
    assert [s.indicators for s in answer.steps if s.level == 1] != [[]]  # the tick came through too
    assert any(s.indicators for s in answer.steps if s.level == 1)
    phone.click("button[name=action][value=save]")  # and Save works again
    phone.wait_for_load_state()
    assert path_of(phone) == f"/rounds/{team.rid}/fill"


def test_a_past_deadline_and_a_blank_title_are_reported_together(new_page, team, backend):
    page = new_page(DESKTOP)
    log_in(page, team.leader.email)
    page.goto(f"/organisations/{team.org.id}/rounds")
    page.fill("#title", "   ")
    page.fill("#closes_on", "2020-01-01")
    form = page.locator("form:has(#closes_on)")
    form.evaluate("f => { f.noValidate = true; }")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#title").locator("xpath=..").locator(".field__error")).to_be_visible()
    deadline_error = page.locator("#closes_on").locator("xpath=..").locator(".field__error")
    expect(deadline_error).to_have_text(re.compile("tilbake i tid"))
    expect(page.locator("#closes_on")).to_have_value("2020-01-01")  # what was typed is kept
    assert accessibility_problems(page) == []
    assert db.session.query(Round).count() == 1  # only the fixture's round


def test_a_reopened_round_does_not_ask_to_be_reopened(new_page, team, backend):
    close(team.leader, team.round)  # nobody has answered: nothing is released
    reopen(team.leader, team.round)
    page = new_page(PHONE)
    log_in(page, team.leader.email)
    page.goto(f"/rounds/{team.rid}/summary")
    withheld = page.locator(".withheld")
    expect(withheld).to_contain_text("åpnet igjen")
    expect(withheld).not_to_contain_text("Åpne runden igjen")
    screenshot(page, f"walk-summary-reopened-phone-{backend}")


def test_the_upload_states_its_limits_and_a_refused_type_keeps_everything_typed(new_page, team, backend):
    phone = new_page(PHONE)
    log_in(phone, team.person.email)
    phone.goto(f"/rounds/{team.rid}/fill?area=3")
    phone.locator("input[name='step-1-indicators']").first.check()
    phone.fill("#comment", "Dette skal stå igjen")
    phone.click("#step-1 details.upload summary")
    expect(phone.locator("#step-1-file-hint")).to_contain_text("20 MB")  # the limits, before choosing
    expect(phone.locator("#step-1-file-hint")).to_contain_text("PDF")
    phone.set_input_files("#step-1-file", files=[{"name": "program.exe", "mimeType": "application/octet-stream",
                                                   "buffer": b"MZ\x90\x00" + b"\0" * 200}])
    with phone.expect_navigation():
        phone.click("button[name=action][value=save]")
    error = phone.locator("#step-1-file-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("EXE")
    expect(error).not_to_contain_text("mindre fil")  # the file was not too large: no advice to shrink it
    expect(phone.locator("#step-1-file")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#comment")).to_have_value("Dette skal stå igjen")
    expect(phone.locator("input[name='step-1-indicators']").first).to_be_checked()
    assert accessibility_problems(phone) == []
    screenshot(phone, f"walk-refused-type-phone-{backend}")
    # the message is at the top of a long page; a link leads to the file field of the step
    phone.locator("a[href='#step-1-file']").click()
    assert phone.evaluate("document.activeElement.id") == "step-1-file"
    box = phone.locator("#step-1-file").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= phone.evaluate("document.querySelector('.fill-actions')"
                                                                         ".getBoundingClientRect().top")


def test_text_typed_just_before_going_to_another_area_is_saved(new_page, team, backend):
    phone = new_page(PHONE)
    log_in(phone, team.person.email)
    phone.goto(f"/rounds/{team.rid}/fill?area=4")
    phone.locator("input[name='step-1-indicators']").first.check()
    expect(phone.locator("#autosave-status")).to_have_text(re.compile(r"\d\d:\d\d"))
    phone.locator("#comment").click()
    phone.keyboard.type("Skrevet rett før jeg byttet område")
    phone.locator(".area-nav a[href*='area=5']").first.click()  # before the automatic save would run
    phone.wait_for_url(lambda url: "area=5" in url)
    for _ in range(50):
        if stored(team)["4"].comment:
            break
        phone.wait_for_timeout(100)
    assert stored(team)["4"].comment == "Skrevet rett før jeg byttet område"
    # offline, the same step cannot send anything: leaving asks first, and staying keeps the text
    phone.goto(f"/rounds/{team.rid}/fill?area=4")
    phone.context.set_offline(True)
    phone.locator("#comment").fill("Skrevet uten dekning")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    phone.on("dialog", dismiss)
    phone.locator(".area-nav a[href*='area=5']").first.click()
    phone.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert path_of(phone) == f"/rounds/{team.rid}/fill" and "area=4" in phone.url
    expect(phone.locator("#comment")).to_have_value("Skrevet uten dekning")
    phone.remove_listener("dialog", dismiss)
    phone.context.set_offline(False)
    expect(phone.locator("#autosave-status")).to_have_text(re.compile(r"\d\d:\d\d"))


def test_leaving_the_consensus_with_unsaved_text_asks_first(new_page, team, backend):
    close(team.leader, team.round)
    page = new_page(DESKTOP)
    log_in(page, team.leader.email)
    page.goto(f"/rounds/{team.rid}/consensus?area=1")
    page.fill("#justification", "Vi ble enige etter en lang diskusjon")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator(".area-nav a[href*='area=2']").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and "area=1" in page.url
    expect(page.locator("#justification")).to_have_value("Vi ble enige etter en lang diskusjon")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")  # saving leaves without asking
    assert asked == ["beforeunload"]
    page.locator(".area-nav a[href*='area=2']").first.click()
    page.wait_for_url(lambda url: "area=2" in url)
    assert asked == ["beforeunload"]  # nothing changed since the save: no question
