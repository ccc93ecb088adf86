"""The action plan as PDF and XLSX (issue 8, slice "follow-up, dashboard and exports").

Whoever reads the plan (its members; coordinators and admins, who oversee the network) downloads
it; anyone else gets 404, the plan's existence is not revealed.
"""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user, login_required

from seqf.extensions import db
from seqf.models import Organisation, User
from seqf.plans import bp
from seqf.reports.plan_pdf import plan_filename, plan_pdf
from seqf.reports.plan_xlsx import plan_xlsx
from seqf.services import plan_guards

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def member_organisation(user: User, org_id: int) -> Organisation | None:
    """The organisation when ``user`` may read its plan; None otherwise."""
    organisation = db.session.get(Organisation, org_id)
    if organisation is None or not plan_guards.can_read_plan(user, org_id):
        return None
    return organisation


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/organisations/<int:org_id>/plan.pdf", endpoint="plan_pdf")
@login_required
def plan_pdf_download(org_id: int):
    organisation = member_organisation(current_user, org_id) or abort(404)
    return _download(plan_pdf(organisation), "application/pdf", plan_filename(organisation, "pdf"))


@bp.get("/organisations/<int:org_id>/plan.xlsx", endpoint="plan_xlsx")
@login_required
def plan_xlsx_download(org_id: int):
    organisation = member_organisation(current_user, org_id) or abort(404)
    return _download(plan_xlsx(organisation), XLSX, plan_filename(organisation, "xlsx"))
