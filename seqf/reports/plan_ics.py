"""The action plan as iCalendar (RFC 5545, written by ``seqf.reports.ics_writer``) for calendar apps.

Two feeds:

- an organisation's: the meetings of every series (90 days back to a year ahead, with time, place
  and video link; a moved meeting on its new day; a cancelled one left out — calendar apps drop an
  event that disappears from a subscribed feed), the due dates of open tasks and of active goals,
  review visits, follow-ups that are due and certificate expiry;
- a person's, across their organisations: the meetings of the series they take part in, their own
  open tasks, the active goals they own or deputise, and their organisations' review visits.

UIDs are stable (``seqf-<kind>-<id>@<host>``; a meeting's names its series and planned day) so a
calendar app updates an event instead of duplicating it. Timed events are in Europe/Oslo.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlparse

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from seqf import clock
from seqf.extensions import db
from seqf.models import (
    Certificate,
    Goal,
    GoalState,
    MeetingSeries,
    Membership,
    Organisation,
    Review,
    ReviewKind,
    ReviewState,
    Task,
    TaskState,
    User,
    series_participants,
)
from seqf.reports import ics_writer as ics
from seqf.reports.ics_writer import Component
from seqf.services import meeting_calendar
from seqf.services.certification import superseded_clause

PAST_DAYS = 90
AHEAD_DAYS = 365
OPEN_GOALS = (GoalState.active, GoalState.paused)


def _host() -> str:
    return urlparse(current_app.config.get("BASE_URL") or "http://seqf.local").hostname or "seqf.local"


def _calendar(name: str) -> Component:
    cal = ics.calendar()
    cal.set_text("prodid", "-//seqf//action plan//NB")
    cal.set_text("version", "2.0")
    cal.set_text("calscale", "GREGORIAN")
    cal.set_text("method", "PUBLISH")
    cal.set_text("x-wr-calname", name)
    cal.set_text("x-wr-timezone", "Europe/Oslo")
    return cal


class _Stamp:
    """What every event of one feed shares: the host of the UIDs and the DTSTAMP (worked out once)."""

    def __init__(self):
        self.host = _host()
        self.dtstamp = ics.utc_value(clock.now())

    def event(self, uid: str) -> Component:
        entry = ics.event()
        entry.set_text("uid", f"seqf-{uid}@{self.host}")
        entry.set("dtstamp", self.dtstamp)
        return entry


def _event(stamp: _Stamp, uid: str, summary: str, start: dt.date, end: dt.date | None = None, *,
           description: str = "", url: str | None = None) -> Component:
    """An all-day event from ``start`` to ``end`` (both included)."""
    entry = stamp.event(uid)
    entry.set("dtstart", ics.date_value(start))
    entry.set("dtend", ics.date_value((end or start) + dt.timedelta(days=1)))  # all-day: the end is exclusive
    entry.set_text("summary", summary)
    entry.set_text("transp", "TRANSPARENT")
    if description:
        entry.set_text("description", description)
    if url:
        entry.set("url", url)
    return entry


def _window() -> tuple[dt.date, dt.date]:
    today = clock.today()
    return today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)


def _meeting_events(stamp: _Stamp, series_list: list[MeetingSeries], with_org: bool) -> list[Component]:
    start, end = _window()
    events = []
    for series in series_list:
        summary = f"{series.title} ({series.organisation.name})" if with_org else series.title
        video = _("Video link: %(url)s", url=series.video_url) if series.video_url else None
        for occ in meeting_calendar.occurrences(series, start, end):
            uid = f"meeting-{series.id}-{occ.planned_on.isoformat()}"
            if series.starts_at is None:
                entry = _event(stamp, uid, summary, occ.held_on)
                entry.set_text("transp", "OPAQUE")
            else:
                entry = stamp.event(uid)
                begins = dt.datetime.combine(occ.held_on, series.starts_at, tzinfo=clock.OSLO)
                entry.set("dtstart", ics.zoned_value(begins))
                entry.set("dtend", ics.zoned_value(begins + dt.timedelta(minutes=series.duration_minutes or 60)))
                entry.set_text("summary", summary)
            notes = []
            if occ.moved:
                notes.append(_("Moved from %(day)s.", day=occ.planned_on.isoformat()))
            if video:
                notes.append(video)
            if notes:
                entry.set_text("description", "\n".join(notes))
            if series.place:
                entry.set_text("location", series.place)
            elif series.video_url:
                entry.set_text("location", series.video_url)
            if series.video_url:
                entry.set("url", series.video_url)
            events.append(entry)
    return events


def _task_events(stamp: _Stamp, tasks: list[sa.Row], with_org: bool) -> list[Component]:
    return [_event(stamp, f"task-{t.id}", _("Task due: %(title)s", title=t.title)
                   + (f" ({t.organisation_name})" if with_org else ""), t.due_on,
                   description=_("Goal: %(title)s", title=t.goal_title)) for t in tasks if t.due_on]


def _goal_events(stamp: _Stamp, goals: list[sa.Row], with_org: bool) -> list[Component]:
    return [_event(stamp, f"goal-{g.id}", _("Goal due: %(title)s", title=g.title)
                   + (f" ({g.organisation_name})" if with_org else ""), g.due_on) for g in goals if g.due_on]


def _visit_events(stamp: _Stamp, reviews: list[sa.Row], with_org: bool) -> list[Component]:
    out = []
    for r in reviews:
        label = _("Follow-up review visit") if r.kind == ReviewKind.follow_up else _("Review visit")
        out.append(_event(stamp, f"review-visit-{r.id}", f"{label}: {r.organisation_name}" if with_org else label,
                          r.visit_starts_on, r.visit_ends_on))
    return out


# A feed is fetched by every subscribed calendar app every few minutes: each query loads what the
# feed prints and nothing else — the columns it prints as rows, not ORM objects (only a meeting series
# is an object: its dates come from its moves and cancellations) — so a feed costs the same handful
# of statements however many tasks, goals and series it lists. The organisation feed's statements
# are built once per process with parameters (``_organisation_feed``): building them took about as
# long as running them.

def _series_query(*where) -> sa.Select:
    """Series with their moves and cancellations (``changes``) and organisation, not their participants."""
    return (sa.select(MeetingSeries).where(*where)
            .options(so.lazyload(MeetingSeries.participants), so.joinedload(MeetingSeries.organisation))
            .order_by(MeetingSeries.title, MeetingSeries.id))


def _open_tasks_query(where) -> sa.Select:
    return (sa.select(Task.id, Task.title, Task.due_on, Goal.title.label("goal_title"),
                      Organisation.name.label("organisation_name"))
            .join(Goal, Goal.id == Task.goal_id).join(Organisation, Organisation.id == Goal.organisation_id)
            .where(where, Task.state == TaskState.open, Task.due_on.is_not(None), Goal.state.in_(OPEN_GOALS))
            .order_by(Task.due_on, Task.id))


def _goals_query(*where) -> sa.Select:
    return (sa.select(Goal.id, Goal.title, Goal.due_on, Organisation.name.label("organisation_name"))
            .join(Organisation, Organisation.id == Goal.organisation_id)
            .where(*where, Goal.state == GoalState.active, Goal.due_on.is_not(None)).order_by(Goal.due_on, Goal.id))


REVIEW_COLUMNS = (Review.id, Review.kind, Review.state, Review.visit_starts_on, Review.visit_ends_on, Review.due_on)


def _visit_clause(start, end):
    """Reviews with a visit in the feed's window (a review still ``due`` has no visit yet)."""
    return sa.and_(Review.state != ReviewState.due, Review.visit_starts_on.is_not(None),
                   Review.visit_starts_on <= end,
                   sa.func.coalesce(Review.visit_ends_on, Review.visit_starts_on) >= start)


def _follow_up_due_clause():
    return sa.and_(Review.kind == ReviewKind.follow_up, Review.state == ReviewState.due, Review.due_on.is_not(None))


def _visits(organisation_ids) -> list[sa.Row]:
    return list(db.session.execute(
        sa.select(*REVIEW_COLUMNS, Organisation.name.label("organisation_name"))
        .join(Organisation, Organisation.id == Review.organisation_id)
        .where(Review.organisation_id.in_(organisation_ids), _visit_clause(*_window()))
        .order_by(Review.visit_starts_on, Review.id)))


@functools.cache
def _organisation_feed() -> dict[str, sa.Select]:
    """The organisation feed's five statements, with ``organisation_id``, the window's ``start`` and
    ``end`` and the oldest expiry shown (``expired_since``) as parameters. The reviews come in one
    statement: a visit in the window, or a follow-up that is due (the two exclude each other: a due
    review has no visit)."""
    organisation_id, start, end = sa.bindparam("organisation_id"), sa.bindparam("start"), sa.bindparam("end")
    return {
        "series": _series_query(MeetingSeries.organisation_id == organisation_id),
        "tasks": _open_tasks_query(Task.organisation_id == organisation_id),
        "goals": _goals_query(Goal.organisation_id == organisation_id),
        "reviews": sa.select(*REVIEW_COLUMNS).where(
            Review.organisation_id == organisation_id,
            sa.or_(_visit_clause(start, end), _follow_up_due_clause())),
        "certificates": sa.select(Certificate.id, Certificate.valid_until).where(
            Certificate.organisation_id == organisation_id, Certificate.withdrawn_at.is_(None),
            ~superseded_clause(), Certificate.valid_until >= sa.bindparam("expired_since"))
        .order_by(Certificate.valid_until, Certificate.id),
    }


def organisation_ics(organisation: Organisation) -> bytes:
    cal = _calendar(_("Action plan – %(name)s", name=organisation.name))
    stamp = _Stamp()
    statements = _organisation_feed()
    start, end = _window()
    params = {"organisation_id": organisation.id, "start": start, "end": end,
              "expired_since": clock.today() - dt.timedelta(days=PAST_DAYS)}
    events = _meeting_events(stamp, list(db.session.scalars(statements["series"], params)), with_org=False)
    events += _task_events(stamp, list(db.session.execute(statements["tasks"], params)), with_org=False)
    events += _goal_events(stamp, list(db.session.execute(statements["goals"], params)), with_org=False)
    reviews = list(db.session.execute(statements["reviews"], params))
    visits = sorted((r for r in reviews if r.state != ReviewState.due), key=lambda r: (r.visit_starts_on, r.id))
    events += _visit_events(stamp, visits, with_org=False)
    for review in sorted((r for r in reviews if r.state == ReviewState.due), key=lambda r: (r.due_on, r.id)):
        events.append(_event(stamp, f"follow-up-due-{review.id}", _("Follow-up review due"), review.due_on))
    for cert in db.session.execute(statements["certificates"], params):
        events.append(_event(stamp, f"certificate-expiry-{cert.id}", _("The SEQF certificate expires"),
                             cert.valid_until))
    cal.children = events
    return cal.to_ical()


def person_ics(user: User) -> bytes:
    cal = _calendar(_("My action plan – %(name)s", name=user.name))
    stamp = _Stamp()
    org_ids = list(db.session.scalars(sa.select(Membership.organisation_id).where(Membership.user_id == user.id)))
    series = list(db.session.scalars(_series_query(
        MeetingSeries.id.in_(sa.select(series_participants.c.series_id).where(
            series_participants.c.user_id == user.id)), MeetingSeries.organisation_id.in_(org_ids)))) if org_ids else []
    events = _meeting_events(stamp, series, with_org=True)
    if org_ids:
        tasks = db.session.execute(_open_tasks_query(sa.and_(Task.assignee_id == user.id,
                                                             Task.organisation_id.in_(org_ids))))
        events += _task_events(stamp, list(tasks), with_org=True)
        goals = db.session.execute(_goals_query(sa.or_(Goal.owner_id == user.id, Goal.deputy_id == user.id),
                                                Goal.organisation_id.in_(org_ids)))
        events += _goal_events(stamp, list(goals), with_org=True)
        events += _visit_events(stamp, _visits(org_ids), with_org=True)
    cal.children = events
    return cal.to_ical()
