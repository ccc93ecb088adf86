"""Self-assessment rounds in the browser: open a round, fill it in on a phone, lead it, agree the
consensus and read the results."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from seqf import permissions

bp = Blueprint("rounds", __name__)

import seqf.rounds.views_manage  # noqa: E402,F401  (confirm pages, delete, remind now)
from seqf.rounds import demo, views_consensus, views_fill, views_lead, views_results  # noqa: E402,F401


def _register(state) -> None:
    from seqf.organisations.navigation import add_entry
    from seqf.rounds.area_stats import area_stats_html
    from seqf.services.instruments import localized
    from seqf.services.round_participants import round_participants

    state.app.add_template_filter(lambda text, lang: localized(text or {}, lang), "localized")
    state.app.add_template_global(round_participants, "round_participants")
    state.app.add_template_global(area_stats_html, "area_stats_html")
    add_entry("rounds.index", _l("Self-assessment"), permissions.is_member)


bp.record_once(_register)
