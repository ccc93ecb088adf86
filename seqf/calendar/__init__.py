"""Calendar feeds (secret-URL ICS per organisation and per person) and absences with deputies."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from seqf.calendar import views  # noqa: E402,F401
