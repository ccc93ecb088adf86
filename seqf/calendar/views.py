"""Calendar feed and absence pages (issue 8, slice "absence, digest and calendar").

- ``/me/absences``: a member's own absences (dates only — never a reason): add from–to, remove
  after a confirmation. ``/organisations/<id>/absences``: the leaders and org admins see who is away
  now or in the next 60 days and record an absence for a member.
- ``/organisations/<id>/calendar`` and ``/me/calendar``: what a calendar subscription is, and the
  caller's secret feed URL. Only the token's hash is stored, so the URL is shown once, right after
  it is made; later the page offers to make a new one (which stops the old one at once).
- ``/calendar/<token>.ics``: the feed itself, no log-in; an unknown or replaced token is a bare 404.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from seqf import permissions
from seqf.calendar import bp
from seqf.calendar.forms import AbsenceForm, MemberAbsenceForm
from seqf.extensions import db
from seqf.models import User
from seqf.reports import plan_ics
from seqf.services import absences as absence_service
from seqf.services import calendar_feeds
from seqf.services import goals as goal_service
from seqf.services.errors import ServiceError
from seqf.urls import external_url
from seqf.web import Refused, attempt

CACHE = "private, max-age=300"


def _register(state) -> None:
    from seqf.organisations.navigation import add_entry

    state.app.add_template_global(absence_service.acting_owner, "acting_owner")
    state.app.add_template_global(absence_service.is_away, "is_away")
    add_entry("calendar.org_feed", _l("Calendar"), permissions.is_member)


bp.record_once(_register)


def feed_url(token: str) -> str:
    return external_url("calendar.feed", token=token)


# --- absences ------------------------------------------------------------------------------------

@bp.route("/me/absences", methods=["GET", "POST"])
@login_required
def absences():
    form = AbsenceForm()
    status = 200
    if form.validate_on_submit():
        try:
            absence = attempt(form, lambda: absence_service.record_absence(
                current_user, current_user, form.starts_on.data, form.ends_on.data))
        except Refused:
            db.session.rollback()
            status = 422
        else:
            flash(_("Your absence from %(a)s to %(b)s is recorded.", a=absence.starts_on.isoformat(),
                    b=absence.ends_on.isoformat()), "success")
            return redirect(url_for("calendar.absences"))
    elif request.method == "POST":
        status = 422
    return render_template("calendar/absences.html", form=form,
                           absences=absence_service.absences_of(current_user)), status


@bp.route("/absences/<int:absence_id>/delete", methods=["GET", "POST"])
@login_required
def absence_delete(absence_id: int):
    try:
        absence = absence_service.absence_or_404(absence_id, current_user)
    except ServiceError:
        abort(404)
    org_id = request.args.get("org_id", type=int)
    back = (url_for("calendar.org_absences", org_id=org_id)
            if org_id and permissions.can_lead(current_user, org_id) else url_for("calendar.absences"))
    if request.method == "POST" and request.form.get("confirm") == "yes":
        absence_service.delete_absence(current_user, absence)
        flash(_("The absence is removed."), "success")
        return redirect(back)
    return render_template("calendar/absence_delete.html", absence=absence, back=back)


@bp.route("/organisations/<int:org_id>/absences", methods=["GET", "POST"])
@login_required
def org_absences(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.can_lead)
    form = MemberAbsenceForm()
    people = goal_service.members(org_id)
    form.user_id.choices = [(u.id, u.name) for u in people]
    status = 200
    if form.validate_on_submit():
        member = db.session.get(User, form.user_id.data) if form.user_id.data in {u.id for u in people} else None
        if member is None:
            form.user_id.errors = [_("Choose a member of the organisation.")]
            status = 422
        else:
            try:
                absence = attempt(form, lambda: absence_service.record_absence(
                    current_user, member, form.starts_on.data, form.ends_on.data))
            except Refused:
                db.session.rollback()
                status = 422
            else:
                flash(_("The absence of %(name)s from %(a)s to %(b)s is recorded.", name=member.name,
                        a=absence.starts_on.isoformat(), b=absence.ends_on.isoformat()), "success")
                return redirect(url_for("calendar.org_absences", org_id=org_id))
    elif request.method == "POST":
        status = 422
    return render_template("calendar/org_absences.html", organisation=organisation, form=form,
                           absences=absence_service.organisation_absences(org_id)), status


# --- feeds ---------------------------------------------------------------------------------------

def _feed_page(organisation, organisation_id: int | None, template: str):
    feed = calendar_feeds.feed_of(current_user, organisation_id)
    lead = organisation_id is not None and permissions.can_lead(current_user, organisation_id)
    url = None
    if request.method == "POST":
        if feed is not None and request.form.get("confirm") != "yes":
            return render_template(template, organisation=organisation, feed=feed, url=None, confirming=True,
                                   permissions_can_lead=lead)
        url = feed_url(calendar_feeds.regenerate(current_user, organisation_id))
        feed = calendar_feeds.feed_of(current_user, organisation_id)
        flash(_("Your new calendar link is ready. Copy it now: it is shown only this once."), "success")
    return render_template(template, organisation=organisation, feed=feed, url=url, confirming=False,
                           permissions_can_lead=lead)


@bp.route("/organisations/<int:org_id>/calendar", methods=["GET", "POST"])
@login_required
def org_feed(org_id: int):
    organisation = permissions.organisation_or_404(current_user, org_id, permissions.is_member)
    return _feed_page(organisation, org_id, "calendar/org_feed.html")


@bp.route("/me/calendar", methods=["GET", "POST"])
@login_required
def my_feed():
    return _feed_page(None, None, "calendar/my_feed.html")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    opened = calendar_feeds.open_feed(token)
    if opened is None:
        abort(404)
    found, organisation = opened
    if organisation is None:
        body = plan_ics.person_ics(found.user)
    else:
        body = plan_ics.organisation_ics(organisation)
    calendar_feeds.touch(found)
    db.session.commit()
    return Response(body, mimetype="text/calendar", headers={
        "Cache-Control": CACHE, "Content-Disposition": 'inline; filename="seqf.ics"'})
