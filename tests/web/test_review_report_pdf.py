"""The typeset report: its text (organisation, all nine areas, the total out of 45), the cache, the
radar in the PDF, the short follow-up report, and the time it takes (target ≤ 2 s)."""

from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader

from seqf.extensions import db
from seqf.models import ReviewKind
from seqf.reports import review_report
from seqf.services import findings as finding_service
from seqf.services import instruments as instrument_service
from seqf.services import publication
from tests.web.findings_helpers import consensus_round, finding, record_all, setup
from tests.web.review_helpers import SEQF_AREAS, make_review


@pytest.fixture
def cast(make_org, make_user):
    return setup(make_org, make_user)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(value: str) -> str:
    return " ".join(value.split())


def test_report_pdf_names_the_organisation_every_area_and_the_total(cast):
    consensus_round(cast, {code: 2 for code in SEQF_AREAS})
    record_all(cast.review, cast.lead, cast.evidence.id, scores={"1": 5})
    finding_service.save_overall(cast.lead, cast.review, "**Strong** service overall")
    version = publication.publish(cast.lead, cast.review)
    db.session.commit()
    started = time.perf_counter()
    data = review_report.report_pdf(version)
    elapsed = time.perf_counter() - started
    assert data.startswith(b"%PDF")
    body = _flat(pdf_text(data))
    assert cast.org.name in body
    areas = instrument_service.instrument_areas(instrument_service.current_instrument("seqf"))
    for area in areas:
        assert _flat(area["title"]["nb"]) in body, area["title"]["nb"]
    assert "29 / 45" in body
    assert "1.1" in body and "Strong service overall" in body
    assert "Side 1 av" in body  # page numbers, in the report's language (nb)
    assert elapsed < 6  # target 2 s (bench/report_pdf.py); generous for a shared CI machine
    db.session.commit()
    db.session.expire_all()
    assert review_report.report_pdf(version) == data  # cached


def test_report_pdf_in_english_when_the_leaders_use_english(cast):
    cast.leader.language = "en"
    cast.org_admin.language = "en"
    record_all(cast.review, cast.lead, cast.evidence.id)
    version = publication.publish(cast.lead, cast.review)
    db.session.commit()
    body = _flat(pdf_text(review_report.report_pdf(version)))
    assert version.language == "en"
    assert "Page 1 of" in body and "27 / 45" in body


def test_follow_up_short_report_pdf_has_its_areas_and_outcome(cast):
    follow = make_review(cast.org, cast.lead, kind=ReviewKind.follow_up, areas=["3", "5"])
    for code in ("3", "5"):
        finding_service.record_finding(cast.lead, follow, finding(code, 2, cast.evidence.id))
    finding_service.save_overall(cast.lead, follow, "Fine", "at_risk")
    version = publication.publish(cast.lead, follow)
    db.session.commit()
    body = _flat(pdf_text(review_report.report_pdf(version)))
    assert "4 / 10" in body
    assert "Sertifikatet er i fare" in body or "Certificate at risk" in body


@pytest.mark.parametrize("who, status", [("leader", 200), ("staff", 200), ("other_revisor", 404)])
def test_report_pdf_download_by_role(cast, client, auth, who, status):
    record_all(cast.review, cast.lead, cast.evidence.id)
    publication.publish(cast.lead, cast.review)
    db.session.commit()
    user = cast.staff[0] if who == "staff" else getattr(cast, who)
    auth.login(user)
    response = client.get(f"/reviews/{cast.review.id}/report.pdf")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "application/pdf"
        assert cast.org.name in _flat(pdf_text(response.data))


def test_draft_pdf_for_revisors_only(cast, client, auth):
    record_all(cast.review, cast.lead, cast.evidence.id)
    auth.login(cast.co)
    response = client.get(f"/reviews/{cast.review.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    auth.logout()
    auth.login(cast.leader)
    assert client.get(f"/reviews/{cast.review.id}/report.pdf").status_code == 403
