"""External reviews in the browser: plan a review, read the pre-visit package, plan the visit and
take notes, record findings, run the comment round, publish and read the report."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)

from seqf.reviews import (  # noqa: E402,F401
    demo,
    views_findings,
    views_package,
    views_plan,
    views_plan_follow_up,
    views_report,
    views_visit,
)
