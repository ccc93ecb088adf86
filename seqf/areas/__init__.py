"""Quality areas: an organisation's own areas beside SEQF's, and the instrument pages.

Routes: ``/organisations/<org_id>/areas/…`` (own areas) and ``/instruments/<slug>`` (the full text
of an instrument with its plain-language guidance, for every logged-in user).
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from seqf import permissions
from seqf.organisations import navigation
from seqf.services.instruments import forget_request_cache

bp = Blueprint("areas", __name__)
bp.before_app_request(forget_request_cache)
navigation.add_entry("areas.index", _l("Quality areas"), permissions.can_see_organisation)

from seqf.areas import instrument_views, views  # noqa: E402,F401
