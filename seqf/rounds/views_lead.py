"""Leading rounds: the list and the form to open one, the overview (summary for leaders), close and reopen."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import clock, permissions
from seqf.extensions import db
from seqf.rounds import bp, pages
from seqf.rounds.access import can_lead, round_or_404, status_of
from seqf.rounds.forms import OpenRoundForm
from seqf.services import rounds
from seqf.web import Refused, attempt


@bp.route("/organisations/<int:org_id>/rounds", methods=["GET", "POST"])
@login_required
def index(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.is_member)
    leads = permissions.can_lead(current_user, org_id)
    form = None
    status = 200
    if leads:
        form = OpenRoundForm(organisation)
        form.set_defaults(clock.today())
        if form.validate_on_submit():
            try:
                round_ = attempt(form, lambda: rounds.open_round(
                    current_user, organisation, title=form.title.data, closes_on=form.closes_on.data,
                    participant_ids=form.participant_ids))
            except Refused as exc:
                status = status_of(exc)
            else:
                flash(_("The round is open. The participants are invited by e-mail."), "success")
                return redirect(url_for("rounds.overview", round_id=round_.id))
        elif request.method == "POST":
            status = 422
    elif request.method == "POST":
        abort(403, description=_("Only leaders can open a round."))
    all_rounds = db.session.scalars(rounds.rounds_for(organisation)).all()
    return render_template("rounds/index.html", organisation=organisation, rounds=all_rounds, form=form,
                           progress=rounds.progress_of_rounds([r.id for r in all_rounds]),
                           mine=pages.my_participation(all_rounds), today=clock.today()), status


@bp.get("/rounds/<int:round_id>")
@login_required
def overview(round_id: int):
    round_ = round_or_404(round_id)
    if can_lead(round_):
        return render_template("rounds/summary.html", **pages.summary_context(round_))
    return render_template("rounds/overview.html", **pages.member_context(round_))


@bp.get("/rounds/<int:round_id>/summary")
@login_required
def summary(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    return render_template("rounds/summary.html", **pages.summary_context(round_))


def _transition(round_id: int, service, done_message: str, next_endpoint: str):
    round_ = round_or_404(round_id, lead=True)
    try:
        attempt(None, lambda: service(current_user, round_))
    except Refused as exc:
        return render_template("rounds/summary.html", **pages.summary_context(round_)), status_of(exc)
    flash(done_message, "success")
    return redirect(url_for(next_endpoint, round_id=round_.id))


@bp.post("/rounds/<int:round_id>/close")
@login_required
def close(round_id: int):
    return _transition(round_id, rounds.close_round,
                       _("The round is closed. Agree the consensus area by area."), "rounds.consensus")


@bp.post("/rounds/<int:round_id>/reopen")
@login_required
def reopen(round_id: int):
    return _transition(round_id, rounds.reopen_round, _("The round is open again."), "rounds.overview")
