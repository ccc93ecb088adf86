"""Agreeing the consensus of a closed round, one area per page, pre-filled from the staff median.

Each area carries the version the page was based on: when another leader saved the same area
first, the page answers 409, shows both versions and keeps what was typed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf.extensions import db
from seqf.rounds import bp, forms, pages
from seqf.rounds.access import area_or_404, round_or_404, status_of
from seqf.services import rounds
from seqf.services.assessments import StaleVersion
from seqf.web import Refused, attempt


@bp.route("/rounds/<int:round_id>/consensus", methods=["GET", "POST"])
@login_required
def consensus(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    areas = rounds.round_areas(round_)
    index, area = area_or_404(areas, request.args.get("area"))
    posted = None
    conflict = None
    status = 200
    if request.method == "POST":
        posted = forms.consensus_from_form(request.form, area)
        try:
            attempt(None, lambda: rounds.record_consensus(current_user, round_, [posted]))
        except Refused as exc:
            db.session.rollback()
            status = status_of(exc)
            if isinstance(exc.__cause__, StaleVersion):
                conflict = exc.__cause__
        else:
            flash(_("The consensus for “%(area)s” is saved.", area=pages.area_label(area)), "success")
            return redirect(_after_save(round_.id, areas, index, request.form.get("action")))
    context = pages.consensus_context(round_, areas, index, posted, conflict)
    if not context["can_record"] and status == 200:
        status = 409  # an open round has no consensus yet; the page says why
    return render_template("rounds/consensus.html", **context), status


def _after_save(round_id: int, areas: list[dict], index: int, action: str | None) -> str:
    if action == "previous" and index > 0:
        return url_for("rounds.consensus", round_id=round_id, area=areas[index - 1]["code"])
    if action == "next":
        if index + 1 < len(areas):
            return url_for("rounds.consensus", round_id=round_id, area=areas[index + 1]["code"])
        return url_for("rounds.results", round_id=round_id)
    return url_for("rounds.consensus", round_id=round_id, area=areas[index]["code"])
