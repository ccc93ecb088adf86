"""The certificate as a one-page PDF (``templates/pdf/certificate.html``).

It is typeset in the organisation's language (``certification.document_language``: English only
when most of its leaders chose English, Bokmål otherwise) because it is the organisation's document,
whoever downloads it. It is rendered on request and not stored: a withdrawal must show at once.
"""

from __future__ import annotations

from seqf.models import Certificate
from seqf.reports.pdf import render_pdf
from seqf.services import certification


def certificate_filename(cert: Certificate) -> str:
    return f"certificate-{certification.certificate_number(cert)}.pdf"


def certificate_pdf(cert: Certificate, language: str | None = None) -> bytes:
    dates = certification.dates_of(cert)
    review = cert.review
    lead = review.lead
    language = language or certification.document_language(cert.organisation_id)
    return render_pdf(
        "pdf/certificate.html", language, instrument_title=review.instrument.title(language),
        certificate=cert, review=review, organisation=cert.organisation,
        instrument=review.instrument.slug.upper(),
        number=certification.certificate_number(cert), lead_name=lead.name if lead else "",
        follow_ups=dates.follow_ups, recertification=dates.recertification_planned,
    )
