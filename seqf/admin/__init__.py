"""Network administration: organisations, users, the outbox and the full audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from seqf.admin import views  # noqa: E402,F401
