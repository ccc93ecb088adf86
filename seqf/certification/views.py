"""Pages: record the decision on a review (with a confirmation step: it is final), an organisation's
certificates, one certificate and its PDF, and withdrawing a certificate (coordinator).

Who sees what: the decision page is for the coordinator and the review's lead revisor; a
certificate for the organisation's members, the coordinators and the revisors of the review that
issued it; the organisation's list for its members and the coordinators. Anyone else gets 404.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from seqf import clock, permissions, workflow
from seqf.certificates import certificate_dates
from seqf.certification import bp
from seqf.certification.forms import DecisionForm, WithdrawForm
from seqf.extensions import db
from seqf.models import Certificate, Review
from seqf.organisations.navigation import add_entry
from seqf.reports.certificate_pdf import certificate_filename, certificate_pdf
from seqf.review_labels import CERTIFICATE_STATE_LABELS, CERTIFICATE_STATE_TAGS
from seqf.services import certification, review_guards
from seqf.services.errors import ServiceError
from seqf.web import Refused, attempt

add_entry("certification.organisation_certificates", _l("Certificates"), permissions.can_see_organisation)




@bp.app_template_global()
def review_overview_url(review: Review) -> str:
    return url_for("reviews.overview", review_id=review.id)


@bp.app_template_global()
def certificate_state_badge(cert: Certificate) -> dict:
    state = certification.certificate_state(cert)
    return {"state": state, "label": CERTIFICATE_STATE_LABELS[state], "tag": CERTIFICATE_STATE_TAGS[state]}


@bp.app_template_global()
def can_record_decision(review: Review) -> bool:
    """For the review overview: may the caller record the decision now?"""
    return workflow.allowed("review", review, "decide", current_user)


@bp.app_template_global()
def certificate_of_review(review: Review) -> Certificate | None:
    return certification.certificate_of_review(review)


def _review(review_id: int) -> tuple[Review, set[str]]:
    try:
        review = review_guards.review_or_404(review_id, current_user)
    except ServiceError:
        abort(404)
    roles = review_guards.review_roles(review, current_user)
    if not roles & certification.DECIDERS:
        abort(403, description=_("Only the coordinator and the lead revisor can record the decision."))
    return review, roles


def can_read_certificate(cert: Certificate) -> bool:
    return (permissions.can_see_organisation(current_user, cert.organisation_id)
            or cert.review.is_assigned(current_user))


def _certificate(certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not can_read_certificate(cert):
        abort(404)
    return cert


# --- the decision ------------------------------------------------------------------------------------

def _decision_page(review: Review, form: DecisionForm, status: int = 200, confirm: bool = False):
    dates = certificate_dates(form.decided_on.data) if confirm and form.decided_on.data else None
    return render_template("certificates/decide.html", review=review, form=form, confirm=confirm, dates=dates,
                           organisation=review.organisation, today=clock.today(),
                           can_decide=workflow.allowed("review", review, "decide", current_user),
                           certificate=certification.certificate_of_review(review)), status


@bp.route("/reviews/<int:review_id>/decision", methods=["GET", "POST"])
@login_required
def decide(review_id: int):
    """Step 1: choose the decision and its date. Step 2: confirm (it is final). Then record it."""
    review, _roles = _review(review_id)
    form = DecisionForm()
    if request.method == "GET":
        form.decided_on.data = form.decided_on.data or clock.today()
        return _decision_page(review, form)
    if not workflow.allowed("review", review, "decide", current_user):
        flash(_("The decision cannot be recorded now."), "error")
        return _decision_page(review, form, 409)
    if not form.validate():
        return _decision_page(review, form, 422)
    try:
        certification.check_decision(review, form.decision.data, form.decided_on.data)
        if request.form.get("confirm") != "yes":
            return _decision_page(review, form, confirm=True)
        cert = attempt(form, lambda: certification.decide(current_user, review, form.decision.data,
                                                           form.decided_on.data))
    except ServiceError as exc:
        for name, message in exc.fields.items():
            getattr(form, name).errors = [*list(getattr(form, name).errors or []), message]
        return _decision_page(review, form, exc.status)
    except Refused as exc:
        db.session.rollback()
        return _decision_page(review, form, getattr(exc.__cause__, "status", 422))
    db.session.commit()
    if cert is not None:
        flash(_("The review is approved and the certificate is issued."), "success")
        return redirect(url_for("certification.certificate", certificate_id=cert.id))
    flash(_("The decision is recorded: not approved."), "success")
    return redirect(url_for("certification.decide", review_id=review.id))


# --- certificates ------------------------------------------------------------------------------------

@bp.get("/organisations/<int:org_id>/certificates")
@login_required
def organisation_certificates(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id)
    certificates = certification.certificates_of(org_id)
    return render_template(
        "certificates/organisation.html", organisation=organisation,
        certificates=[(cert, certification.follow_ups_of(cert), certification.recertification_due_on(cert))
                      for cert in certificates],
        current=certification.current_certificate(org_id))


@bp.get("/certificates/<int:certificate_id>")
@login_required
def certificate(certificate_id: int):
    cert = _certificate(certificate_id)
    return render_template(
        "certificates/certificate.html", certificate=cert, organisation=cert.organisation, review=cert.review,
        number=certification.certificate_number(cert), follow_ups=certification.follow_ups_of(cert),
        recertification=certification.recertification_due_on(cert),
        previous=db.session.get(Certificate, cert.previous_certificate_id) if cert.previous_certificate_id else None,
        can_withdraw=cert.withdrawn_at is None and permissions.oversees_network(current_user),
        member=permissions.can_see_organisation(current_user, cert.organisation_id))


@bp.get("/certificates/<int:certificate_id>/certificate.pdf")
@login_required
def certificate_download(certificate_id: int):
    cert = _certificate(certificate_id)
    return Response(certificate_pdf(cert), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate_filename(cert)}"'})


@bp.route("/certificates/<int:certificate_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(certificate_id: int):
    cert = _certificate(certificate_id)
    if not permissions.oversees_network(current_user):
        abort(403, description=_("Only the network coordinator can withdraw a certificate."))
    form = WithdrawForm()

    def page(status: int = 200, confirm: bool = False):
        return render_template("certificates/withdraw.html", certificate=cert, organisation=cert.organisation,
                               form=form, confirm=confirm, number=certification.certificate_number(cert)), status

    if cert.withdrawn_at is not None:
        flash(_("This certificate has already been withdrawn."), "info")
        return page(409 if request.method == "POST" else 200)
    if request.method == "GET":
        return page()
    if not form.validate():
        return page(422)
    if request.form.get("confirm") != "yes":
        return page(confirm=True)
    try:
        attempt(form, lambda: certification.withdraw(current_user, cert, form.reason.data))
    except Refused as exc:
        db.session.rollback()
        return page(getattr(exc.__cause__, "status", 422))
    db.session.commit()
    flash(_("The certificate is withdrawn and the organisation's leaders are told."), "success")
    return redirect(url_for("certification.certificate", certificate_id=cert.id))
