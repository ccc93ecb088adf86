"""The results of a round (consensus, staff median, change since last round, radar chart) and the
exports of its aggregates."""

from __future__ import annotations

from functools import lru_cache

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from seqf.reports import exports
from seqf.reports.radar import radar_svg
from seqf.rounds import bp, pages
from seqf.rounds.access import can_lead, round_or_404
from seqf.services import rounds

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/rounds/<int:round_id>/results")
@login_required
def results(round_id: int):
    round_ = round_or_404(round_id)
    context = {"round": round_, "organisation": round_.organisation, "can_lead": can_lead(round_)}
    if round_.consensus_recorded_at is None:
        return render_template("rounds/results.html", result=None, **context)
    agreed: dict = {}
    result = rounds.round_results(round_, texts=agreed)
    areas = {a["code"]: a for a in rounds.round_areas(round_)}
    return render_template("rounds/results.html", result=result, areas=areas, agreed=agreed,
                           radar_wide=Markup(_radar(result, areas, compact=False)),  # radar_svg escapes its texts
                           radar_compact=Markup(_radar(result, areas, compact=True)), **context)


def _radar(result: dict, areas: dict[str, dict], compact: bool) -> str:
    """Full area names for wide screens; area codes only on a phone, where the table names them."""
    rows = [row for row in result["areas"] if not row["own"]]
    series = [(_("Consensus"), tuple(row["score"] for row in rows), "primary")]
    if not result["withheld"]:
        series.append((_("Staff median"), tuple(row["median"] for row in rows), "secondary"))
    title = _("Consensus score and staff median per area (0–5)")
    if compact:
        return _drawn(tuple(row["area"] for row in rows), tuple(series), title, True)
    return _drawn(tuple(pages.area_label(areas[row["area"]]) for row in rows), tuple(series), title, False)


@lru_cache(maxsize=512)
def _drawn(axes: tuple[str, ...], series: tuple, title: str, compact: bool) -> str:
    """``radar_svg`` is a pure function of the texts and figures drawn, which are the whole key:
    every member of an organisation opens the same results page, and the chart is drawn once."""
    series = [(label, list(values), style) for label, values, style in series]
    if compact:
        return radar_svg(list(axes), series, title=title, id_prefix="radar-compact", size=320, font_size=12)
    return radar_svg(list(axes), series, title=title, id_prefix="radar-wide")


def _released_summary(round_, count_progress: bool = True) -> dict:
    """The release in force; without one there is nothing to export (409), never live figures.

    ``count_progress=False``: the CSV does not show how many were invited and have submitted."""
    summary = rounds.round_summary(round_, with_comments=False, count_progress=count_progress)
    if summary["withheld"]:
        abort(409, description=_("No results are released for this round yet. They are released when the round "
                                 "is closed with enough answers from staff."))
    return summary


def _table(round_, summary: dict) -> tuple[list[str], list[list]]:
    titles = {a["code"]: pages.area_title(a) for a in rounds.round_areas(round_)}
    header = [_("Area"), _("Title"), _("Own area"), _("Responses"),
              *[_("Level %(n)d", n=level) for level in exports.LEVELS],
              _("Median"), _("Disagreement"), _("Consensus met (claimed)"), _("Consensus score")]
    rows = exports.aggregate_rows(summary, rounds.consensus_result(round_), titles, withheld_text=_("withheld"),
                                  yes_no=(_("yes"), _("no")))
    return header, rows


def _attachment(body, mimetype: str, round_id: int, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="round-{round_id}-aggregates.{extension}"'
    return response


@bp.get("/rounds/<int:round_id>/export.csv")
@login_required
def export_csv(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    header, rows = _table(round_, _released_summary(round_, count_progress=False))
    return _attachment(exports.to_csv(header, rows), "text/csv", round_id, "csv")  # Werkzeug adds charset=utf-8


@bp.get("/rounds/<int:round_id>/export.xlsx")
@login_required
def export_xlsx(round_id: int):
    round_ = round_or_404(round_id, lead=True)
    summary = _released_summary(round_)
    header, rows = _table(round_, summary)
    about = [(_("Round"), round_.title), (_("Organisation"), round_.organisation.name),
             (_("Deadline"), round_.closes_on.isoformat()), (_("Invited"), summary["invited"]),
             (_("Submitted"), summary["submitted"]), (_("Counted in the results"), summary["counted"]),
             (_("Released"), summary["released_at"].strftime("%Y-%m-%d %H:%M UTC")),
             (_("Anonymity threshold"), summary["threshold"]),
             (_("Contents"), _("Aggregates only; individual answers are never exported."))]
    return _attachment(exports.to_xlsx(header, rows, sheet_title=_("Aggregates"), about=about), XLSX, round_id,
                       "xlsx")
