"""An organisation's trend across reviews and self-assessments: one small chart per area (they
stack on a phone, where one chart with nine lines would be unreadable), each with its numbers as a
table and the change since the last review with the revisors' reason."""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from seqf.network import bp
from seqf.network.labels import KIND_LABELS
from seqf.reports.trend import trend_svg
from seqf.rounds.pages import lang
from seqf.services import trend as trend_service
from seqf.services.errors import NotFound
from seqf.services.instruments import localized


def chart_labels() -> dict[str, str]:
    return {"review": _("External review"), "self_assessment": _("Self-assessment")}


def _chart(area: dict, title: str) -> Markup:
    reviews = sum(p["source"] == "review" for p in area["points"])
    rounds = len(area["points"]) - reviews
    desc = _("%(reviews)d review scores and %(rounds)d self-assessment scores, on the steps 0–5. "
             "The table below gives the same numbers.", reviews=reviews, rounds=rounds)
    svg = trend_svg(area["points"], title=title, desc=desc, labels=chart_labels(),
                    id_prefix=f"trend-{area['area']}", date_text=lambda day: format_date(day, "medium"))
    return Markup(svg)  # trend_svg escapes every text it draws


@bp.get("/organisations/<int:org_id>/trend")
@login_required
def trend(org_id: int):
    try:
        organisation = trend_service.organisation_for_trend(current_user, org_id)
    except NotFound:
        abort(404)
    areas = trend_service.organisation_trend(current_user, organisation)
    charts = []
    for area in areas:
        title = f"{area['area']} {localized(area['title'], lang())}"
        charts.append({**area, "label": title, "svg": _chart(area, _("Scores over time: %(area)s", area=title))})
    has_data = any(area["points"] for area in areas)
    return render_template("network/trend.html", organisation=organisation, charts=charts, has_data=has_data,
                           kind_labels=KIND_LABELS, labels=chart_labels())
