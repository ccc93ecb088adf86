"""Logging in and out, forgotten passwords and accepting invitations."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from seqf.auth import views  # noqa: E402,F401
