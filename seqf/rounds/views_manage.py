"""Leader actions that ask first: close (confirm page), delete a round opened by mistake, and
"Send reminder now". The confirm pages are plain server-rendered pages, so they work without
JavaScript under the strict CSP; the POST to close stays in ``views_lead``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seqf import aggregation, workflow
from seqf.rounds import bp
from seqf.rounds.access import round_or_404, status_of
from seqf.security import safe_next
from seqf.services import round_summary, rounds
from seqf.services.round_notices import not_submitted, send_reminders_now
from seqf.services.round_removal import answered_count, delete_round
from seqf.web import Refused, attempt


@bp.app_template_global()
def round_deletable(round_) -> bool:
    """For the round pages: may the caller delete this round now (open, nobody has answered)?"""
    return workflow.allowed("round", round_, "delete", current_user)


def _people_left(round_) -> list[dict]:
    """Participants who have not submitted, the caller marked (she may be one of them)."""
    return [{"name": u.name, "me": u.id == current_user.id} for u in not_submitted(round_, active_only=False)]


@bp.get("/rounds/<int:round_id>/close")
@login_required
def close_confirm(round_id: int):
    """What closing means, before the leader confirms: who has not submitted, what stops counting."""
    round_ = round_or_404(round_id, lead=True)
    if not workflow.allowed("round", round_, "close", current_user):
        flash(_("This round cannot be closed now."), "info")
        return redirect(url_for("rounds.overview", round_id=round_.id))
    invited, submitted = rounds.progress_of_rounds([round_.id])[round_.id]
    return render_template("rounds/close_confirm.html", round=round_, organisation=round_.organisation,
                           left=_people_left(round_), invited=invited, submitted=submitted,
                           staff_submitted=round_summary.submitted_by_staff(round_),
                           threshold=aggregation.effective_threshold(round_.anonymity_threshold))


def _delete_page(round_, status: int = 200):
    answered = answered_count(round_)
    return render_template("rounds/delete_confirm.html", round=round_, organisation=round_.organisation,
                           answered=answered, participants=len(rounds.participant_ids(round_)),
                           can_delete=workflow.allowed("round", round_, "delete", current_user)), status


@bp.get("/rounds/<int:round_id>/delete")
@login_required
def delete_confirm(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    return _delete_page(round_)


@bp.post("/rounds/<int:round_id>/delete")
@login_required
def delete(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    org_id = round_.organisation_id
    try:
        title = attempt(None, lambda: delete_round(current_user, round_))
    except Refused as exc:
        return _delete_page(round_, status_of(exc))
    flash(_("The round “%(title)s” is deleted. The participants are told by e-mail that it was withdrawn.",
            title=title), "success")
    return redirect(url_for("rounds.index", org_id=org_id))


@bp.post("/rounds/<int:round_id>/remind")
@login_required
def remind(round_id: int):
    """Mail everyone who has not submitted; a second click the same day mails nobody again."""
    round_ = round_or_404(round_id, lead=True)
    back = safe_next(request.form.get("next"), url_for("main.dashboard"))
    try:
        reminded = attempt(None, lambda: send_reminders_now(current_user, round_))
    except Refused:
        return redirect(back)
    if reminded:
        flash(ngettext("%(num)d participant was reminded by e-mail.",
                       "%(num)d participants were reminded by e-mail.", reminded), "success")
    elif not_submitted(round_):
        flash(_("Nobody was reminded: everyone who has not submitted already got a reminder today."), "info")
    else:
        flash(_("Everyone has submitted; there is nobody to remind."), "info")
    return redirect(back)
