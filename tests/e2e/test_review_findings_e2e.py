"""Findings to published report in Chromium: a revisor records a finding on a tablet (768×1024), the
leader comments in the comment round, the lead revisor publishes, the leader reads the report (and on
a phone). axe-core and the basic checks run on every page on the way; screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.services import findings as finding_service
from tests.e2e.helpers import PHONE, accessibility_problems, log_in, path_of, screenshot
from tests.web.findings_helpers import consensus_round, finding, setup

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def checked(page, name: str) -> None:
    """Screenshot, the basic checks and axe-core: any problem fails the test."""
    screenshot(page, name)
    assert accessibility_problems(page) == [], name
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)
    assert not violations, f"{name}: " + "; ".join(f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
                                                   for v in violations)


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, base_url=live_server, locale="nb-NO",
                                      timezone_id="Europe/Oslo", bypass_csp=True)  # lets the test inject axe
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_finding_comment_publish_and_read(open_page, make_org, make_user):
    cast = setup(make_org, make_user)
    consensus_round(cast, {"1": 2})
    for code in [str(n) for n in range(2, 10)]:
        finding_service.record_finding(cast.co, cast.review, finding(code, 3, cast.evidence.id,
                                                                      recommendations=[f"Tiltak {code}"]))
    db.session.commit()
    rid = cast.review.id

    # the lead revisor records area 1 on a tablet, starting from the consensus
    tablet = open_page(TABLET)
    log_in(tablet, cast.lead.email)
    tablet.goto(f"/reviews/{rid}/findings/1")
    assert tablet.locator("#justification").input_value() != "" or tablet.locator(".alert--info").count()
    checked(tablet, "review-finding-tablet")
    for box in tablet.locator("#step-3 input[type=checkbox]").all():
        box.check()
    tablet.select_option("#ev-3", str(cast.evidence.id))
    tablet.fill("#justification", "Rutinen er beskrevet og brukt i praksis.")
    tablet.fill("#recommendations", "Skriv ned rutinen\nLær opp nye medarbeidere")
    tablet.click("button[name=action][value=save]")
    tablet.wait_for_selector(".finding-scores")
    assert "1.2" in tablet.inner_text("main")
    screenshot(tablet, "review-finding-saved-tablet")
    tablet.goto(f"/reviews/{rid}/findings")
    checked(tablet, "review-findings-list-tablet")
    co_phone = open_page(PHONE)  # the co-revisor on a phone: the comparison stacks under the form
    log_in(co_phone, cast.co.email)
    co_phone.goto(f"/reviews/{rid}/findings/2")
    checked(co_phone, "review-finding-phone")

    # the lead opens the comment round
    tablet.goto(f"/reviews/{rid}/comment-round")
    tablet.fill("#until", (clock.today() + dt.timedelta(days=7)).isoformat())
    checked(tablet, "review-comment-round-open")
    tablet.click("main form button[type=submit]")
    tablet.wait_for_url(lambda url: url.endswith(f"/reviews/{rid}/findings"))

    # the leader comments on area 3
    leader = open_page(TABLET)
    log_in(leader, cast.leader.email)
    leader.goto(f"/reviews/{rid}/findings")
    checked(leader, "review-comments-leader")
    leader.fill("#comment-3", "Rutinen ble innført i mai, ikke i august.")
    leader.click("main form button[type=submit]")
    leader.wait_for_selector(".alert--success")

    # the lead sees the comment beside the finding, then publishes after the confirmation page
    tablet.goto(f"/reviews/{rid}/findings/3")
    assert "innført i mai" in tablet.inner_text("main")
    tablet.goto(f"/reviews/{rid}/publish")
    checked(tablet, "review-publish-confirm")
    tablet.click("main form button[type=submit]")
    tablet.wait_for_url(lambda url: url.endswith(f"/reviews/{rid}/report"))

    # the leader reads the report, on a tablet and on a phone, and downloads the PDF
    leader.goto(f"/reviews/{rid}/report")
    body = leader.inner_text("main")
    assert cast.org.name in body and "/ 45" in body and "innført i mai" in body
    checked(leader, "review-report-leader")
    with leader.expect_download() as download:
        leader.click(f"a[href^='/reviews/{rid}/report.pdf']")
    assert download.value.suggested_filename.endswith(".pdf")
    phone = open_page(PHONE)
    log_in(phone, cast.leader.email)
    phone.goto(f"/reviews/{rid}/report")
    assert path_of(phone) == f"/reviews/{rid}/report"
    checked(phone, "review-report-phone")
