"""A meeting's agenda and minutes as PDF (``templates/pdf/meeting.html``), rendered on request;
typeset again only when the HTML differs from one typeset before (``seqf.reports.typeset_cache``)."""

from __future__ import annotations

from flask_babel import get_locale

from seqf.models import Meeting
from seqf.reports.pdf import render_pdf


def meeting_filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.series_id}-{meeting.held_on.isoformat()}.pdf"


def meeting_pdf(meeting: Meeting, language: str | None = None) -> bytes:
    from seqf.services import meetings as service

    language = language or (str(get_locale()) if get_locale() else "nb")
    return render_pdf("pdf/meeting.html", language, meeting=meeting, series=meeting.series,
                      agenda=meeting.agenda or {}, previous=service.previous_meeting(meeting))
