"""The instrument pages: every area, step and key indicator with its plain-language guidance."""

from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from flask_login import login_required

from seqf.areas import bp
from seqf.services import instruments as instrument_service


def _lang() -> str:
    return str(get_locale() or "nb")


@bp.get("/instruments/")
@login_required
def instruments():
    return render_template("instruments/index.html", instruments=instrument_service.list_instruments(),
                           lang=_lang())


@bp.get("/instruments/<slug>")
@login_required
def instrument(slug: str):
    instrument = instrument_service.current_instrument(slug)
    defn = instrument_service.definition_of(instrument)
    return render_template("instruments/show.html", instrument=instrument, definition=defn, lang=_lang(),
                           areas=instrument_service.instrument_areas(instrument))
