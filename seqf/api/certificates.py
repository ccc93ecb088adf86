"""API: the certification decision on a published review, certificates, their PDF, withdrawal.

Who may do what follows the HTML pages (``seqf.certification.views``): the decision is for the
coordinator and the review's lead revisor (other roles on the review: 403; no role: 404); a
certificate is readable by the organisation's members, the coordinators and the revisors of the
review that issued it (anyone else: 404); only a coordinator withdraws (403).
"""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from seqf import permissions
from seqf.api import certificate_schemas as s
from seqf.api.core import ApiError, current_api_user, operation
from seqf.extensions import db
from seqf.models import Certificate
from seqf.reports.certificate_pdf import certificate_filename, certificate_pdf
from seqf.services import certification, review_guards


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def certificate_out(cert: Certificate) -> dict:
    return {
        "id": cert.id, "organisation_id": cert.organisation_id, "review_id": cert.review_id,
        "previous_certificate_id": cert.previous_certificate_id, "number": certification.certificate_number(cert),
        "valid_from": cert.valid_from.isoformat(), "valid_until": cert.valid_until.isoformat(),
        "state": certification.certificate_state(cert), "decided_on": _iso(cert.review.decided_on),
        "recertification_due_on": certification.recertification_due_on(cert).isoformat(),
        "withdrawn_at": _iso(cert.withdrawn_at), "withdrawn_reason": cert.withdrawn_reason or None,
        "follow_ups": [{"review_id": r.id, "due_on": r.due_on.isoformat(), "state": r.state.value}
                       for r in certification.follow_ups_of(cert)],
    }


def _readable(certificate_id: int) -> Certificate:
    user = current_api_user()
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not (permissions.can_see_organisation(user, cert.organisation_id)
                            or cert.review.is_assigned(user)):
        raise ApiError(404, "not_found", _("No such certificate, or you do not have access to it."))
    return cert


@operation("/reviews/<int:review_id>/decision", "POST", tag="certificates", body=s.CertDecisionIn,
           response=s.CertDecisionOut, errors=(403, 404, 409),
           summary="Record the certification decision on a published review (coordinator, lead revisor)")
def cert_decide(review_id: int, body: s.CertDecisionIn):
    user = current_api_user()
    review = review_guards.review_or_404(review_id, user)
    cert = certification.decide(user, review, body.decision, body.decided_on)
    db.session.commit()
    return {"certificate": certificate_out(cert) if cert else None}


@operation("/organisations/<int:org>/certificates", tag="certificates", response=list[s.CertificateOut],
           errors=(404,), summary="The organisation's certificates, newest first (members, coordinators)")
def cert_list_for_organisation(org: int):
    permissions.organisation_or_404(current_api_user(), org)
    return [certificate_out(cert) for cert in certification.certificates_of(org)]


@operation("/certificates/<int:certificate_id>", tag="certificates", response=s.CertificateOut, errors=(404,),
           summary="One certificate with its state, follow-ups and recertification date")
def cert_get(certificate_id: int):
    return certificate_out(_readable(certificate_id))


@operation("/certificates/<int:certificate_id>/certificate.pdf", tag="certificates", errors=(404,),
           content_types=("application/pdf",), summary="The certificate as PDF, in the organisation's language")
def cert_pdf(certificate_id: int):
    cert = _readable(certificate_id)
    return Response(certificate_pdf(cert), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate_filename(cert)}"'})


@operation("/certificates/<int:certificate_id>/withdraw", "POST", tag="certificates", body=s.CertWithdrawIn,
           response=s.CertificateOut, errors=(403, 404, 409),
           summary="Withdraw a certificate with a reason (coordinator)")
def cert_withdraw(certificate_id: int, body: s.CertWithdrawIn):
    cert = _readable(certificate_id)
    certification.withdraw(current_api_user(), cert, body.reason)
    db.session.commit()
    return certificate_out(cert)
