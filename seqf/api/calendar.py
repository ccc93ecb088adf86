"""API: calendar (issue 8) — the ICS feeds with a bearer token, secret feed URLs, absences.

- ``GET /organisations/{org}/calendar.ics``: members only (anyone else 404);
  ``GET /me/calendar.ics``: the caller's personal feed.
- ``POST /organisations/{org}/calendar-feed`` / ``POST /me/calendar-feed`` → 201 ``{"url"}``: a new
  secret URL for calendar apps (the previous one stops working at once).
- ``GET /me/absences``, ``POST /me/absences`` ``{starts_on, ends_on}`` → 201 (an overlapping or
  adjacent absence is merged and the merged one returned), ``DELETE /absences/{id}`` → 204.
"""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from seqf import permissions
from seqf.api import calendar_schemas as s
from seqf.api.core import ApiError, current_api_user, operation
from seqf.extensions import db
from seqf.models import Absence, Organisation
from seqf.reports import plan_ics
from seqf.services import absences as absence_service
from seqf.services import calendar_feeds, plan_guards
from seqf.urls import external_url


def _member_org(org: int) -> Organisation:
    """The organisation for a calendar call: members; coordinators and admins, who read every plan,
    get the calendar but no feed of their own (403); anyone else 404."""
    user = current_api_user()
    organisation = db.session.get(Organisation, org)
    if organisation is None or not plan_guards.can_read_plan(user, org):
        raise ApiError(404, "not_found", _("No such organisation, or you are not a member of it."))
    return organisation


def _feed_org(org: int) -> Organisation:
    organisation = _member_org(org)
    if permissions.member_role(current_api_user(), org) is None:
        raise ApiError(403, "forbidden", _("Only members of the organisation have a calendar link for it."))
    return organisation


def _ics(body: bytes) -> Response:
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="seqf.ics"'})


def absence_out(absence: Absence) -> dict:
    return {"id": absence.id, "user_id": absence.user_id, "starts_on": absence.starts_on.isoformat(),
            "ends_on": absence.ends_on.isoformat()}


@operation("/organisations/<int:org>/calendar.ics", tag="calendar", errors=(404,), content_types=("text/calendar",),
           summary="The organisation's action-plan calendar as iCalendar (members)")
def calendar_organisation_ics(org: int):
    return _ics(plan_ics.organisation_ics(_member_org(org)))


@operation("/me/calendar.ics", tag="calendar", content_types=("text/calendar",),
           summary="The caller's personal action-plan calendar as iCalendar")
def calendar_my_ics():
    return _ics(plan_ics.person_ics(current_api_user()))


@operation("/organisations/<int:org>/calendar-feed", "POST", tag="calendar", response=s.CalendarFeedOut,
           status=201, errors=(403, 404),
           summary="A new secret URL of the organisation's calendar for calendar apps (the old one stops working)")
def calendar_organisation_feed(org: int):
    _feed_org(org)
    token = calendar_feeds.regenerate(current_api_user(), org)
    db.session.commit()
    return {"url": external_url("calendar.feed", token=token)}


@operation("/me/calendar-feed", "POST", tag="calendar", response=s.CalendarFeedOut, status=201,
           summary="A new secret URL of the caller's personal calendar (the old one stops working)")
def calendar_my_feed():
    token = calendar_feeds.regenerate(current_api_user(), None)
    db.session.commit()
    return {"url": external_url("calendar.feed", token=token)}


@operation("/me/absences", tag="calendar", response=list[s.CalendarAbsenceOut],
           summary="The caller's current and coming absences (dates only)")
def calendar_my_absences():
    return [absence_out(a) for a in absence_service.absences_of(current_api_user())]


@operation("/me/absences", "POST", tag="calendar", body=s.CalendarAbsenceIn, response=s.CalendarAbsenceOut,
           status=201, errors=(422,),
           summary="Record an absence of the caller (merged with an overlapping or adjacent one)")
def calendar_add_absence(body: s.CalendarAbsenceIn):
    user = current_api_user()
    absence = absence_service.record_absence(user, user, body.starts_on, body.ends_on)
    db.session.commit()
    return absence_out(absence)


@operation("/absences/<int:absence_id>", "DELETE", tag="calendar", status=204, errors=(404,),
           summary="Remove an absence (one's own, or of a member of an organisation one leads)")
def calendar_delete_absence(absence_id: int):
    user = current_api_user()
    absence = absence_service.absence_or_404(absence_id, user)
    absence_service.delete_absence(user, absence)
    db.session.commit()
    return None
