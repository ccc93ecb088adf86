"""Meeting pages (issue 8, slice "meetings"): the organisation's series and meetings, one series
with its next dates (move or cancel one, edit the series), opening a meeting, the shared-screen
meeting page (goals one by one, updates and tasks on the spot, minutes, attendees, approval of the
previous minutes), and agenda + minutes for print and as PDF.

Every member reads; leaders create and change series; the series' participants and the leaders
run a meeting. Someone who may not read the organisation's plan gets 404.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from flask import Response, abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from seqf import clock, workflow
from seqf.extensions import db
from seqf.labels import HEALTH_LABELS, translated
from seqf.meetings import bp, labels
from seqf.meetings.forms import (
    ApproveForm,
    AttendeesForm,
    ChangeForm,
    MeetingTaskForm,
    MinutesForm,
    OpenForm,
    SeriesForm,
    UpdateForm,
)
from seqf.models import Goal, GoalState, Meeting, MeetingState
from seqf.reports.meeting_pdf import meeting_filename, meeting_pdf
from seqf.services import (
    goal_open_tasks,
    goal_updates,
    meeting_calendar,
    meeting_page,
    meeting_people,
    plan_guards,
)
from seqf.services import meetings as service
from seqf.services import tasks as task_service
from seqf.services.errors import ServiceError


def _register(state) -> None:
    from seqf.organisations.navigation import add_entry

    labels.register(state.app)
    add_entry("meetings.index", _l("Meetings"), plan_guards.can_read_plan)


bp.record_once(_register)


def _fail(form, exc: ServiceError) -> int:
    """Put a service error on the form (field or form message) and flash it; returns the status."""
    db.session.rollback()
    placed = False
    for name, message in exc.fields.items():
        target = getattr(form, name, None) if form is not None else None
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
            placed = True
    if form is not None and not placed:
        form.form_errors.append(exc.message)
    flash(exc.message, "error")
    return exc.status


def _participant_choices(form: SeriesForm, org_id: int, current: list[int]) -> None:
    """Checkboxes for the series' participants, the actor and whoever was ticked in the posted form —
    not the whole organisation (issue 9); others are added by e-mail or name in ``others``."""
    posted = (form.participant_ids.data or []) if request.method == "POST" else []
    form.participant_ids.choices = [SelectChoice(u.id, u.name) for u in meeting_people.members_among(
        org_id, {*current, *posted, current_user.id})]


def _with_others(form: SeriesForm, org_id: int) -> None:
    """Adds the members named in ``others`` to the ticked participants (errors land on ``others``)."""
    added = meeting_people.find_members(org_id, form.others.data or "", "others")
    form.participant_ids.data = [*(form.participant_ids.data or []), *(u.id for u in added)]


# ---------------------------------------------------------------- organisation and series

@bp.route("/organisations/<int:org_id>/meetings")
@login_required
def index(org_id: int):
    organisation = plan_guards.organisation_plan_or_404(org_id, current_user)
    series = meeting_calendar.series_of(org_id)
    upcoming = {s.id: meeting_calendar.upcoming(s, 3) for s in series}
    return render_template("meetings/index.html", organisation=organisation, series=series, upcoming=upcoming,
                           past=service.meetings_of(org_id), leads=plan_guards.can_lead_plan(current_user, org_id))


def _series_form_values(form: SeriesForm) -> dict:
    return {"title": form.title.data, "interval_days": form.interval_days.data, "first_on": form.first_on.data,
            "starts_at": form.starts_at.data, "duration_minutes": form.duration_minutes.data,
            "place": form.place.data, "video_url": form.video_url.data,
            "participant_ids": form.participant_ids.data or []}


@bp.route("/organisations/<int:org_id>/meeting-series/new", methods=["GET", "POST"])
@login_required
def new_series(org_id: int):
    organisation = plan_guards.organisation_plan_or_404(org_id, current_user)
    if not plan_guards.can_lead_plan(current_user, org_id):
        abort(403, description=_("Only the organisation's leaders can do this."))
    form = SeriesForm()
    _participant_choices(form, org_id, [])
    if request.method == "GET":
        form.title.data = _("Leader meeting")
        form.first_on.data = clock.today().isoformat()
        form.participant_ids.data = [current_user.id]
    status = 200
    if form.validate_on_submit():
        try:
            _with_others(form, org_id)
            series = service.create_series(current_user, organisation, _series_form_values(form))
            db.session.commit()
            flash(_("The meeting series is created."), "success")
            return redirect(url_for("meetings.series", series_id=series.id))
        except ServiceError as exc:
            status = _fail(form, exc)
    elif request.method == "POST":
        status = 422
    return render_template("meetings/series_form.html", organisation=organisation, form=form, series=None), status


@bp.route("/meeting-series/<int:series_id>/edit", methods=["GET", "POST"])
@login_required
def edit_series(series_id: int):
    series = plan_guards.series_or_404(series_id, current_user)
    if not plan_guards.can_lead_plan(current_user, series.organisation_id):
        abort(403, description=_("Only the organisation's leaders can do this."))
    form = SeriesForm()
    _participant_choices(form, series.organisation_id, [u.id for u in series.participants])
    if request.method == "GET":
        form.title.data, form.interval_days.data = series.title, str(series.interval_days)
        form.first_on.data = series.first_on.isoformat()
        form.starts_at.data = series.starts_at.strftime("%H:%M") if series.starts_at else ""
        form.duration_minutes.data = str(series.duration_minutes)
        form.place.data, form.video_url.data = series.place, series.video_url
        form.participant_ids.data = [u.id for u in series.participants]
        form.version.data = str(series.version)
    status = 200
    if form.validate_on_submit():
        try:
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            _with_others(form, series.organisation_id)
            service.edit_series(current_user, series, version, _series_form_values(form))
            db.session.commit()
            flash(_("The meeting series is saved."), "success")
            return redirect(url_for("meetings.series", series_id=series.id))
        except ServiceError as exc:
            status = _fail(form, exc)
            series = plan_guards.series_or_404(series_id, current_user)
    elif request.method == "POST":
        status = 422
    return render_template("meetings/series_form.html", organisation=series.organisation, form=form,
                           series=series), status


@bp.route("/meeting-series/<int:series_id>")
@login_required
def series(series_id: int):
    series = plan_guards.series_or_404(series_id, current_user)
    upcoming = meeting_calendar.upcoming(series, 6)
    opened = {m.planned_on: m for m in db.session.scalars(
        db.select(Meeting).where(Meeting.series_id == series.id, Meeting.planned_on.in_(
            [o.planned_on for o in upcoming])))} if upcoming else {}
    return render_template("meetings/series.html", organisation=series.organisation, series=series,
                           upcoming=upcoming, opened=opened, open_form=OpenForm(),
                           leads=plan_guards.can_lead_plan(current_user, series.organisation_id),
                           runs=service.may_run(current_user, series),
                           past=[m for m in service.meetings_of(series.organisation_id) if m.series_id == series.id])


@bp.route("/meeting-series/<int:series_id>/occurrences/<planned_on>", methods=["GET", "POST"])
@login_required
def change(series_id: int, planned_on: str):
    series = plan_guards.series_or_404(series_id, current_user)
    if not plan_guards.can_lead_plan(current_user, series.organisation_id):
        abort(403, description=_("Only the organisation's leaders can do this."))
    try:
        planned = dt.date.fromisoformat(planned_on)
    except ValueError:
        abort(404)
    form = ChangeForm()
    current = next((c for c in series.changes if c.planned_on == planned), None)
    if request.method == "GET" and current is not None:
        form.what.data = "cancel" if current.cancelled else "move"
        form.moved_to.data = current.moved_to.isoformat() if current.moved_to else ""
        form.reason.data = current.reason
    status = 200
    if form.validate_on_submit():
        what = form.what.data
        try:
            service.change_occurrence(current_user, series, planned,
                                      moved_to=planned if what == "restore" else form.moved_to.data,
                                      cancelled=what == "cancel", reason=form.reason.data or "")
            db.session.commit()
            flash(_("The meeting is cancelled.") if what == "cancel" else _("The meeting date is saved."), "success")
            return redirect(url_for("meetings.series", series_id=series.id))
        except ServiceError as exc:
            status = _fail(form, exc)
            series = plan_guards.series_or_404(series_id, current_user)
    elif request.method == "POST":
        status = 422
    return render_template("meetings/change.html", organisation=series.organisation, series=series, form=form,
                           planned=planned, current=current), status


@bp.route("/meeting-series/<int:series_id>/open", methods=["POST"])
@login_required
def open_meeting(series_id: int):
    series = plan_guards.series_or_404(series_id, current_user)
    form = OpenForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Try again."), "error")
        return redirect(url_for("meetings.series", series_id=series.id))
    planned = form.planned_on.data
    if not planned:
        nxt = meeting_calendar.upcoming(series, 1)
        planned = nxt[0].planned_on if nxt else None
    try:
        meeting, _created = service.open_meeting(current_user, series, planned)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403, description=exc.message)
        flash(exc.message, "error")
        return redirect(url_for("meetings.series", series_id=series_id))
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id))


# ---------------------------------------------------------------- the meeting

def _people_choices(people, blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice(0, blank)] if blank is not None else []
    return head + [SelectChoice(u.id, u.name) for u in people]


BLANK_PREFIX = "uGOALID"  # the blank progress-update form's prefix, replaced by ``u<goal id>`` per goal
GOAL_PLACEHOLDER = 999999999  # a goal id in a link built once, replaced by each goal's id


class GoalLinks(NamedTuple):
    update: str  # where a goal's progress update is posted
    new_task: str  # the page with the goal chosen in the "new task" form


def _per_goal(url: str, goal_ids: list[int]) -> dict[int, str]:
    """``url``, built with ``GOAL_PLACEHOLDER`` as the goal id, for each goal: the last occurrence is the
    goal's (the meeting's id comes first in the path)."""
    head, _placeholder, tail = url.rpartition(str(GOAL_PLACEHOLDER))
    return {goal_id: f"{head}{goal_id}{tail}" for goal_id in goal_ids}


@functools.lru_cache(maxsize=8)
def _blank_update_fields(locale: str) -> Markup:
    """The progress-update fields of a goal whose form was not posted, with ``BLANK_PREFIX``: labels
    and choices only, no data and no CSRF token, so the HTML is a pure function of the language and is
    rendered once per language and process (WTForms spent more on these fields than on the rest)."""
    update_fields = get_template_attribute("meetings/_update_fields.html", "update_fields")
    return Markup(update_fields(UpdateForm(prefix=BLANK_PREFIX, formdata=None, meta={"csrf": False})))


def _goal_links(meeting_id: int, goals) -> dict[int, GoalLinks]:
    """The goal cards' links, built with ``url_for`` once per page rather than twice per goal."""
    ids = [g.id for g in goals]
    updates = _per_goal(url_for("meetings.goal_update", meeting_id=meeting_id, goal_id=GOAL_PLACEHOLDER), ids)
    new_tasks = _per_goal(url_for("meetings.meeting", meeting_id=meeting_id, task_goal=GOAL_PLACEHOLDER), ids)
    return {i: GoalLinks(updates[i], new_tasks[i]) for i in ids}


def _task_form(task_form: MeetingTaskForm | None, goals, assignees) -> MeetingTaskForm:
    """The one "new task" form: the goal from ``?task_goal=`` (the goal cards' links) unless posted."""
    if task_form is None:
        task_form = MeetingTaskForm(formdata=None)
        wanted = request.args.get("task_goal", "")
        task_form.goal_id.data = int(wanted) if wanted.isdigit() else 0
    task_form.goal_id.choices = [SelectChoice(0, _("Choose a goal")), *(SelectChoice(g.id, g.title) for g in goals)]
    task_form.assignee_id.choices = _people_choices(assignees, _("Someone else (give the e-mail or name below)"))
    return task_form


def _minutes_form(meeting: Meeting, minutes_form: MinutesForm | None) -> MinutesForm:
    if minutes_form is None:
        minutes_form = MinutesForm(formdata=None)
        minutes_form.markdown.data = meeting.minutes
        minutes_form.version.data = str(meeting.minutes_version)
    return minutes_form


def _attendees_form(people: meeting_people.MeetingPeople, attendees_form: AttendeesForm | None) -> AttendeesForm:
    if attendees_form is None:
        attendees_form = AttendeesForm(formdata=None)
        attendees_form.user_ids.data = [u.id for u in people.attendees]
    attendees_form.user_ids.choices = _people_choices(people.attendee_choices)
    return attendees_form


def _meeting_page(meeting_id: int, status: int = 200, *, minutes_form=None, attendees_form=None,
                  goal_forms=None, conflict=None, task_form=None):
    """The shared-screen meeting page. Its pickers offer the people who matter for the meeting
    (``meeting_people``), not the whole organisation, and there is one "new task" form with a goal
    selector instead of one per goal: the page's size and cost do not grow with the membership.
    What it shows is read as a few rows in four statements in all (``seqf.services.meeting_page``);
    the forms are made only for those who run the meeting (nobody else sees them)."""
    meeting, previous = meeting_page.meeting_or_404(meeting_id, current_user)
    org_id = meeting.organisation_id
    goals, open_tasks, more_tasks = goal_open_tasks.active_goals(org_id)
    people = meeting_people.people_of(meeting, current_user)
    runs = workflow.allowed("meeting", meeting, "write_minutes", current_user)
    run_forms = {}
    if runs:
        # a goal's own form only when it was posted (and refused); the others share the blank fields,
        # rendered once per language, which the template gives each goal's prefix
        run_forms = {"forms": dict(goal_forms or {}), "goal_links": _goal_links(meeting.id, goals),
                     "blank_fields": _blank_update_fields(str(get_locale())),
                     "task_form": _task_form(task_form, goals, people.assignees),
                     "minutes_form": _minutes_form(meeting, minutes_form),
                     "attendees_form": _attendees_form(people, attendees_form)}
    agenda = meeting.agenda or {}
    return render_template(
        "meetings/meeting.html", organisation=meeting.series.organisation, meeting=meeting, series=meeting.series,
        agenda=agenda, by_goal={g["id"]: g for g in agenda.get("goals", [])}, goals=goals,
        blank_prefix=BLANK_PREFIX, previous=previous, conflict=conflict, runs=runs, **run_forms,
        may_approve=(previous is not None and previous.state == MeetingState.open
                     and meeting.state == MeetingState.open
                     and plan_guards.can_lead_plan(current_user, org_id)),
        open_tasks=open_tasks, more_tasks=more_tasks, today_date=clock.today(), health_words=translated(HEALTH_LABELS),
    ), status


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _meeting_page(meeting_id)


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@login_required
def minutes(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    form = MinutesForm()
    if not form.validate_on_submit():
        form.form_errors.append(_("The form expired. Copy your text, reload the page and save again."))
        return _meeting_page(meeting_id, 422, minutes_form=form)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        service.save_minutes(current_user, meeting, form.markdown.data or "", version)
        db.session.commit()
    except service.StaleMinutes as exc:
        db.session.rollback()
        flash(exc.message, "error")
        form.form_errors.append(exc.message)
        form.version.data = str(exc.current_version)  # saving again keeps what was typed
        return _meeting_page(meeting_id, 409, minutes_form=form,
                             conflict={"text": exc.current, "version": exc.current_version})
    except ServiceError as exc:
        status = _fail(form, exc)
        if "markdown" in exc.fields:
            form.markdown.errors = [exc.message]
        return _meeting_page(meeting_id, status, minutes_form=form)
    flash(_("The minutes are saved."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + "#minutes")


@bp.route("/meetings/<int:meeting_id>/attendees", methods=["POST"])
@login_required
def attendees(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    form = AttendeesForm()
    if form.validate_on_submit():
        try:
            others = meeting_people.find_members(meeting.organisation_id, form.others.data or "", "others")
            service.set_attendees(current_user, meeting, [*(form.user_ids.data or []), *(u.id for u in others)])
            db.session.commit()
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + "#attendees")
        except ServiceError as exc:
            status = _fail(form, exc)
            return _meeting_page(meeting_id, status, attendees_form=form)
    return _meeting_page(meeting_id, 422, attendees_form=form)


def _goal_of(meeting: Meeting, goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None or goal.organisation_id != meeting.organisation_id:
        abort(404)
    return goal


@bp.route("/meetings/<int:meeting_id>/goals/<int:goal_id>/update", methods=["POST"])
@login_required
def goal_update(meeting_id: int, goal_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    goal = _goal_of(meeting, goal_id)
    form = UpdateForm(prefix=f"u{goal.id}")
    if form.validate_on_submit():
        try:
            goal_updates.add_update(current_user, goal, form.health.data, form.note.data or "",
                                    meeting_id=meeting.id)
            db.session.commit()
            flash(_("The progress update is recorded."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + f"#goal-{goal.id}")
        except ServiceError as exc:
            status = _fail(form, exc)
            return _meeting_page(meeting_id, status, goal_forms={goal_id: form})
    return _meeting_page(meeting_id, 422, goal_forms={goal_id: form})


def _add_task(meeting: Meeting, goal: Goal, form: MeetingTaskForm) -> None:
    """Create the task the form describes (the assignee picked, or named in "someone else")."""
    if meeting.state != MeetingState.open:
        raise service.locked_error()
    assignee_id = form.assignee_id.data or None
    if (form.assignee_other.data or "").strip():
        assignee_id = meeting_people.find_member(meeting.organisation_id, form.assignee_other.data,
                                                 "assignee_other").id
    task_service.create_task(current_user, goal, {"title": form.title.data, "assignee_id": assignee_id,
                                                  "due_on": form.due_on.data}, meeting_id=meeting.id)


@bp.route("/meetings/<int:meeting_id>/tasks", methods=["POST"])
@login_required
def task(meeting_id: int):
    """The meeting page's "new task" form: the goal is one of the organisation's active goals."""
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    form = MeetingTaskForm()
    if not form.validate_on_submit():
        return _meeting_page(meeting_id, 422, task_form=form)
    goal = db.session.get(Goal, form.goal_id.data) if form.goal_id.data else None
    if goal is None or goal.organisation_id != meeting.organisation_id or goal.state != GoalState.active:
        form.goal_id.errors = [_("Choose one of the active goals.")]
        flash(_("Choose one of the active goals."), "error")
        return _meeting_page(meeting_id, 422, task_form=form)
    try:
        _add_task(meeting, goal, form)
        db.session.commit()
    except ServiceError as exc:
        status = _fail(form, exc)
        return _meeting_page(meeting_id, status, task_form=form)
    flash(_("The task is added."), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + f"#goal-{goal.id}")


@bp.route("/meetings/<int:meeting_id>/goals/<int:goal_id>/tasks", methods=["POST"])
@login_required
def goal_task(meeting_id: int, goal_id: int):
    """The former per-goal task form (fields prefixed ``t<goal id>-``), kept so a page still open in a
    browser from before keeps working; errors show on the page's one task form."""
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    goal = _goal_of(meeting, goal_id)
    form = MeetingTaskForm(prefix=f"t{goal.id}")
    form.goal_id.data = goal.id
    if form.validate_on_submit():
        try:
            _add_task(meeting, goal, form)
            db.session.commit()
            flash(_("The task is added."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id) + f"#goal-{goal.id}")
        except ServiceError as exc:
            status = _fail(form, exc)
            return _meeting_page(meeting_id, status, task_form=_unprefixed(form, goal.id))
    return _meeting_page(meeting_id, 422, task_form=_unprefixed(form, goal.id))


def _unprefixed(form: MeetingTaskForm, goal_id: int) -> MeetingTaskForm:
    """The page's task form holding what the prefixed form received, with its errors."""
    page_form = MeetingTaskForm(formdata=None)
    for name in ("title", "assignee_id", "assignee_other", "due_on"):
        getattr(page_form, name).data = getattr(form, name).data
        getattr(page_form, name).errors = list(getattr(form, name).errors or [])
    page_form.goal_id.data = goal_id
    page_form.form_errors.extend(form.form_errors)
    return page_form


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def regenerate(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    if ApproveForm().validate_on_submit():
        try:
            service.regenerate_agenda(current_user, meeting)
            db.session.commit()
            flash(_("The agenda is regenerated."), "success")
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("meetings.meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/approve-previous", methods=["GET", "POST"])
@login_required
def approve_previous(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    previous = service.previous_meeting(meeting)
    if previous is None:
        abort(404)
    form = ApproveForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.approve(current_user, previous, meeting)
            db.session.commit()
            flash(_("The minutes of %(d)s are approved and locked.", d=previous.held_on.isoformat()), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
        except ServiceError as exc:
            status = _fail(form, exc)
            meeting = plan_guards.meeting_or_404(meeting_id, current_user)
            previous = service.previous_meeting(meeting)
    elif request.method == "POST":
        status = 422
    return render_template("meetings/approve.html", organisation=meeting.series.organisation, meeting=meeting,
                           previous=previous, form=form), status


@bp.route("/meetings/<int:meeting_id>/print")
@login_required
def print_view(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    return render_template("meetings/print.html", meeting=meeting, series=meeting.series,
                           organisation=meeting.series.organisation, agenda=meeting.agenda or {})


@bp.route("/meetings/<int:meeting_id>.pdf")
@login_required
def pdf(meeting_id: int):
    meeting = plan_guards.meeting_or_404(meeting_id, current_user)
    return Response(meeting_pdf(meeting), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{meeting_filename(meeting)}"'})

