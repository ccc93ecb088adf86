"""An organisation's own pages: overview, members and invitations, settings, audit events."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations/<int:org_id>")

from seqf.organisations import views  # noqa: E402,F401
from seqf.organisations.navigation import register as _register_navigation  # noqa: E402

bp.record_once(lambda state: _register_navigation(state.app))
