"""A whole certification in Chromium, from planning to certificate and the first follow-up.

The coordinator plans the review; the lead revisor reads the package, downloads it as a ZIP and
records all nine findings on a tablet (768×1024), the co-revisor drafts one on a phone; the lead
opens a comment round, the leader corrects one area, the lead publishes; the coordinator approves;
the leader downloads the report and the certificate. Then the coordinator plans the first
follow-up (video, the same lead suggested), the lead records its three areas and the outcome and
publishes the short report. Every step goes through the pages a user clicks, none through services.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from seqf import clock
from seqf.extensions import db
from seqf.models import Certificate, Review, ReviewKind, ReviewState
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, path_of, screenshot
from tests.web.review_helpers import SEQF_AREAS, review_cast
from tests.web.round_helpers import link_evidence

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(viewport, email):
        context = browser.new_context(viewport=viewport, base_url=live_server, locale="nb-NO",
                                      timezone_id="Europe/Oslo", accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    yield make
    for context in contexts:
        context.close()


def looked_at(page, name: str) -> None:
    screenshot(page, name)
    assert accessibility_problems(page) == [], name


def record_finding(page, review_id: int, code: str, steps: int, evidence_id: int, note: str) -> None:
    """Tick the indicators of steps 1..``steps``, link evidence below the top step, justify, save."""
    page.goto(f"/reviews/{review_id}/findings/{code}")
    for level in range(1, 6):
        for box in page.locator(f"#step-{level} input[type=checkbox]").all():
            box.set_checked(level <= steps)
        if level < steps:
            page.select_option(f"#ev-{level}", str(evidence_id))
    page.fill("#justification", note)
    page.fill("#recommendations", f"Tiltak for område {code}")
    page.click("button[name=action][value=save]")
    page.wait_for_selector(".finding-scores")


def test_a_whole_certification_and_the_first_follow_up(open_page, make_org, make_user):
    cast = review_cast(make_org, make_user)
    evidence = link_evidence(cast.leader, cast.org)
    db.session.commit()
    start = clock.today() + dt.timedelta(days=10)

    # 1. the coordinator plans the review
    coordinator = open_page({"width": 1280, "height": 800}, cast.coordinator.email)
    coordinator.goto(f"/organisations/{cast.org.id}/reviews/new")
    coordinator.select_option("#lead", str(cast.lead.id))
    coordinator.check(f"input[name=co_revisors][value='{cast.co.id}']")
    coordinator.fill("#visit_starts_on", start.isoformat())
    coordinator.fill("#visit_ends_on", (start + dt.timedelta(days=1)).isoformat())
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Planlegg revisjonen").click()
    review_id = int(path_of(coordinator).rstrip("/").split("/")[-1])
    looked_at(coordinator, "journey-planned")

    # 2. the lead revisor, on a tablet, reads the package and downloads it
    lead = open_page(TABLET, cast.lead.email)
    lead.goto(f"/reviews/{review_id}/package")
    looked_at(lead, "journey-package-tablet")
    with lead.expect_download() as download:
        lead.click(f"a[href='/reviews/{review_id}/package.zip']")
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert any(name.startswith("evidence/") for name in names)

    # 3. findings: the co-revisor drafts area 9 on a phone, the lead records the other eight on the tablet
    co = open_page(PHONE, cast.co.email)
    record_finding(co, review_id, "9", 1, evidence.id, "Samfunnsrollen er ikke beskrevet ennå.")
    looked_at(co, "journey-finding-phone")
    for code in SEQF_AREAS[:-1]:
        record_finding(lead, review_id, code, 3, evidence.id, f"Godt dokumentert praksis i område {code}.")
    looked_at(lead, "journey-finding-tablet")

    # 4. a comment round; the leader corrects a fact in area 5
    lead.goto(f"/reviews/{review_id}/comment-round")
    lead.fill("#until", (clock.today() + dt.timedelta(days=7)).isoformat())
    lead.click("main form button[type=submit]")
    lead.wait_for_selector(".alert--success")
    leader = open_page({"width": 1280, "height": 800}, cast.leader.email)
    leader.goto(f"/reviews/{review_id}/findings")
    leader.fill("#comment-5", "Sjekklisten ble innført i alle avdelinger i september.")
    leader.click("main form button[type=submit]")
    leader.wait_for_selector(".alert--success")
    looked_at(leader, "journey-comments")

    # 5. the lead publishes (with a confirmation)
    lead.goto(f"/reviews/{review_id}/publish")
    looked_at(lead, "journey-publish-confirm")
    lead.click("main form button[type=submit]")
    lead.wait_for_url(f"**/reviews/{review_id}/report**")
    assert "25 / 45" in lead.inner_text("main")  # eight areas at 3, one at 1

    # 6. the coordinator approves (with a confirmation)
    coordinator.goto(f"/reviews/{review_id}/decision")
    coordinator.check("input[name=decision][value=approved]")
    coordinator.click("main form button[type=submit]")
    coordinator.wait_for_selector(".panel--confirm")
    coordinator.click(".panel--confirm button[type=submit]")
    coordinator.wait_for_selector(".alert--success")
    db.session.expire_all()
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.organisation_id == cast.org.id))
    assert certificate.valid_until == certificate.valid_from.replace(year=certificate.valid_from.year + 3) or \
        (certificate.valid_from.month, certificate.valid_from.day) == (2, 29)

    # 7. the leader downloads the report and the certificate
    leader.goto(f"/reviews/{review_id}/report")
    looked_at(leader, "journey-report")
    with leader.expect_download() as report:
        leader.click(f"a[href^='/reviews/{review_id}/report.pdf']")
    text = "".join(p.extract_text() for p in PdfReader(report.value.path()).pages)
    assert cast.org.name in text and "25 / 45" in text and "Sjekklisten ble innført" in text
    leader.goto(f"/certificates/{certificate.id}")
    with leader.expect_download() as pdf:
        leader.click(f"main a[href='/certificates/{certificate.id}/certificate.pdf']")
    assert cast.org.name in "".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)

    # 8. the first follow-up: planned as video with the same lead suggested, three areas, an outcome
    follow_up = db.session.scalar(sa.select(Review).where(
        Review.certificate_id == certificate.id, Review.kind == ReviewKind.follow_up).order_by(Review.due_on))
    assert follow_up.state == ReviewState.due and follow_up.suggested_lead_id == cast.lead.id
    coordinator.goto(f"/reviews/{follow_up.id}/plan-follow-up")
    assert coordinator.locator("#lead").input_value() == str(cast.lead.id)
    assert coordinator.locator("input[name=mode][value=video]").is_checked()
    coordinator.fill("#meeting_url", "https://video.example.no/oppfolging")
    coordinator.fill("#visit_starts_on", follow_up.due_on.isoformat())
    coordinator.fill("#visit_ends_on", follow_up.due_on.isoformat())
    for code in ("1", "5", "8"):
        coordinator.check(f"input[name=areas][value='{code}']")
    looked_at(coordinator, "journey-follow-up-plan")
    with coordinator.expect_navigation():
        coordinator.locator("main form button[type=submit]").last.click()
    for code in ("1", "5", "8"):
        record_finding(lead, follow_up.id, code, 3, evidence.id, f"Planen følges i område {code}.")
    lead.goto(f"/reviews/{follow_up.id}/findings")
    lead.fill("#overall-text", "Tjenesten følger handlingsplanen.")
    lead.check("#outcome-on_track")
    lead.click("#overall button[type=submit]")
    lead.goto(f"/reviews/{follow_up.id}/publish")
    lead.click("main form button[type=submit]")
    lead.wait_for_url(f"**/reviews/{follow_up.id}/report**")
    looked_at(lead, "journey-follow-up-report")
    db.session.expire_all()
    done = db.session.get(Review, follow_up.id)
    assert done.state == ReviewState.published and done.outcome.value == "on_track"
