"""The network register: every organisation with its certificate, follow-ups and reviews in one table,
plus the annual calendar and the revisors' workload. For coordinators and admins only (network-wide).

The register is one SQL query, whatever the number of organisations: the current certificate is
picked by an anti-join (no newer certificate of the organisation), the latest published
certification and the current/next review by correlated ``ORDER BY … LIMIT 1`` subqueries, and the
counts with grouped subqueries, so a page costs two statements (count + rows) and the CSV one, on
SQLite and PostgreSQL alike. A page sorted by name whose filters use the name only (the default view)
pages the organisations first, so the database works out the columns for the rows shown only.

The certificate state is computed in SQL by ``state_case`` with the same rule as
``seqf.certificates.certificate_state`` (a Hypothesis test keeps them in step): the comparison
dates are computed in Python and bound as parameters, so no engine-specific date arithmetic is needed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from seqf import clock, permissions
from seqf.certificates import EXPIRY_WARNING
from seqf.extensions import db
from seqf.models import (
    Certificate,
    Goal,
    GoalHealth,
    GoalState,
    Organisation,
    ReportVersion,
    Review,
    ReviewKind,
    ReviewRevisor,
    ReviewState,
    RevisorRole,
    User,
)
from seqf.paging import Page
from seqf.services.errors import Forbidden, RuleViolation

PER_PAGE = 50
STATES = ("active", "expiring", "expired", "withdrawn", "none")
SORTS = ("name", "valid_until")
IN_PROGRESS = (ReviewState.planned, ReviewState.drafting, ReviewState.comment_round)
OPEN = (ReviewState.due, *IN_PROGRESS)
PUBLISHED = (ReviewState.published, ReviewState.decided)
SEARCH_MAX = 160
DUE_WITHIN_MAX = 3650
YEAR_RANGE = (2000, 2100)


def require_network(user: User) -> None:
    """The register and its calendar and workload are for coordinators and admins (403 for anyone else)."""
    if not permissions.oversees_network(user):
        raise Forbidden(_("Only network coordinators and administrators see the network register."))


def state_case(valid_until, withdrawn_at, today: dt.date | sa.ColumnElement,
               expiring_until: dt.date | sa.ColumnElement | None = None) -> sa.Case:
    """``certificate_state`` in SQL; ``none`` when there is no certificate (``valid_until`` is null).

    ``today`` (and ``expiring_until``, today + ``EXPIRY_WARNING``) are dates or bound parameters.
    """
    if isinstance(today, dt.date):
        today, expiring_until = sa.literal(today, sa.Date), sa.literal(today + EXPIRY_WARNING, sa.Date)
    return sa.case(
        (valid_until.is_(None), sa.literal("none")),
        (withdrawn_at.is_not(None), sa.literal("withdrawn")),
        (valid_until < today, sa.literal("expired")),
        (valid_until <= expiring_until, sa.literal("expiring")),
        else_=sa.literal("active"),
    )


@dataclass(frozen=True)
class Filters:
    """What the register shows: text search, certificate state, follow-up due within N days, in progress."""

    q: str = ""
    state: str | None = None
    due_within: int | None = None
    in_progress: bool = False
    sort: str = "name"

    def __post_init__(self):
        fields = {}
        if len(self.q) > SEARCH_MAX:
            fields["q"] = _("At most %(n)d characters.", n=SEARCH_MAX)
        if self.state is not None and self.state not in STATES:
            fields["state"] = _("Choose one of the listed states.")
        if self.due_within is not None and not 0 <= self.due_within <= DUE_WITHIN_MAX:
            fields["due_within"] = _("A number of days from 0 to %(n)d.", n=DUE_WITHIN_MAX)
        if self.sort not in SORTS:
            fields["sort"] = _("Sort by name or by valid until.")
        if fields:
            raise RuleViolation(_("Some filters are invalid."), fields=fields)


# The register's statements are built once per process (``_shape``, ``_name_page_shape``) with these
# parameters, and bound per request: building the aliased, nested SELECT cost more CPU than running it.
TODAY = sa.bindparam("today", type_=sa.Date)
EXPIRING_UNTIL = sa.bindparam("expiring_until", type_=sa.Date)
DUE_BY = sa.bindparam("due_by", type_=sa.Date)
PATTERN = sa.bindparam("pattern", type_=sa.String)
STATE = sa.bindparam("state", type_=sa.String)
LIMIT = sa.bindparam("limit", type_=sa.Integer)
OFFSET = sa.bindparam("offset", type_=sa.Integer)


def _register_rows(organisations: sa.Subquery | None = None) -> sa.Select:
    """Every organisation with the register's columns (unfiltered, unsorted) — one SELECT.

    ``organisations`` (columns ``id``, ``name``) narrows the rows to those organisations: a page
    sorted by name whose filters need no computed column pages the organisations first, so the
    database works out the columns for the fifty rows shown only.

    "The latest …" columns are correlated scalar subqueries (``ORDER BY … LIMIT 1`` on indexed
    columns): with a page's ``ORDER BY name LIMIT 50`` the database evaluates them for the fifty rows
    shown only, and the planner's estimates stay right (window functions filtered on ``rank = 1``
    made PostgreSQL guess one row and pick nested loops). Counts are grouped subqueries.
    """
    # the current certificate: the one no other certificate of the organisation is newer than (by
    # valid_from, then id). An anti-join is one hash join over the certificates; a correlated
    # "ORDER BY … LIMIT 1" per organisation was evaluated for every organisation, several times over.
    cert = so.aliased(Certificate, name="cert")
    newer = so.aliased(Certificate, name="newer")
    is_current = ~sa.exists().where(
        newer.organisation_id == cert.organisation_id,
        sa.or_(newer.valid_from > cert.valid_from,
               sa.and_(newer.valid_from == cert.valid_from, newer.id > cert.id)))
    orgs = organisations
    if orgs is None:
        orgs = sa.select(Organisation.id, Organisation.name).subquery("orgs")
    base = (sa.select(orgs.c.id, orgs.c.name, cert.id.label("certificate_id"), cert.valid_until, cert.withdrawn_at)
            .outerjoin(cert, sa.and_(cert.organisation_id == orgs.c.id, is_current))
            .subquery("base"))

    follow_up_day = sa.func.coalesce(Review.visit_starts_on, Review.due_on)
    follow_ups = (sa.select(Review.certificate_id, sa.func.min(follow_up_day).label("next_follow_up"))
                  .where(Review.kind == ReviewKind.follow_up, Review.state.in_(OPEN))
                  .group_by(Review.certificate_id).subquery("follow_ups"))
    in_progress = (sa.select(Review.organisation_id, sa.func.count().label("in_progress"))
                   .where(Review.state.in_(IN_PROGRESS)).group_by(Review.organisation_id).subquery("in_progress"))

    # the latest version of the latest published certification or recertification
    last_total = (sa.select(ReportVersion.total).join(Review, Review.id == ReportVersion.review_id)
                  .where(Review.organisation_id == base.c.id,
                         Review.kind.in_((ReviewKind.certification, ReviewKind.recertification)),
                         Review.state.in_(PUBLISHED))
                  .order_by(Review.visit_starts_on.desc(), Review.id.desc(), ReportVersion.number.desc()).limit(1)
                  .correlate(base).scalar_subquery())
    # the current or next review: one under way (drafting, comment round) first, then planned and due
    # ones by date; its lead, or for a due follow-up the suggested lead
    lead = so.aliased(User, name="lead_user")
    assigned = so.aliased(ReviewRevisor, name="assigned")
    next_lead = (sa.select(sa.func.coalesce(assigned.user_id, Review.suggested_lead_id)).select_from(Review)
                 .outerjoin(assigned, sa.and_(assigned.review_id == Review.id, assigned.role == RevisorRole.lead))
                 .where(Review.organisation_id == base.c.id, Review.state.in_(OPEN))
                 .order_by(sa.case((Review.state.in_((ReviewState.due, ReviewState.planned)), 1), else_=0),
                           follow_up_day, Review.id).limit(1)
                 .correlate(base).scalar_subquery())
    lead_name = sa.select(lead.name).where(lead.id == next_lead).correlate(base).scalar_subquery()

    # plan health (issue 8): active goals, those at risk or off track, the newest progress update
    at_risk = sa.and_(Goal.state == GoalState.active, Goal.health.in_((GoalHealth.at_risk, GoalHealth.off_track)))
    plan = (sa.select(Goal.organisation_id,
                      sa.func.sum(sa.case((Goal.state == GoalState.active, 1), else_=0)).label("active_goals"),
                      sa.func.sum(sa.case((at_risk, 1), else_=0)).label("goals_at_risk"),
                      sa.func.max(Goal.last_update_at).label("last_plan_update"))
            .where(Goal.state.in_((GoalState.active, GoalState.paused)))
            .group_by(Goal.organisation_id).subquery("plan"))

    state = state_case(base.c.valid_until, base.c.withdrawn_at, TODAY, EXPIRING_UNTIL).label("state")
    return (
        sa.select(base.c.id, base.c.name, state, base.c.certificate_id, base.c.valid_until,
                  follow_ups.c.next_follow_up, last_total.label("last_total"),
                  sa.func.coalesce(in_progress.c.in_progress, 0).label("in_progress"),
                  lead_name.label("lead_name"), next_lead.label("lead_id"),
                  sa.func.coalesce(plan.c.active_goals, 0).label("active_goals"),
                  sa.func.coalesce(plan.c.goals_at_risk, 0).label("goals_at_risk"),
                  plan.c.last_plan_update)
        .select_from(base)
        .outerjoin(follow_ups, follow_ups.c.certificate_id == base.c.certificate_id)
        .outerjoin(in_progress, in_progress.c.organisation_id == base.c.id)
        .outerjoin(plan, plan.c.organisation_id == base.c.id)
    )


def _name_matches(name) -> sa.ColumnElement[bool]:
    """``name`` contains the search (``PATTERN``, made by ``_params``; case-insensitive)."""
    return sa.func.lower(name).like(PATTERN, escape="\\")


def _params(filters: Filters, today: dt.date) -> dict:
    """The values of the register statements' parameters for ``filters``."""
    q = filters.q.strip().lower()
    return {"today": today, "expiring_until": today + EXPIRY_WARNING,
            "due_by": today + dt.timedelta(days=filters.due_within or 0), "state": filters.state,
            # ``%`` and ``_`` in the search are taken literally
            "pattern": "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"}


def _pages_by_name(filters: Filters) -> bool:
    """Whether the filters and sort use the organisation's name only (then a page can be cut first)."""
    return not (filters.state or filters.due_within is not None or filters.in_progress) and filters.sort == "name"


@functools.cache
def _name_page_shape(search: bool) -> tuple[sa.Select, sa.Select]:
    """COUNT and one page (``LIMIT``/``OFFSET``) of the register sorted by name, filtered by name only:
    the organisations are paged first, so the columns are worked out for the rows shown only."""
    organisations = sa.select(Organisation.id, Organisation.name)
    if search:
        organisations = organisations.where(_name_matches(Organisation.name))
    count = sa.select(sa.func.count()).select_from(organisations.subquery())
    shown = (organisations.order_by(Organisation.name, Organisation.id).limit(LIMIT).offset(OFFSET)
             .subquery("shown"))
    rows = _register_rows(shown).subquery("register")
    return count, sa.select(rows).order_by(rows.c.name, rows.c.id)


@functools.cache
def _shape(search: bool, state: bool, due: bool, in_progress: bool, sort: str) -> sa.Select:
    """The filtered, sorted register with parameters for the filters' values."""
    rows = _register_rows().subquery("register")
    query = sa.select(rows)
    if search:
        query = query.where(_name_matches(rows.c.name))
    if state:
        query = query.where(rows.c.state == STATE)
    if due:
        # overdue follow-ups are due too
        query = query.where(rows.c.next_follow_up <= DUE_BY)
    if in_progress:
        query = query.where(rows.c.in_progress > 0)
    if sort == "valid_until":
        return query.order_by(rows.c.valid_until.is_(None), rows.c.valid_until, rows.c.name, rows.c.id)
    return query.order_by(rows.c.name, rows.c.id)


def register_query(filters: Filters) -> sa.Select:
    """The filtered, sorted register as one SELECT with parameters (``_params``) for the filters' values;
    rows are ``sa.Row`` with the register's columns."""
    return _shape(bool(filters.q.strip()), bool(filters.state), filters.due_within is not None,
                  filters.in_progress, filters.sort)


RegisterPage = Page  # one page of register rows (dicts)


def _row(row) -> dict:
    return {"organisation_id": row.id, "name": row.name, "state": row.state, "certificate_id": row.certificate_id,
            "valid_until": row.valid_until, "next_follow_up": row.next_follow_up, "last_total": row.last_total,
            "in_progress": row.in_progress, "lead": row.lead_name, "lead_id": row.lead_id,
            "active_goals": int(row.active_goals or 0), "goals_at_risk": int(row.goals_at_risk or 0),
            "last_plan_update": row.last_plan_update}


def register_page(user: User, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> RegisterPage:
    """One page of the register and the filtered total: two statements, whatever the size of the network."""
    require_network(user)
    page = max(1, min(page, 10**6))
    params = _params(filters, clock.today())
    if _pages_by_name(filters):
        count, query = _name_page_shape(bool(filters.q.strip()))
    else:
        query = register_query(filters)
        count = sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
        query = query.limit(LIMIT).offset(OFFSET)
    total = db.session.scalar(count, params)
    rows = db.session.execute(query, {**params, "limit": per_page, "offset": (page - 1) * per_page})
    return RegisterPage([_row(r) for r in rows], page, per_page, total or 0)


def register_rows(user: User, filters: Filters) -> Iterator[dict]:
    """Every filtered row, streamed (one statement; the CSV export)."""
    require_network(user)
    result = db.session.execute(register_query(filters), _params(filters, clock.today()),
                                execution_options={"yield_per": 500})
    for row in result:
        yield _row(row)


# --- the annual calendar ------------------------------------------------------------------------

def _check_year(year: int) -> None:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise RuleViolation(_("A year from %(low)d to %(high)d.", low=YEAR_RANGE[0], high=YEAR_RANGE[1]),
                            fields={"year": f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]}"})


CALENDAR_PER_PAGE = 100
EVENT_ORDER = {"visit": 0, "follow_up_due": 1, "certificate_expiry": 2}


def _calendar_events(first: dt.date, last: dt.date) -> sa.Subquery:
    """Visits, follow-ups due and certificate expiries between ``first`` and ``last`` as one UNION ALL
    with the same columns, so ordering, counting and paging happen in the database."""
    org = (Organisation.id.label("organisation_id"), Organisation.name.label("organisation"))
    no_int, no_text = sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.String)
    no_date = sa.cast(sa.null(), sa.Date)
    visits = (sa.select(Review.visit_starts_on.label("date"), Review.visit_ends_on.label("end"),
                        sa.literal("visit").label("type"), sa.literal(EVENT_ORDER["visit"]).label("type_order"),
                        Review.id.label("review_id"), no_int.label("certificate_id"),
                        sa.cast(Review.kind, sa.String).label("kind"), sa.cast(Review.state, sa.String).label("state"),
                        *org)
              .join(Organisation, Organisation.id == Review.organisation_id)
              .where(Review.state != ReviewState.due, Review.visit_starts_on.between(first, last)))
    due = (sa.select(Review.due_on, no_date, sa.literal("follow_up_due"), sa.literal(EVENT_ORDER["follow_up_due"]),
                     Review.id, Review.certificate_id, sa.cast(Review.kind, sa.String), no_text, *org)
           .join(Organisation, Organisation.id == Review.organisation_id)
           .where(Review.state == ReviewState.due, Review.due_on.between(first, last)))
    expiries = (sa.select(Certificate.valid_until, no_date, sa.literal("certificate_expiry"),
                          sa.literal(EVENT_ORDER["certificate_expiry"]), no_int, Certificate.id, no_text, no_text, *org)
                .join(Organisation, Organisation.id == Certificate.organisation_id)
                .where(Certificate.withdrawn_at.is_(None), Certificate.valid_until.between(first, last)))
    return sa.union_all(visits, due, expiries).subquery("events")


def _event(row) -> dict:
    """One event as the page, the API and the .ics have always had it (only the keys of its type)."""
    event = {"date": row.date, "type": row.type, "organisation_id": row.organisation_id,
             "organisation": row.organisation}
    if row.type == "visit":
        event.update(end=row.end, review_id=row.review_id, kind=row.kind, state=row.state)
    elif row.type == "follow_up_due":
        event.update(review_id=row.review_id, kind=row.kind, certificate_id=row.certificate_id)
    else:
        event.update(certificate_id=row.certificate_id)
    return event


def _ordered(events: sa.Subquery) -> sa.Select:
    return sa.select(events).order_by(events.c.date, events.c.type_order, events.c.organisation,
                                      events.c.review_id, events.c.certificate_id)


def calendar(user: User, year: int) -> list[dict]:
    """Visits, follow-ups due and certificate expiries of ``year`` across the network, in date order.

    Each event: ``{"date", "end"?, "type": visit|follow_up_due|certificate_expiry, "organisation_id",
    "organisation", "review_id"?, "certificate_id"?, "kind"?, "state"?}``. One statement. The whole
    year is for the .ics file and the API; the page shows one month at a time (``calendar_month``).
    """
    require_network(user)
    _check_year(year)
    events = _calendar_events(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return [_event(row) for row in db.session.execute(_ordered(events))]


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise RuleViolation(_("A month from 1 to 12."), fields={"month": "1–12"})


@dataclass
class CalendarMonth:
    """One month of the network calendar, one page of it, and how many events each month of the year has."""
    year: int
    month: int
    events: list[dict]
    counts: dict[int, int]  # month 1–12 → events
    page: int
    per_page: int

    @property
    def total(self) -> int:
        return self.counts.get(self.month, 0)

    @property
    def year_total(self) -> int:
        return sum(self.counts.values())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def calendar_month(user: User, year: int, month: int, page: int = 1,
                   per_page: int = CALENDAR_PER_PAGE) -> CalendarMonth:
    """The events of one month (one page of ``per_page``, in date order) and the year's count per
    month: two statements, and a page of bounded size, whatever the size of the network."""
    require_network(user)
    _check_year(year)
    _check_month(month)
    year_events = _calendar_events(dt.date(year, 1, 1), dt.date(year, 12, 31))
    month_of = sa.extract("month", year_events.c.date)
    counts = {int(m): n for m, n in db.session.execute(
        sa.select(month_of, sa.func.count()).group_by(month_of))}
    first = dt.date(year, month, 1)
    last = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(days=1)
    page = max(1, page)
    rows = db.session.execute(_ordered(_calendar_events(first, last))
                              .limit(per_page).offset((page - 1) * per_page))
    return CalendarMonth(year, month, [_event(row) for row in rows], counts, page, per_page)


def calendar_by_month(events: list[dict]) -> list[tuple[int, list[dict]]]:
    """The events grouped by month 1–12 (every month, empty ones too)."""
    months: dict[int, list[dict]] = {m: [] for m in range(1, 13)}
    for event in events:
        months[event["date"].month].append(event)
    return list(months.items())


# --- revisor workload ---------------------------------------------------------------------------

def workload(user: User, year: int) -> list[dict]:
    """Per revisor, reviews with a visit in ``year``: as lead, as co-revisor, visit days, follow-ups.

    Sorted by name; one statement (the day counts are summed in Python: date differences are not
    portable SQL).
    """
    require_network(user)
    _check_year(year)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = db.session.execute(
        sa.select(User.id, User.name, ReviewRevisor.role, Review.kind, Review.visit_starts_on, Review.visit_ends_on)
        .join(ReviewRevisor, ReviewRevisor.user_id == User.id)
        .join(Review, Review.id == ReviewRevisor.review_id)
        .where(Review.state != ReviewState.due, Review.visit_starts_on.between(first, last)))
    people: dict[int, dict] = defaultdict(lambda: {"lead": 0, "co": 0, "visit_days": 0, "follow_ups": 0})
    for r in rows:
        entry = people[r.id]
        entry.update(user_id=r.id, name=r.name)
        entry["lead" if r.role == RevisorRole.lead else "co"] += 1
        entry["visit_days"] += ((r.visit_ends_on or r.visit_starts_on) - r.visit_starts_on).days + 1
        entry["follow_ups"] += r.kind == ReviewKind.follow_up
    return sorted(people.values(), key=lambda e: (e["name"].lower(), e["user_id"]))
