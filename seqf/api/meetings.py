"""API: meeting series and meetings (issue 8, slice "meetings").

Every member of the organisation reads series and meetings; anyone else gets 404 (as on the pages).
Leaders and org admins create and change series; the series' participants and the leaders run a
meeting (agenda, minutes, attendees); the leaders approve the previous meeting's minutes from the
next meeting of the same series, after which they are locked (409 ``locked``).

``POST /meeting-series/{id}/meetings {"held_on"}`` opens the occurrence held on that day (after
moves); a day without a meeting of the series is refused (422 ``not_a_meeting_day``), no extra
occurrence is made up. Opening the same occurrence twice returns the same meeting (201 both times:
the answer is "this is the meeting of that day", whoever opened it first).
"""

from __future__ import annotations

from flask import Response, jsonify

from seqf.api import meeting_schemas as s
from seqf.api.core import current_api_user, iso, operation
from seqf.extensions import db
from seqf.markdown import render_markdown
from seqf.models import Meeting, MeetingSeries
from seqf.reports.meeting_pdf import meeting_filename, meeting_pdf
from seqf.services import meeting_calendar, plan_guards
from seqf.services import meetings as service


def series_out(series: MeetingSeries) -> dict:
    upcoming = meeting_calendar.upcoming(series, 6)
    opened = {m.planned_on: m.id for m in db.session.scalars(
        db.select(Meeting).where(Meeting.series_id == series.id,
                                 Meeting.planned_on.in_([o.planned_on for o in upcoming])))} if upcoming else {}
    return {
        "id": series.id, "organisation_id": series.organisation_id, "title": series.title,
        "interval_days": series.interval_days, "first_on": iso(series.first_on), "ends_on": iso(series.ends_on),
        "starts_at": series.starts_at.strftime("%H:%M") if series.starts_at else None,
        "duration_minutes": series.duration_minutes, "place": series.place, "video_url": series.video_url,
        "participants": [{"id": u.id, "name": u.name} for u in series.participants], "version": series.version,
        "upcoming": [iso(o.held_on) for o in upcoming],
        "occurrences": [{"planned_on": iso(o.planned_on), "held_on": iso(o.held_on), "moved": o.moved,
                         "meeting_id": opened.get(o.planned_on)} for o in upcoming],
        "changes": [{"planned_on": iso(c.planned_on), "moved_to": iso(c.moved_to), "cancelled": c.cancelled,
                     "reason": c.reason} for c in sorted(series.changes, key=lambda c: c.planned_on)],
    }


def meeting_out(meeting: Meeting) -> dict:
    previous = service.previous_meeting(meeting)
    return {
        "id": meeting.id, "series_id": meeting.series_id, "organisation_id": meeting.organisation_id,
        "title": meeting.series.title, "planned_on": iso(meeting.planned_on), "held_on": iso(meeting.held_on),
        "state": meeting.state.value, "agenda": meeting.agenda or {},
        "agenda_generated_at": iso(meeting.agenda_generated_at), "minutes": meeting.minutes,
        "minutes_html": str(render_markdown(meeting.minutes)), "minutes_version": meeting.minutes_version,
        "attendees": [{"id": u.id, "name": u.name} for u in meeting.attendees],
        "approved_at": iso(meeting.approved_at), "approved_in_id": meeting.approved_in_id,
        "previous_meeting_id": previous.id if previous else None,
    }


def _series(series_id: int) -> MeetingSeries:
    return plan_guards.series_or_404(series_id, current_api_user())


def _meeting(meeting_id: int) -> Meeting:
    return plan_guards.meeting_or_404(meeting_id, current_api_user())


@operation("/organisations/<int:org>/meeting-series", "POST", tag="meetings", body=s.MeetingSeriesIn,
           response=s.MeetingSeriesOut, status=201, errors=(403, 404),
           summary="Create a meeting series (leaders, org admins)")
def meeting_series_create(org: int, body: s.MeetingSeriesIn):
    user = current_api_user()
    organisation = plan_guards.organisation_plan_or_404(org, user)
    changes = body.model_dump(exclude_unset=True)
    series = service.create_series(user, organisation, changes)
    db.session.commit()
    return series_out(series)


@operation("/organisations/<int:org>/meeting-series", tag="meetings", response=list[s.MeetingSeriesOut],
           errors=(404,), summary="The organisation's meeting series with their upcoming dates (members)")
def meeting_series_list(org: int):
    plan_guards.organisation_plan_or_404(org, current_api_user())
    return [series_out(series) for series in meeting_calendar.series_of(org)]


@operation("/meeting-series/<int:series_id>", tag="meetings", response=s.MeetingSeriesOut, errors=(404,),
           summary="One meeting series with its next six dates")
def meeting_series_get(series_id: int):
    return series_out(_series(series_id))


@operation("/meeting-series/<int:series_id>", "PATCH", tag="meetings", body=s.MeetingSeriesPatch,
           response=s.MeetingSeriesOut, errors=(403, 404, 409),
           summary="Change a meeting series (leaders); name the version to be refused a stale save")
def meeting_series_patch(series_id: int, body: s.MeetingSeriesPatch):
    series = _series(series_id)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    service.edit_series(current_api_user(), series, version, changes)
    db.session.commit()
    return series_out(series)


@operation("/meeting-series/<int:series_id>/changes", "POST", tag="meetings", body=s.MeetingChangeIn,
           response=s.MeetingSeriesOut, errors=(403, 404, 409),
           summary="Move one occurrence (by its planned date) to another day, or cancel it (leaders)")
def meeting_series_change(series_id: int, body: s.MeetingChangeIn):
    series = _series(series_id)
    service.change_occurrence(current_api_user(), series, body.planned_on, moved_to=body.moved_to,
                              cancelled=body.cancelled, reason=body.reason)
    db.session.commit()
    db.session.refresh(series)
    return series_out(series)


@operation("/meeting-series/<int:series_id>/meetings", "POST", tag="meetings", body=s.MeetingOpenIn,
           response=s.MeetingOut, status=201, errors=(403, 404, 409),
           summary="Open the meeting held on a day (generates the agenda; the same meeting if already open)")
def meeting_open(series_id: int, body: s.MeetingOpenIn):
    series = _series(series_id)
    meeting, _created = service.open_held_on(current_api_user(), series, body.held_on)
    db.session.commit()
    return meeting_out(meeting)


@operation("/meetings/<int:meeting_id>", tag="meetings", response=s.MeetingOut, errors=(404,),
           summary="One meeting: agenda, minutes (Markdown and sanitised HTML), attendees, state")
def meeting_get(meeting_id: int):
    return meeting_out(_meeting(meeting_id))


@operation("/meetings/<int:meeting_id>/agenda", "POST", tag="meetings", response=s.MeetingOut,
           errors=(403, 404, 409), summary="Regenerate the agenda of an open meeting")
def meeting_regenerate_agenda(meeting_id: int):
    meeting = _meeting(meeting_id)
    service.regenerate_agenda(current_api_user(), meeting)
    db.session.commit()
    return meeting_out(meeting)


@operation("/meetings/<int:meeting_id>/minutes", "PUT", tag="meetings", body=s.MeetingMinutesIn,
           response=s.MeetingOut, errors=(403, 404, 409),
           summary="Save the minutes (Markdown, at most 100,000 characters); a stale version is refused (409)")
def meeting_minutes(meeting_id: int, body: s.MeetingMinutesIn):
    meeting = _meeting(meeting_id)
    try:
        service.save_minutes(current_api_user(), meeting, body.markdown, body.version)
    except service.StaleMinutes as exc:
        db.session.rollback()
        current = meeting_out(_meeting(meeting_id))  # what is stored now, in this operation's shape
        response = jsonify({"error": {"code": exc.code, "message": exc.message, "fields": exc.fields,
                                      "current": current}})
        response.status_code = 409
        return response
    db.session.commit()
    return meeting_out(meeting)


@operation("/meetings/<int:meeting_id>/attendees", "PUT", tag="meetings", body=s.MeetingAttendeesIn,
           response=s.MeetingOut, errors=(403, 404, 409), summary="Record who attended (members)")
def meeting_attendees(meeting_id: int, body: s.MeetingAttendeesIn):
    meeting = _meeting(meeting_id)
    service.set_attendees(current_api_user(), meeting, body.user_ids)
    db.session.commit()
    return meeting_out(meeting)


@operation("/meetings/<int:meeting_id>/approve", "POST", tag="meetings", body=s.MeetingApproveIn,
           response=s.MeetingOut, errors=(403, 404, 409),
           summary="Approve the minutes in the next meeting of the same series (leaders); they are then locked")
def meeting_approve(meeting_id: int, body: s.MeetingApproveIn):
    meeting = _meeting(meeting_id)
    in_meeting = db.session.get(Meeting, body.in_meeting_id)
    service.approve(current_api_user(), meeting, in_meeting)
    db.session.commit()
    return meeting_out(meeting)


@operation("/meetings/<int:meeting_id>/agenda.pdf", tag="meetings", errors=(404,),
           content_types=("application/pdf",), summary="Agenda and minutes as PDF")
def meeting_agenda_pdf(meeting_id: int):
    meeting = _meeting(meeting_id)
    return Response(meeting_pdf(meeting), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{meeting_filename(meeting)}"'})
