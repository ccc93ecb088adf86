"""The action plan in the browser: the plan page, goals with their tasks, updates and timeline,
"my tasks", and the plan's exports (PDF for the board, XLSX)."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from seqf.plans import demo, views_exports, views_goals  # noqa: E402,F401
