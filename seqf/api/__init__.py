"""The JSON API under /api/v1 (contract: shared/API.md). Bearer tokens, no cookies, no CSRF."""

from flask import Blueprint

from seqf.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from seqf.api import openapi, people  # noqa: E402,F401
