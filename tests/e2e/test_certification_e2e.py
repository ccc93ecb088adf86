"""Certification in Chromium: the coordinator records an approval (with its confirmation step) on a
desktop, then the organisation's leader opens the certificate on a 360×740 phone and downloads the PDF.

Selectors use names, values and hrefs, so the test holds whatever the UI language.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from seqf.extensions import db
from seqf.models import Certificate
from tests.e2e.helpers import accessibility_problems, log_in, path_of, screenshot, wait_for_mail
from tests.web.cert_helpers import published_review
from tests.web.review_helpers import review_cast

pytestmark = pytest.mark.e2e


def test_coordinator_approves_and_the_leader_downloads_the_certificate(page, phone_page, live_server, mailbox,
                                                                       make_org, make_user):
    cast = review_cast(make_org, make_user)
    review = published_review(cast)

    log_in(page, cast.coordinator.email)
    page.goto(f"/reviews/{review.id}/decision")
    assert accessibility_problems(page) == []
    screenshot(page, "cert-decide")
    page.check("input[name=decision][value=approved]")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".panel--confirm")
    assert accessibility_problems(page) == []
    screenshot(page, "cert-decide-confirm")
    page.click(".panel--confirm button[type=submit]")
    page.wait_for_url(re.compile(r"/certificates/\d+$"))
    certificate_id = int(path_of(page).rsplit("/", 1)[1])
    db.session.expire_all()
    cert = db.session.get(Certificate, certificate_id)
    assert cert is not None and cert.review_id == review.id
    assert accessibility_problems(page) == []
    screenshot(page, "cert-certificate-coordinator")
    notice = wait_for_mail(mailbox, cast.leader.email)
    assert f"/certificates/{certificate_id}" in notice.get_content()

    log_in(phone_page, cast.leader.email)
    phone_page.goto(f"/organisations/{cast.org.id}/certificates")
    assert accessibility_problems(phone_page) == []
    screenshot(phone_page, "cert-organisation-phone")
    phone_page.click(f"main a[href='/certificates/{certificate_id}']")
    phone_page.wait_for_url(re.compile(rf"/certificates/{certificate_id}$"))
    assert accessibility_problems(phone_page) == []
    screenshot(phone_page, "cert-certificate-phone")
    with phone_page.expect_download() as info:
        phone_page.click(f"main a[href='/certificates/{certificate_id}/certificate.pdf']")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Jobbhuset AS" in text and "Sertifikat" in text
    assert str(cert.valid_until.year) in text
