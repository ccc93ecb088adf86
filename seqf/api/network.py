"""API: an organisation's trend across reviews (its members, coordinators, admins), and the network
register, annual calendar and revisor workload (coordinators and admins; 403 for anyone else).
The same services as the pages (``seqf.services.trend``, ``seqf.services.network_register``)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from seqf.api.core import ApiError, Query, current_api_user, operation
from seqf.api.network_schemas import (
    NetworkCalendarOut,
    NetworkRegisterOut,
    NetworkTrendOut,
    NetworkWorkloadOut,
)
from seqf.services import network_register as register
from seqf.services import trend as trend_service


def _day(value):
    return value.isoformat() if value is not None else None


@operation("/organisations/<int:org>/trend", tag="network", response=NetworkTrendOut, errors=(404,),
           summary="Per area: the score in each published review and each recorded self-assessment consensus")
def network_trend(org: int):
    user = current_api_user()
    organisation = trend_service.organisation_for_trend(user, org)
    areas = trend_service.organisation_trend(user, organisation)
    return {"areas": [{**area, "points": [{**p, "date": _day(p["date"])} for p in area["points"]]}
                      for area in areas]}


REGISTER_QUERY = {
    "page": Query.integer("page number (50 per page)", 1, 10**6),
    "q": Query.text("search in the organisation's name", register.SEARCH_MAX),
    "state": Query.choice("certificate state", *register.STATES),
    "due_within": Query.integer("only organisations with a follow-up due within this many days (overdue ones "
                                "included)", 0, register.DUE_WITHIN_MAX),
    "in_progress": Query.flag("true: only organisations with a review in progress"),
    "sort": Query.choice("name (default) or valid_until", *register.SORTS),
}


def _number(name: str, low: int, high: int) -> int | None:
    value = request.args.get(name, "")
    if value == "":
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise ApiError(422, "validation_failed", _("%(name)s must be a number from %(low)d to %(high)d.",
                                                   name=name, low=low, high=high), {name: f"{low}–{high}"})
    return int(value)


def _flag(name: str) -> bool:
    value = request.args.get(name, "").lower()
    if value not in ("", "true", "false", "1", "0"):
        raise ApiError(422, "validation_failed", _("%(name)s must be true or false.", name=name),
                       {name: "true, false"})
    return value in ("true", "1")


@operation("/network/register", tag="network", response=NetworkRegisterOut, errors=(403, 422), query=REGISTER_QUERY,
           summary="The network register: every organisation with its certificate, follow-up and reviews")
def network_register():
    user = current_api_user()
    register.require_network(user)
    filters = register.Filters(q=request.args.get("q", ""), state=request.args.get("state") or None,
                               due_within=_number("due_within", 0, register.DUE_WITHIN_MAX),
                               in_progress=_flag("in_progress"), sort=request.args.get("sort") or "name")
    page = register.register_page(user, filters, _number("page", 1, 10**6) or 1)
    items = [{**row, "valid_until": _day(row["valid_until"]), "next_follow_up": _day(row["next_follow_up"]),
              "last_plan_update": (row["last_plan_update"].isoformat().replace("+00:00", "Z")
                                   if row["last_plan_update"] else None)}
             for row in page.items]
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total}


YEAR_QUERY = {"year": Query.integer("the year (default: this year)", *register.YEAR_RANGE)}


def _year() -> int:
    from seqf import clock

    return _number("year", *register.YEAR_RANGE) or clock.today().year


@operation("/network/calendar", tag="network", response=NetworkCalendarOut, errors=(403, 422), query=YEAR_QUERY,
           summary="Visits, follow-ups due and certificate expiries of a year across the network")
def network_calendar():
    user = current_api_user()
    register.require_network(user)
    year = _year()
    events = register.calendar(user, year)
    return {"year": year, "events": [{**e, "date": _day(e["date"]), "end": _day(e.get("end"))} for e in events]}


@operation("/network/workload", tag="network", response=NetworkWorkloadOut, errors=(403, 422), query=YEAR_QUERY,
           summary="Per revisor: reviews as lead and as co-revisor, visit days and follow-ups in a year")
def network_workload():
    user = current_api_user()
    register.require_network(user)
    year = _year()
    return {"year": year, "revisors": register.workload(user, year)}
