"""The network coordinator's overview: the register of organisations and certificates, the annual
calendar of visits and follow-ups, revisor workload, and each organisation's trend across reviews."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from seqf import permissions

bp = Blueprint("network", __name__)

from seqf.network import views_register, views_trend  # noqa: E402,F401


def _register(state) -> None:
    from seqf.network.links import optional_url
    from seqf.organisations.navigation import add_entry

    state.app.add_template_global(optional_url, "optional_url")
    add_entry("network.trend", _l("Trend"), permissions.can_see_organisation)


bp.record_once(_register)
