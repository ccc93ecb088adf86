"""The action plan as iCalendar (RFC 5545, built with the ``icalendar`` library) for calendar apps.

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
from urllib.parse import urlparse

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

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
from seqf.services import meeting_calendar
from seqf.services.certification import superseded_clause

PAST_DAYS = 90
AHEAD_DAYS = 365
OPEN_GOALS = (GoalState.active, GoalState.paused)


def _host() -> str:
    return urlparse(current_app.config.get("BASE_URL") or "http://seqf.local").hostname or "seqf.local"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//seqf//action plan//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    return cal


def _event(uid: str, summary: str, start: dt.date, end: dt.date | None = None, *, description: str = "",
           url: str | None = None) -> Event:
    """An all-day event from ``start`` to ``end`` (both included)."""
    entry = Event()
    entry.add("uid", f"seqf-{uid}@{_host()}")
    entry.add("dtstamp", clock.now())
    entry.add("dtstart", start)
    entry.add("dtend", (end or start) + dt.timedelta(days=1))  # all-day: the end is exclusive
    entry.add("summary", summary)
    entry.add("transp", "TRANSPARENT")
    if description:
        entry.add("description", description)
    if url:
        entry.add("url", url)
    return entry


def _window() -> tuple[dt.date, dt.date]:
    today = clock.today()
    return today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)


def _meeting_events(series_list: list[MeetingSeries], with_org: bool) -> list[Event]:
    start, end = _window()
    events = []
    for series in series_list:
        org = f" ({series.organisation.name})" if with_org else ""
        for occ in meeting_calendar.occurrences(series, start, end):
            uid = f"meeting-{series.id}-{occ.planned_on.isoformat()}"
            summary = f"{series.title}{org}"
            if series.starts_at is None:
                entry = _event(uid, summary, occ.held_on)
                entry["transp"] = "OPAQUE"
            else:
                entry = Event()
                entry.add("uid", f"seqf-{uid}@{_host()}")
                entry.add("dtstamp", clock.now())
                begins = dt.datetime.combine(occ.held_on, series.starts_at, tzinfo=clock.OSLO)
                entry.add("dtstart", begins)
                entry.add("dtend", begins + dt.timedelta(minutes=series.duration_minutes or 60))
                entry.add("summary", summary)
            notes = []
            if occ.moved:
                notes.append(_("Moved from %(day)s.", day=occ.planned_on.isoformat()))
            if series.video_url:
                notes.append(_("Video link: %(url)s", url=series.video_url))
            if notes:
                entry.add("description", "\n".join(notes))
            if series.place:
                entry.add("location", series.place)
            elif series.video_url:
                entry.add("location", series.video_url)
            if series.video_url:
                entry.add("url", series.video_url)
            events.append(entry)
    return events


def _task_events(tasks: list[Task], with_org: bool) -> list[Event]:
    return [_event(f"task-{t.id}", _("Task due: %(title)s", title=t.title)
                   + (f" ({t.goal.organisation.name})" if with_org else ""), t.due_on,
                   description=_("Goal: %(title)s", title=t.goal.title)) for t in tasks if t.due_on]


def _goal_events(goals: list[Goal], with_org: bool) -> list[Event]:
    return [_event(f"goal-{g.id}", _("Goal due: %(title)s", title=g.title)
                   + (f" ({g.organisation.name})" if with_org else ""), g.due_on) for g in goals if g.due_on]


def _visit_events(reviews: list[Review], with_org: bool) -> list[Event]:
    out = []
    for r in reviews:
        label = _("Follow-up review visit") if r.kind == ReviewKind.follow_up else _("Review visit")
        out.append(_event(f"review-visit-{r.id}", f"{label}: {r.organisation.name}" if with_org else label,
                          r.visit_starts_on, r.visit_ends_on))
    return out


# A feed is fetched by every subscribed calendar app every few minutes: each query loads what the
# feed prints and nothing else (the models' eager defaults — a goal's recommendations, a series'
# participants, a review's revisors, a user's platform roles — are switched off), so a feed costs the
# same handful of statements however many tasks, goals and series it lists.

def _series(*where) -> list[MeetingSeries]:
    """Series with their moves and cancellations (``changes``) and organisation, not their participants."""
    return list(db.session.scalars(
        sa.select(MeetingSeries).where(*where)
        .options(so.lazyload(MeetingSeries.participants), so.joinedload(MeetingSeries.organisation))
        .order_by(MeetingSeries.title, MeetingSeries.id)))


def _open_tasks(where) -> list[Task]:
    return list(db.session.scalars(
        sa.select(Task).join(Goal, Goal.id == Task.goal_id)
        .where(where, Task.state == TaskState.open, Task.due_on.is_not(None), Goal.state.in_(OPEN_GOALS))
        .options(so.contains_eager(Task.goal).options(so.lazyload("*"), so.joinedload(Goal.organisation)))
        .order_by(Task.due_on, Task.id)))


def _goals(*where) -> list[Goal]:
    return list(db.session.scalars(
        sa.select(Goal).where(*where, Goal.state == GoalState.active, Goal.due_on.is_not(None))
        .options(so.lazyload("*"), so.joinedload(Goal.organisation)).order_by(Goal.due_on, Goal.id)))


def _visits(organisation_ids) -> list[Review]:
    start, end = _window()
    return list(db.session.scalars(
        sa.select(Review).where(Review.organisation_id.in_(organisation_ids), Review.state != ReviewState.due,
                                Review.visit_starts_on.is_not(None), Review.visit_starts_on <= end,
                                sa.func.coalesce(Review.visit_ends_on, Review.visit_starts_on) >= start)
        .options(so.lazyload("*"), so.joinedload(Review.organisation))
        .order_by(Review.visit_starts_on, Review.id)))


def organisation_ics(organisation: Organisation) -> bytes:
    cal = _calendar(_("Action plan – %(name)s", name=organisation.name))
    events = _meeting_events(_series(MeetingSeries.organisation_id == organisation.id), with_org=False)
    events += _task_events(_open_tasks(Task.organisation_id == organisation.id), with_org=False)
    events += _goal_events(_goals(Goal.organisation_id == organisation.id), with_org=False)
    events += _visit_events(_visits([organisation.id]), with_org=False)
    for review in db.session.scalars(sa.select(Review).where(
            Review.organisation_id == organisation.id, Review.kind == ReviewKind.follow_up,
            Review.state == ReviewState.due, Review.due_on.is_not(None))
            .options(so.lazyload("*")).order_by(Review.due_on, Review.id)):
        events.append(_event(f"follow-up-due-{review.id}", _("Follow-up review due"), review.due_on))
    for cert in db.session.scalars(sa.select(Certificate).where(
            Certificate.organisation_id == organisation.id, Certificate.withdrawn_at.is_(None),
            ~superseded_clause(), Certificate.valid_until >= clock.today() - dt.timedelta(days=PAST_DAYS))
            .options(so.lazyload("*")).order_by(Certificate.valid_until, Certificate.id)):
        events.append(_event(f"certificate-expiry-{cert.id}", _("The SEQF certificate expires"), cert.valid_until))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def person_ics(user: User) -> bytes:
    cal = _calendar(_("My action plan – %(name)s", name=user.name))
    org_ids = list(db.session.scalars(sa.select(Membership.organisation_id).where(Membership.user_id == user.id)))
    series = _series(MeetingSeries.id.in_(sa.select(series_participants.c.series_id).where(
        series_participants.c.user_id == user.id)), MeetingSeries.organisation_id.in_(org_ids)) if org_ids else []
    events = _meeting_events(series, with_org=True)
    if org_ids:
        events += _task_events(_open_tasks(sa.and_(Task.assignee_id == user.id,
                                                   Task.organisation_id.in_(org_ids))), with_org=True)
        events += _goal_events(_goals(sa.or_(Goal.owner_id == user.id, Goal.deputy_id == user.id),
                                      Goal.organisation_id.in_(org_ids)), with_org=True)
        events += _visit_events(_visits(org_ids), with_org=True)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
