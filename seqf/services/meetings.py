"""Meeting series and meetings: create and edit a series, move or cancel one occurrence, open the
meeting of an occurrence (with its generated agenda), minutes with a version, attendees, and the
approval of the previous meeting's minutes at the next meeting (after which they are locked).

Leaders and org admins create and edit series; the series' participants and the leaders run the
meeting (``workflows/meeting.yaml``). An occurrence is identified by its *planned* date; opening
it twice — even by two clients at the same moment — gives the same meeting (the series row is
locked first, and the unique constraint on series + planned date is the last guard).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from seqf import clock, meeting_dates, workflow
from seqf.extensions import db
from seqf.models import Meeting, MeetingChange, MeetingSeries, MeetingState, Organisation, User
from seqf.services import audit, locks
from seqf.services.errors import Conflict, NotFound, RuleViolation
from seqf.services.goals import Problems, member_ids, parse_date
from seqf.services.plan_guards import can_lead_plan, require_plan_lead

TITLE_MAX = 200
PLACE_MAX = 200
URL_MAX = 500
REASON_MAX = 500
MINUTES_MAX = 100_000
DURATION_MAX = 24 * 60
EDITABLE = ("title", "interval_days", "first_on", "starts_at", "duration_minutes", "place", "video_url",
            "participant_ids", "ends_on")


class StaleMinutes(Conflict):
    code = "stale_version"

    def __init__(self, meeting: Meeting):
        super().__init__(_("Someone else saved the minutes after you opened them (now version %(v)d). Compare "
                           "both texts and save again to keep yours.", v=meeting.minutes_version),
                         fields={"version": str(meeting.minutes_version)})
        self.current = meeting.minutes
        self.current_version = meeting.minutes_version


class StaleSeries(Conflict):
    code = "stale_version"

    def __init__(self, series: MeetingSeries):
        super().__init__(_("Someone else changed this meeting series after you opened it (now version %(v)d).",
                           v=series.version), fields={"version": str(series.version)})
        self.current_version = series.version


def locked_error() -> Conflict:
    return Conflict(_("These minutes are approved and locked."), code="locked")


# ---------------------------------------------------------------- series

def _parse_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.time.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise RuleViolation(_("Write the time as HH:MM, e.g. 09:00."), fields={"starts_at": _("Write as HH:MM.")},
                            code="invalid_time") from None


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _clean(organisation_id: int, changes: dict[str, Any], problems: Problems) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in changes:
        title = " ".join(str(changes["title"] or "").split())
        if not title:
            problems.add("title", _("Give the series a title, e.g. “Ledermøte”."))
        elif len(title) > TITLE_MAX:
            problems.add("title", _("The title can be at most %(n)d characters.", n=TITLE_MAX))
        clean["title"] = title
    if "interval_days" in changes:
        days = _int(changes["interval_days"])
        if days is None or not 1 <= days <= meeting_dates.MAX_INTERVAL_DAYS:
            problems.add("interval_days", _("Meet every 1 to %(n)d days.", n=meeting_dates.MAX_INTERVAL_DAYS),
                         code="invalid_interval")
        clean["interval_days"] = days
    for name in ("first_on", "ends_on"):
        if name in changes:
            try:
                clean[name] = parse_date(changes[name], name)
            except RuleViolation as error:
                problems.add(name, error.fields.get(name, error.message), code="invalid_date")
    if "first_on" in clean and clean["first_on"] is None:
        problems.add("first_on", _("Give the date of the first meeting."))
    if "starts_at" in changes:
        try:
            clean["starts_at"] = _parse_time(changes["starts_at"])
        except RuleViolation as error:
            problems.add("starts_at", error.fields["starts_at"], code="invalid_time")
    if "duration_minutes" in changes:
        minutes = _int(changes["duration_minutes"]) if changes["duration_minutes"] not in (None, "") else 60
        if minutes is None or not 5 <= minutes <= DURATION_MAX:
            problems.add("duration_minutes", _("The duration must be 5 to %(n)d minutes.", n=DURATION_MAX))
        clean["duration_minutes"] = minutes
    for name, limit in (("place", PLACE_MAX), ("video_url", URL_MAX)):
        if name in changes:
            text = str(changes[name] or "").strip()
            if len(text) > limit:
                problems.add(name, _("At most %(n)d characters.", n=limit))
            clean[name] = text
    if clean.get("video_url") and not clean["video_url"].lower().startswith(("https://", "http://")):
        problems.add("video_url", _("The video link must start with https://."), code="invalid_url")
    if "participant_ids" in changes:
        ids = changes["participant_ids"] or []
        wanted = {_int(i) for i in ids}
        if None in wanted or not wanted <= member_ids(organisation_id):
            problems.add("participant_ids", _("Participants must be members of the organisation."),
                         code="not_a_member")
        clean["participant_ids"] = {i for i in wanted if i is not None}
    if clean.get("ends_on") and clean.get("first_on") and clean["ends_on"] < clean["first_on"]:
        problems.add("ends_on", _("The series cannot end before its first meeting."))
    return clean


def _apply(series: MeetingSeries, clean: dict[str, Any]) -> list[str]:
    changed = []
    for key, value in clean.items():
        if key == "participant_ids":
            if {u.id for u in series.participants} != value:
                series.participants = list(db.session.scalars(sa.select(User).where(User.id.in_(value)))) \
                    if value else []
                changed.append(key)
        elif getattr(series, key) != value:
            setattr(series, key, value)
            changed.append(key)
    return changed


def create_series(actor: User, organisation: Organisation, changes: dict[str, Any]) -> MeetingSeries:
    require_plan_lead(organisation.id, actor)
    problems = Problems()
    base = {"title": None, "interval_days": 14, "first_on": None, "duration_minutes": 60,
            "participant_ids": [actor.id] if actor.id in member_ids(organisation.id) else []}
    clean = _clean(organisation.id, {**base, **{k: v for k, v in changes.items() if k in EDITABLE}}, problems)
    problems.raise_if_any()
    series = MeetingSeries(organisation_id=organisation.id, created_by_id=actor.id, title=clean["title"],
                           interval_days=clean["interval_days"], first_on=clean["first_on"])
    db.session.add(series)
    _apply(series, clean)
    db.session.flush()
    audit.record(actor, "meeting_series.created", series, f"Meeting series {series.id} “{series.title}” created",
                 organisation.id, data={"title": series.title, "series_id": series.id})
    return series


def edit_series(actor: User, series: MeetingSeries, version: int | None, changes: dict[str, Any]) -> list[str]:
    require_plan_lead(series.organisation_id, actor)
    locks.lock(series)
    if version is not None and version != series.version:
        raise StaleSeries(series)
    problems = Problems()
    clean = _clean(series.organisation_id, {k: v for k, v in changes.items() if k in EDITABLE}, problems)
    if clean.get("ends_on") and "first_on" not in clean and clean["ends_on"] < series.first_on:
        problems.add("ends_on", _("The series cannot end before its first meeting."))
    problems.raise_if_any()
    if ("first_on" in clean and clean["first_on"] != series.first_on
            or "interval_days" in clean and clean["interval_days"] != series.interval_days):
        opened = db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(Meeting.series_id == series.id))
        if opened or series.changes:
            raise Conflict(_("Meetings of this series are already opened or moved, so its first date and interval "
                             "cannot change. Let this series end and start a new one."), code="series_in_use",
                           fields={"first_on": _("Cannot change now.")})
    changed = _apply(series, clean)
    if changed:
        series.version += 1
        audit.record(actor, "meeting_series.edited", series, f"Meeting series {series.id} changed: "
                     f"{', '.join(changed)}", series.organisation_id,
                     data={"title": series.title, "series_id": series.id, "changed": changed})
    return changed


def change_occurrence(actor: User, series: MeetingSeries, planned_on: Any, *, moved_to: Any = None,
                      cancelled: bool = False, reason: str = "") -> MeetingChange | None:
    """Move one occurrence (identified by its planned date) or cancel it; ``moved_to`` equal to the
    planned date and not cancelled undoes an earlier change (returns None)."""
    require_plan_lead(series.organisation_id, actor)
    locks.lock(series)
    problems = Problems()
    try:
        planned = parse_date(planned_on, "planned_on")
    except RuleViolation as error:
        problems.add("planned_on", error.fields.get("planned_on", error.message), code="invalid_date")
        planned = None
    target = None
    if not cancelled:
        try:
            target = parse_date(moved_to, "moved_to")
        except RuleViolation as error:
            problems.add("moved_to", error.fields.get("moved_to", error.message), code="invalid_date")
        else:
            if target is None:
                problems.add("moved_to", _("Give the new date, or cancel the meeting."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        problems.add("reason", _("At most %(n)d characters.", n=REASON_MAX))
    if planned is not None and (not meeting_dates.is_planned_date(series.first_on, series.interval_days, planned)
                                or (series.ends_on is not None and planned > series.ends_on)):
        problems.add("planned_on", _("%(d)s is not one of the series' planned dates.", d=planned.isoformat()),
                     code="not_planned_date")
    problems.raise_if_any()
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.series_id == series.id, Meeting.planned_on == planned)):
        raise Conflict(_("That meeting is already opened; it cannot be moved or cancelled any more."),
                       code="already_opened")
    change = next((c for c in series.changes if c.planned_on == planned), None)
    if not cancelled and target == planned:
        if change is not None:
            series.changes.remove(change)
            db.session.flush()
            audit.record(actor, "meeting_series.occurrence_restored", series,
                         f"Meeting series {series.id}: {planned} back as planned", series.organisation_id,
                         data={"title": series.title, "planned_on": planned.isoformat()})
        return None
    if change is None:
        change = MeetingChange(planned_on=planned)
        series.changes.append(change)
    change.cancelled = bool(cancelled)
    change.moved_to = None if cancelled else target
    change.reason = reason
    change.changed_by_id = actor.id
    db.session.flush()
    if cancelled:
        audit.record(actor, "meeting_series.occurrence_cancelled", series,
                     f"Meeting series {series.id}: {planned} cancelled", series.organisation_id,
                     data={"title": series.title, "planned_on": planned.isoformat()})
    else:
        audit.record(actor, "meeting_series.occurrence_moved", series,
                     f"Meeting series {series.id}: {planned} moved to {target}", series.organisation_id,
                     data={"title": series.title, "planned_on": planned.isoformat(),
                           "moved_to": target.isoformat()})
    return change


# ---------------------------------------------------------------- meetings

def may_run(user: User, series: MeetingSeries) -> bool:
    """Leaders, org admins and the series' participants (who are members) run its meetings."""
    if can_lead_plan(user, series.organisation_id):
        return True
    return user.id in member_ids(series.organisation_id) and any(p.id == user.id for p in series.participants)


def occurrence_held_on(series: MeetingSeries, held_on: dt.date) -> dt.date | None:
    """The planned date of the series' meeting held on ``held_on`` (None if none is held that day)."""
    found = meeting_dates.occurrences(series.first_on, series.interval_days, start=held_on, end=held_on,
                                      moved=series.moved, cancelled=series.cancelled)
    found = [o for o in found if series.ends_on is None or o.planned_on <= series.ends_on]
    return found[0].planned_on if found else None


def held_on_of(series: MeetingSeries, planned_on: dt.date) -> dt.date | None:
    if planned_on in series.cancelled:
        return None
    return series.moved.get(planned_on, planned_on)


def meeting_of(series: MeetingSeries, planned_on: dt.date) -> Meeting | None:
    return db.session.scalar(sa.select(Meeting).where(Meeting.series_id == series.id,
                                                      Meeting.planned_on == planned_on))


def open_meeting(actor: User, series: MeetingSeries, planned_on: Any) -> tuple[Meeting, bool]:
    """The meeting of the occurrence planned on ``planned_on``, opened (agenda generated) if it was
    not yet. Returns (meeting, created)."""
    from seqf.services import agenda

    if not may_run(actor, series):
        from seqf.services.errors import Forbidden
        raise Forbidden(_("Only the series' participants and the organisation's leaders run its meetings."))
    planned = parse_date(planned_on, "planned_on")
    if planned is None or not meeting_dates.is_planned_date(series.first_on, series.interval_days, planned) \
            or (series.ends_on is not None and planned > series.ends_on):
        raise RuleViolation(_("That is not one of the series' planned dates."),
                            fields={"planned_on": _("Not a planned date.")}, code="not_planned_date")
    held = held_on_of(series, planned)
    if held is None:
        raise RuleViolation(_("That meeting is cancelled."), fields={"planned_on": _("Cancelled.")},
                            code="cancelled")
    locks.lock(series)  # two clients opening the same occurrence: the second waits here, then finds it
    existing = meeting_of(series, planned)
    if existing is not None:
        return existing, False
    meeting = Meeting(series_id=series.id, organisation_id=series.organisation_id, planned_on=planned,
                      held_on=held, state=MeetingState.open, created_by_id=actor.id, minutes="", agenda={})
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
            db.session.flush()
    except IntegrityError:
        existing = meeting_of(series, planned)
        if existing is None:
            raise
        return existing, False
    meeting.series = series
    agenda.generate(meeting)
    audit.record(actor, "meeting.opened", meeting, f"Meeting {meeting.id} of series {series.id} opened "
                 f"({held.isoformat()})", series.organisation_id,
                 data={"title": series.title, "series_id": series.id, "held_on": held.isoformat()})
    return meeting, True


def open_held_on(actor: User, series: MeetingSeries, held_on: Any) -> tuple[Meeting, bool]:
    """The API's ``{"held_on"}``: the occurrence held that day (after moves and cancellations).
    A day without a meeting of the series is refused (422 ``not_a_meeting_day``): move an
    occurrence there first. No extra occurrences are made up."""
    day = parse_date(held_on, "held_on")
    if day is None:
        raise RuleViolation(_("Give the date of the meeting."), fields={"held_on": _("Required.")})
    planned = occurrence_held_on(series, day)
    if planned is None:
        raise RuleViolation(_("The series has no meeting on %(d)s. Move one of its meetings to that day first.",
                              d=day.isoformat()), fields={"held_on": _("No meeting that day.")},
                            code="not_a_meeting_day")
    return open_meeting(actor, series, planned)


def regenerate_agenda(actor: User, meeting: Meeting) -> None:
    from seqf.services import agenda

    locks.lock(meeting)
    if meeting.state != MeetingState.open:
        raise locked_error()
    _check_run(actor, meeting, "regenerate_agenda")
    agenda.generate(meeting)
    audit.record(actor, "meeting.agenda_regenerated", meeting, f"Meeting {meeting.id}: agenda regenerated",
                 meeting.organisation_id, data={"title": meeting.series.title, "held_on": meeting.held_on.isoformat()})


def _check_run(actor: User, meeting: Meeting, action: str) -> None:
    workflow.check_action("meeting", meeting, action, actor)


def save_minutes(actor: User, meeting: Meeting, markdown: str, version: int | None) -> bool:
    """Save the minutes (Markdown). ``version`` is the one the writer started from; None overwrites.
    Returns whether the text changed."""
    text = (markdown or "").replace("\r\n", "\n")
    if len(text) > MINUTES_MAX:
        raise RuleViolation(_("The minutes can be at most %(n)s characters (these are %(m)s).",
                              n=f"{MINUTES_MAX:,}".replace(",", " "), m=f"{len(text):,}".replace(",", " ")),
                            fields={"markdown": _("At most %(n)d characters.", n=MINUTES_MAX)}, code="too_long")
    locks.lock(meeting)
    if meeting.state != MeetingState.open:
        raise locked_error()
    _check_run(actor, meeting, "write_minutes")
    if version is not None and version != meeting.minutes_version:
        raise StaleMinutes(meeting)
    if text == meeting.minutes:
        return False
    meeting.minutes = text
    meeting.minutes_version += 1
    meeting.minutes_updated_at = clock.now()
    meeting.minutes_updated_by_id = actor.id
    audit.record(actor, "meeting.minutes_saved", meeting, f"Meeting {meeting.id}: minutes saved "
                 f"(version {meeting.minutes_version})", meeting.organisation_id,
                 data={"title": meeting.series.title, "held_on": meeting.held_on.isoformat(),
                       "version": meeting.minutes_version})
    return True


def set_attendees(actor: User, meeting: Meeting, user_ids: list[Any]) -> bool:
    locks.lock(meeting)
    if meeting.state != MeetingState.open:
        raise locked_error()
    _check_run(actor, meeting, "record_attendance")
    wanted = {_int(i) for i in user_ids or []}
    if None in wanted or not wanted <= member_ids(meeting.organisation_id):
        raise RuleViolation(_("Attendees must be members of the organisation."),
                            fields={"user_ids": _("Members only.")}, code="not_a_member")
    if wanted == {u.id for u in meeting.attendees}:
        return False
    meeting.attendees = list(db.session.scalars(sa.select(User).where(User.id.in_(wanted)))) if wanted else []
    audit.record(actor, "meeting.attendance_recorded", meeting, f"Meeting {meeting.id}: {len(wanted)} attendees",
                 meeting.organisation_id, data={"title": meeting.series.title, "held_on": meeting.held_on.isoformat(),
                                                "count": len(wanted)})
    return True


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The series' latest opened meeting before this one (its attendees only if a caller reads them:
    the meeting page names the previous meeting and its state, nothing more)."""
    return db.session.scalar(sa.select(Meeting).where(
        Meeting.series_id == meeting.series_id, Meeting.planned_on < meeting.planned_on)
        .options(so.lazyload(Meeting.attendees))
        .order_by(Meeting.planned_on.desc()).limit(1))


def approve(actor: User, meeting: Meeting, in_meeting: Meeting | None) -> None:
    """Approve ``meeting``'s minutes in ``in_meeting``: the next opened meeting of the same series,
    still open. Approved minutes are locked."""
    if in_meeting is None or in_meeting.series_id != meeting.series_id or in_meeting.planned_on <= meeting.planned_on:
        raise RuleViolation(_("Minutes are approved in the next meeting of the same series."),
                            fields={"in_meeting_id": _("Give the next meeting of the series.")},
                            code="not_next_meeting")
    locks.lock(meeting)
    if meeting.state != MeetingState.open:
        raise locked_error()
    if in_meeting.state != MeetingState.open:
        raise Conflict(_("That meeting's minutes are approved and locked."), code="locked")
    if previous_meeting(in_meeting).id != meeting.id:
        raise RuleViolation(_("Minutes are approved in the next meeting of the same series."),
                            fields={"in_meeting_id": _("Give the next meeting of the series.")},
                            code="not_next_meeting")
    workflow.apply_transition("meeting", meeting, "approve", actor)
    meeting.approved_at = clock.now()
    meeting.approved_by_id = actor.id
    meeting.approved_in_id = in_meeting.id
    audit.record(actor, "meeting.minutes_approved", meeting, f"Meeting {meeting.id}: minutes approved in meeting "
                 f"{in_meeting.id}", meeting.organisation_id,
                 data={"title": meeting.series.title, "held_on": meeting.held_on.isoformat(),
                       "in_meeting_id": in_meeting.id})


def meetings_of(organisation_id: int, limit: int = 50) -> list[Meeting]:
    return list(db.session.scalars(sa.select(Meeting).where(Meeting.organisation_id == organisation_id)
                                   .options(sa.orm.joinedload(Meeting.series))
                                   .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit)))


def meeting_in(organisation_id: int, meeting_id: int | None) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    if meeting is None or meeting.organisation_id != organisation_id:
        raise NotFound(_("No such meeting."))
    return meeting
