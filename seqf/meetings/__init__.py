"""Meeting series and meetings in the browser: upcoming dates, moving or cancelling one, the
generated agenda, the shared-screen meeting page, minutes and their approval, agenda and minutes
as PDF."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from seqf.meetings import views  # noqa: E402,F401
