"""The network register, its CSV, the annual calendar (page and .ics) and revisor workload — for
coordinators and admins. The filters are a GET form, so a filtered view is a link that can be shared;
an invalid filter value is named on the page and left out, never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf import clock
from seqf.i18n import date_text
from seqf.network import bp
from seqf.network.labels import EVENT_LABELS, KIND_LABELS, STATE_LABELS, STATE_TAGS
from seqf.network.links import optional_url
from seqf.reports.exports import FORMULA_PREFIXES
from seqf.services import network_register as register
from seqf.services.errors import Forbidden


def _require_network() -> None:
    try:
        register.require_network(current_user)
    except Forbidden as exc:
        abort(403, description=exc.message)


def _number(name: str, errors: dict, low: int, high: int) -> int | None:
    value = request.args.get(name, "").strip()
    if value == "":
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        errors[name] = _("A number from %(low)d to %(high)d.", low=low, high=high)
        return None
    return int(value)


def filters_from_args(errors: dict) -> register.Filters:
    """The register's filters from the query string; an invalid value is reported in ``errors`` and dropped."""
    q = request.args.get("q", "")[: register.SEARCH_MAX]
    state = request.args.get("state") or None
    if state is not None and state not in register.STATES:
        errors["state"] = _("Choose one of the listed states.")
        state = None
    sort = request.args.get("sort") or "name"
    if sort not in register.SORTS:
        errors["sort"] = _("Sort by name or by valid until.")
        sort = "name"
    due_within = _number("due_within", errors, 0, register.DUE_WITHIN_MAX)
    in_progress = request.args.get("in_progress", "") in ("1", "true", "on", "yes")
    return register.Filters(q=q, state=state, due_within=due_within, in_progress=in_progress, sort=sort)


def _filter_args(filters: register.Filters) -> dict:
    args = {"q": filters.q or None, "state": filters.state, "due_within": filters.due_within,
            "in_progress": "1" if filters.in_progress else None,
            "sort": filters.sort if filters.sort != "name" else None}
    return {k: v for k, v in args.items() if v is not None}


def _year(errors: dict) -> int:
    year = _number("year", errors, *register.YEAR_RANGE)
    return year or clock.today().year


@bp.get("/network", endpoint="register")
@login_required
def register_index():
    _require_network()
    errors: dict[str, str] = {}
    filters = filters_from_args(errors)
    page_number = _number("page", errors, 1, 10**6) or 1
    page = register.register_page(current_user, filters, page_number)
    return render_template("network/register.html", page=page, rows=_shown_rows(page.items), filters=filters,
                           errors=errors, args=_filter_args(filters), states=register.STATES,
                           state_labels={state: str(label) for state, label in STATE_LABELS.items()},
                           state_tags=STATE_TAGS), 422 if errors else 200


def _shown_rows(items: list[dict]) -> list[dict]:
    """The page's rows with their links and dates ready to show: one URL is built per link target and
    filled in per row, and dates are formatted from a per-process cache (both cost more per row than the rest)."""
    placeholder = 999999999
    overview = url_for("organisations.overview", org_id=placeholder)
    certificate = optional_url("certification.certificate", certificate_id=placeholder)
    return [{**row, "url": overview.replace(str(placeholder), str(row["organisation_id"])),
             "certificate_url": (certificate.replace(str(placeholder), str(row["certificate_id"]))
                                 if certificate and row["certificate_id"] else None),
             "valid_until_text": date_text(row["valid_until"]),
             "next_follow_up_text": date_text(row["next_follow_up"]),
             "last_plan_update_text": date_text(row["last_plan_update"])} for row in items]


def csv_lines(header: list[str], rows: Iterator[list]) -> Iterator[str]:
    """``;``-separated CSV lines for Norwegian Excel (BOM first, CRLF), one row at a time; text that a
    spreadsheet would run as a formula gets a leading apostrophe (as ``seqf.reports.exports``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else
                         ("" if v is None else v) for v in values])
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


@bp.get("/network.csv")
@login_required
def register_csv():
    _require_network()
    filters = filters_from_args({})
    header = [_("Organisation"), _("Certificate"), _("Valid until"), _("Next follow-up"), _("Last total"),
              _("Reviews in progress"), _("Lead revisor"), _("Active goals"), _("Goals at risk or off track"),
              _("Last plan update")]
    labels = {state: str(label) for state, label in STATE_LABELS.items()}
    rows = ([r["name"], labels[r["state"]], r["valid_until"].isoformat() if r["valid_until"] else None,
             r["next_follow_up"].isoformat() if r["next_follow_up"] else None, r["last_total"], r["in_progress"],
             r["lead"], r["active_goals"], r["goals_at_risk"],
             r["last_plan_update"].date().isoformat() if r["last_plan_update"] else None]
            for r in register.register_rows(current_user, filters))
    body = stream_with_context(line.encode("utf-8") for line in csv_lines(header, rows))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="network-register-{clock.today().isoformat()}.csv"'})


def month_name(year: int, month: int) -> str:
    """“januar” / “January”: the month on its own, in the page's language."""
    return format_date(dt.date(year, month, 1), "LLLL").capitalize()


def event_link(event: dict) -> str | None:
    if event.get("review_id"):
        return optional_url("reviews.overview", review_id=event["review_id"])
    if event.get("certificate_id"):
        return optional_url("certification.certificate", certificate_id=event["certificate_id"])
    return None


@bp.get("/network/calendar")
@login_required
def calendar():
    """One month of the year at a time (``?month=``; this month, or January of another year), paged,
    with every month's count: a page of bounded size however large the network. The .ics has it all."""
    _require_network()
    errors: dict[str, str] = {}
    year = _year(errors)
    today = clock.today()
    month = _number("month", errors, 1, 12) or (today.month if year == today.year else 1)
    page_number = _number("page", errors, 1, 10**6) or 1
    shown = register.calendar_month(current_user, year, month, page_number)
    for event in shown.events:
        event["link"] = event_link(event)
        event["org_link"] = url_for("organisations.overview", org_id=event["organisation_id"])
    return render_template("network/calendar.html", year=year, month=month, shown=shown,
                           count=shown.year_total, errors=errors, event_labels=EVENT_LABELS,
                           kind_labels=KIND_LABELS, month_name=month_name), 422 if errors else 200


@bp.get("/network/calendar.ics")
@login_required
def calendar_ics():
    _require_network()
    errors: dict[str, str] = {}
    year = _year(errors)
    if errors:
        abort(422, description=errors["year"])
    from seqf.network.ics import calendar_ics as build

    body = build(register.calendar(current_user, year), year, request.host)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="network-{year}.ics"'})


@bp.get("/network/workload")
@login_required
def workload():
    _require_network()
    errors: dict[str, str] = {}
    year = _year(errors)
    people = register.workload(current_user, year)
    totals = {key: sum(p[key] for p in people) for key in ("lead", "co", "visit_days", "follow_ups")}
    return render_template("network/workload.html", year=year, people=people, totals=totals,
                           errors=errors), 422 if errors else 200
