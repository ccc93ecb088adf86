"""Dashboard, profile, language switch and health checks."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from seqf.main import sessions, views  # noqa: E402,F401
