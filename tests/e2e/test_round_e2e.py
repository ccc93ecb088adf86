"""A whole self-assessment round in Chromium: the leader opens it on a desktop, three staff fill in
and submit on a 360×740 phone (ticking indicators, autosave, "Save and next area"), then the
leader reads the summary, closes the round, agrees the consensus and sees the radar chart.

Selectors use names, values, ids and form actions, so the test holds whatever the UI language.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from seqf.extensions import db
from seqf.services import evidence as evidence_service
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, path_of, screenshot, wait_for_mail

pytestmark = pytest.mark.e2e

# what each person ticks: area → steps whose indicators are all ticked
ANSWERS = [
    {"1": (1, 2), "2": (1,)},
    {"1": (1, 2), "2": (1, 2)},
    {"1": (1,), "2": (1,)},
]


def area_of(page) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("area", [None])[0]


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def team(make_org, make_user):
    org = make_org(name="Jobbvei AS")
    leader = make_user(org=org, member_role="leader", name="Lise Leder", email="lise@example.no")
    staff = [make_user(org=org, member_role="staff", name=name, email=email)
             for name, email in (("Bjørn Berg", "bjorn@example.no"), ("Cecilie Dahl", "cecilie@example.no"),
                                 ("David Eriksen", "david@example.no"))]
    evidence = evidence_service.add_link_evidence(leader, org, title="Rutine for ledermøter",
                                                  url="https://example.no/rutine", tags=["1"])
    db.session.commit()
    return org, leader, staff, evidence.id


def open_round(page, org_id: int) -> int:
    page.goto(f"/organisations/{org_id}/rounds")
    page.fill("#title", "Vårrunden")
    page.click("main form:has(#title) button[type=submit]")
    page.wait_for_url(re.compile(r"/rounds/\d+$"))
    return int(path_of(page).rsplit("/", 1)[1])


def fill_in_on_a_phone(phone, round_id: int, answers: dict[str, tuple[int, ...]], evidence_id: int | None,
                       shot: str | None) -> None:
    phone.click(f".round-task a[href='/rounds/{round_id}/fill'] >> nth=0")
    phone.wait_for_url(lambda url: urlsplit(url).path == f"/rounds/{round_id}/fill")
    assert no_sideways_scrolling(phone)
    first = phone.locator("input[name='step-1-indicators']").first.bounding_box()
    label = phone.locator(".round-indicator__label").first.bounding_box()
    assert first["width"] >= 24 and label["height"] >= 44  # large enough to tap
    for area, levels in answers.items():
        assert area_of(phone) in (None, area)
        for level in levels:
            for box in phone.locator(f"input[name='step-{level}-indicators']").all():
                box.check()
        if evidence_id and area == "1":
            phone.locator(f"input[name='step-1-evidence'][value='{evidence_id}']").check()
        expect(phone.locator("#autosave-status")).not_to_be_empty()  # autosaved as a draft
        expect(phone.locator("[data-step-status='1']")).to_have_class(re.compile("tag--success"))
        expect(phone.locator("[data-claimed]")).to_have_text(str(len(levels)))
        if shot and area == "1":
            assert accessibility_problems(phone) == []
            screenshot(phone, shot)
        phone.click("button[name=action][value=next]")
        phone.wait_for_url(lambda url, area=area: area_of_url(url) == str(int(area) + 1))
    expect(phone.locator(".area-nav__item--done")).to_have_count(len(answers))
    phone.goto(f"/rounds/{round_id}/submit")
    assert no_sideways_scrolling(phone)
    phone.click(f"form[action='/rounds/{round_id}/submit'] button[type=submit]")
    phone.wait_for_url(lambda url: urlsplit(url).path == f"/rounds/{round_id}")
    expect(phone.locator(".own-status .tag--success")).to_be_visible()


def area_of_url(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("area", [None])[0]


def agree_consensus(page, round_id: int, backend: str) -> None:
    page.wait_for_url(lambda url: urlsplit(url).path == f"/rounds/{round_id}/consensus")
    # pre-filled from the staff median: everyone met step 1 of area 1
    expect(page.locator("input[name='step-1-met']")).to_be_checked()
    page.check("input[name='step-2-met']")
    page.fill("#justification", "Ledermøtene har fast punkt om kvalitet; referatene viser det.")
    page.fill("#recommendations", "Skriv ned hvem som følger opp\nMål effekten")
    assert accessibility_problems(page) == []
    screenshot(page, f"round-consensus-desktop-{backend}")
    page.click("button[name=action][value=next]")
    page.wait_for_url(lambda url: area_of_url(url) == "2")
    expect(page.locator("input[name='step-1-met']")).to_be_checked()
    page.fill("#justification", "Strategien er skrevet ned, men ikke kjent i alle avdelinger.")
    page.click("button[name=action][value=next]")
    page.wait_for_url(lambda url: area_of_url(url) == "3")


def test_staff_fill_in_on_phones_and_the_leader_agrees_the_consensus(backend, team, page, new_page, mailbox):
    org, leader, staff, evidence_id = team

    log_in(page, leader.email)
    round_id = open_round(page, org.id)
    assert f"/rounds/{round_id}/fill" in wait_for_mail(mailbox, staff[0].email).get_content()

    for index, person in enumerate(staff):
        phone = new_page(PHONE)
        log_in(phone, person.email)
        fill_in_on_a_phone(phone, round_id, ANSWERS[index], evidence_id if index == 0 else None,
                           f"round-fill-phone-{backend}" if index == 0 else None)
        phone.context.close()

    page.goto(f"/rounds/{round_id}/summary")
    expect(page.locator(".people .tag--success")).to_have_count(3)
    expect(page.locator(".withheld")).to_have_count(1)  # open: progress only, figures at close
    expect(page.locator(".dist-chart")).to_have_count(0)

    page.click(f"a[href='/rounds/{round_id}/close']")  # closing asks first (test_leader_flows_e2e.py)
    page.click(f"form[action='/rounds/{round_id}/close'] button")
    agree_consensus(page, round_id, backend)

    page.goto(f"/rounds/{round_id}/summary")
    expect(page.locator(".withheld")).to_have_count(0)
    expect(page.locator(".dist-chart")).to_have_count(2)  # areas 1 and 2 were answered
    for person in staff:  # names only in the list of who has submitted
        expect(page.locator(".area-results")).not_to_contain_text(person.name)
    assert accessibility_problems(page) == []
    screenshot(page, f"round-summary-desktop-{backend}")

    page.goto(f"/rounds/{round_id}/results")
    radar = page.locator(".radar-figure__wide svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator("polygon")).to_have_count(2)  # consensus and staff median
    expect(page.locator(".radar-figure__compact svg.radar")).to_be_hidden()
    assert accessibility_problems(page) == []
    screenshot(page, f"round-results-desktop-{backend}")

    phone = new_page(PHONE)
    log_in(phone, staff[2].email)
    phone.goto(f"/rounds/{round_id}/results")
    expect(phone.locator(".radar-figure__compact svg.radar")).to_be_visible()
    assert no_sideways_scrolling(phone)
    assert accessibility_problems(phone) == []
    screenshot(phone, f"round-results-phone-{backend}")
