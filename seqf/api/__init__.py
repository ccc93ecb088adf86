"""The JSON API under /api/v1 (contract: shared/API.md). Bearer tokens, no cookies, no CSRF."""

from flask import Blueprint

from seqf.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

import seqf.api.evidence  # noqa: E402,F401 - evidence API
import seqf.api.rounds  # noqa: E402,F401 - rounds API
from seqf.api import (  # noqa: E402,F401 - issue 7  # noqa: E402,F401  # noqa: E402,F401 - issue 8
    calendar,
    certificates,
    findings,
    goals,
    instruments,
    meetings,
    network,
    openapi,
    people,
    plan_follow_up,
    review_visit,
    reviews,
    tokens,
)
