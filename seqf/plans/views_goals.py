"""Plan, goal and task pages (issue 8, slice "goals").

- ``/organisations/<org_id>/plan``: active goals (owner or acting deputy, due date, health, last
  update, open/overdue tasks), paused and closed goals below; the 5–6 rule when six are active.
- ``/organisations/<org_id>/goals/new`` (``?recommendation=<id>``: "make this a goal").
- ``/goals/<goal_id>``: description, tasks (one-tap tick), add a task, a progress update, the
  timeline, linked evidence, state changes (asked first).
- ``/goals/<goal_id>/edit`` and ``/tasks/<task_id>/edit``: forms carry ``version``; on a stale
  version both versions are shown and what was typed stays in the form.
- ``/tasks/<task_id>/state``: tick off or reopen (from the goal page and "my tasks").

Every member reads the plan (others 404); who changes what is workflows/goal.yaml and task.yaml.
"""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from seqf import clock, plan_rules, workflow
from seqf.extensions import db
from seqf.labels import HEALTH_LABELS, translated
from seqf.markdown import render_markdown
from seqf.models import Goal, GoalState, Recommendation, Task
from seqf.plans import bp
from seqf.plans.forms_goals import EvidenceLinkForm, GoalForm, StateForm, TaskForm, TickForm, UpdateForm
from seqf.services import (
    absences,
    goal_evidence,
    goal_page,
    goal_summary,
    goal_timeline,
    goal_updates,
    meeting_people,
    plan_guards,
    tasks,
)
from seqf.services import goals as goal_service
from seqf.services import instruments as instrument_service
from seqf.services import recommendations as recommendation_service
from seqf.services.errors import NotFound, ServiceError
from seqf.web import Refused, attempt

STATE_LABELS = {"active": _l("Active"), "paused": _l("Paused"), "achieved": _l("Achieved"), "dropped": _l("Dropped")}
TRANSITION_LABELS = {"achieve": _l("Mark as achieved"), "pause": _l("Pause"), "resume": _l("Resume"),
                     "drop": _l("Drop"), "reopen": _l("Reopen")}


def _register(state) -> None:
    from seqf.organisations.navigation import add_entry

    app = state.app
    app.add_template_global(lambda s: STATE_LABELS.get(getattr(s, "value", s), s), "goal_state_label")
    app.add_template_global(lambda h: HEALTH_LABELS.get(getattr(h, "value", h), h), "goal_health_label")
    app.add_template_global(_report_recommendations, "goal_recommendations_for_report")
    app.add_template_global(tasks.is_overdue, "task_is_overdue")
    app.add_template_global(id_url_pattern, "id_url_pattern")
    add_entry("plans.index", _l("Action plan"), plan_guards.can_read_plan)


bp.record_once(_register)


ID_MARKER = 987654321  # stands for the id while a URL pattern is built


def id_url_pattern(endpoint: str, id_name: str) -> str:
    """``endpoint``'s URL with ``%d`` where the id goes: a list builds it once and fills in each row's
    id (building a URL per row cost as much as the rest of a task row's tick form)."""
    return url_for(endpoint, **{id_name: ID_MARKER}).replace("%", "%%").replace(str(ID_MARKER), "%d")


def _report_recommendations(review) -> list[Recommendation]:
    """For the published report page: the review's recommendations, if the caller leads the organisation."""
    if not current_user.is_authenticated or not plan_guards.can_lead_plan(current_user, review.organisation_id):
        return []
    import sqlalchemy as sa

    return list(db.session.scalars(sa.select(Recommendation).where(
        Recommendation.review_id == review.id, Recommendation.current.is_(True)).order_by(Recommendation.id)))


def _or_404(call):
    try:
        return call()
    except NotFound as exc:
        abort(404, description=exc.message)


def _area_choices(organisation_id: int) -> list[tuple[str, str]]:
    from flask_babel import get_locale

    lang = str(get_locale() or "nb")
    instrument = instrument_service.current_instrument("seqf")
    choices = [(a["code"], f"{a['code']} {instrument_service.localized(a['title'], lang)}")
               for a in instrument_service.instrument_areas(instrument)]
    choices += [(a.code, f"{a.code} {a.title}") for a in instrument_service.active_own_areas(organisation_id)]
    return choices


def _goal_form_page(template: str, form: GoalForm, organisation, status: int = 200, **context):
    recommendations = recommendation_service.of_organisation(organisation.id)
    form.set_choices(goal_service.members(organisation.id), _area_choices(organisation.id), recommendations)
    return render_template(template, form=form, organisation=organisation, recommendations=recommendations,
                           active=goal_service.active_count(organisation.id), limit=plan_rules.GOAL_LIMIT,
                           **context), status


def _names(organisation_id: int) -> dict[int, str]:
    return {m.id: m.name for m in goal_service.members(organisation_id)}


def _people(goals) -> dict[int, str]:
    """Names of the goals' owners and deputies, already loaded with the goals: whoever acts for a goal
    is one of them, so the plan page needs no list of every member (1,000 in a large organisation)."""
    return {u.id: u.name for g in goals for u in (g.owner, g.deputy) if u is not None}


# --- the plan ------------------------------------------------------------------------------------

@bp.get("/organisations/<int:org_id>/plan")
@login_required
def index(org_id: int):
    organisation = _or_404(lambda: plan_guards.organisation_plan_or_404(org_id, current_user))
    every = goal_service.goals_of(org_id, tuple(GoalState), with_recommendations=False)
    counts = goal_summary.task_counts(g.id for g in every)
    acting = goal_summary.acting_owner_ids(g for g in every if g.state in (GoalState.active, GoalState.paused))
    active = [g for g in every if g.state == GoalState.active]
    today = clock.today()
    stale = goal_summary.quiet_weeks(active, today)  # flagged on the card, mailed by seqf tick
    return render_template(
        "plans/index.html", organisation=organisation, active=active,
        paused=[g for g in every if g.state == GoalState.paused],
        closed=sorted((g for g in every if g.state in (GoalState.achieved, GoalState.dropped)),
                      key=lambda g: (g.closed_on or clock.today(), g.id), reverse=True),
        counts=counts, acting=acting, names=_people(every), limit=plan_rules.GOAL_LIMIT, stale=stale,
        full=not plan_rules.may_add_goal(len(active)), can_lead=plan_guards.can_lead_plan(current_user, org_id))


# --- a new goal ----------------------------------------------------------------------------------

@bp.route("/organisations/<int:org_id>/goals/new", methods=["GET", "POST"])
@login_required
def new_goal(org_id: int):
    organisation = _or_404(lambda: plan_guards.organisation_plan_or_404(org_id, current_user))
    if not plan_guards.can_lead_plan(current_user, org_id):
        abort(403, description=_("Only the organisation's leaders can do this."))
    form = GoalForm()
    if request.method == "GET":
        recommendation = db.session.get(Recommendation, request.args.get("recommendation", type=int) or 0)
        if recommendation is not None and recommendation.organisation_id == org_id:
            form.title.data = recommendation.text[:goal_service.TITLE_MAX]
            form.description.data = _("From recommendation %(n)s of the review:", n=recommendation.number) + \
                f"\n\n> {recommendation.text}"
            form.areas.data = [recommendation.area] if recommendation.area else []
            form.recommendation_ids.data = [recommendation.id]
        form.owner_id.data = current_user.id
    if form.validate_on_submit():
        try:
            goal = attempt(form, lambda: goal_service.create_goal(current_user, organisation, form.changes()))
        except Refused:
            db.session.rollback()
            return _goal_form_page("plans/goal_new.html", form, organisation, 422)
        db.session.commit()
        flash(_("The goal is added to the plan."), "success")
        return redirect(url_for("plans.goal", goal_id=goal.id))
    return _goal_form_page("plans/goal_new.html", form, organisation, 422 if request.method == "POST" else 200)


# --- a goal --------------------------------------------------------------------------------------

def _goal(goal_id: int) -> Goal:
    return _or_404(lambda: plan_guards.goal_or_404(goal_id, current_user))


DONE_TASKS_SHOWN = 5  # done tasks listed before "show all tasks"
TIMELINE_STEP = 30  # timeline entries per "show more"
TIMELINE_MAX = 600


def timeline_shown() -> int:
    """How many timeline entries to show: ``?shown=N`` (a multiple of the step), the newest 30 by default."""
    raw = request.args.get("shown", "")
    wanted = int(raw) if raw.isdigit() and len(raw) < 5 else TIMELINE_STEP
    return max(TIMELINE_STEP, min(TIMELINE_MAX, wanted))


def _shown_tasks(every: list) -> tuple[list, int]:
    """Every open task and the most recently finished done ones; ``?tasks=all`` lists them all. A goal
    that has lived for years collects hundreds of done tasks, and the page should not grow with them."""
    if request.args.get("tasks") == "all":
        return every, 0
    done = sorted((t for t in every if t.state.value != "open"),
                  key=lambda t: (t.done_at is not None, t.done_at or 0, t.id), reverse=True)
    keep = {t.id for t in done[:DONE_TASKS_SHOWN]}
    return [t for t in every if t.state.value == "open" or t.id in keep], max(0, len(done) - DONE_TASKS_SHOWN)


@functools.lru_cache(maxsize=512)
def description_html(text: str):
    """A goal's description as sanitised HTML. A pure function of the text (Markdown, then the
    allow-list), kept per process under the text itself: parsing it took a tenth of the page's
    template time, and the same goal is read again and again. A changed text is a new key."""
    return render_markdown(text)


def _goal_page(goal: Goal, status: int = 200, task_form: TaskForm | None = None,
               update_form: UpdateForm | None = None, state_form: StateForm | None = None,
               confirm: str | None = None, evidence_form: EvidenceLinkForm | None = None):
    every_task = goal_page.tasks(goal)
    shown_tasks, hidden_done = _shown_tasks(every_task)
    today = clock.today()
    # the people who matter for this goal, not every member (issue 9): owner, deputy, the listed
    # tasks' assignees and the reader; anyone else is named in the task form's "someone else" field.
    # One statement gives their names, which are members and who is away ("acting" and "away").
    people = goal_page.people(goal.organisation_id, {
        goal.owner_id, goal.deputy_id, current_user.id, *(t.assignee_id for t in shown_tasks)}, today)
    task_form = task_form or TaskForm(formdata=None)
    task_form.set_choices(people.members)
    evidence_form = evidence_form or EvidenceLinkForm(formdata=None)
    can_link = workflow.allowed("goal", goal, "link_evidence", current_user)
    links, linkable = goal_page.evidence(goal, with_linkable=can_link)
    evidence_form.evidence_id.choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(e.id, e.title)
                                                                           for e in linkable]
    transitions = [t for t in ("achieve", "pause", "resume", "drop", "reopen")
                   if workflow.allowed("goal", goal, t, current_user)]
    shown = timeline_shown()
    # one more entry tells whether to offer "show more"
    entries = goal_timeline.newest(goal, shown + 1, links)
    return render_template(
        "plans/goal.html", goal=goal, organisation=goal.organisation,
        description=description_html(goal.description) if goal.description else None,
        acting_id=absences.acting_owner_id(goal, people.away),
        owner_away=goal.owner_id in people.away, task_form=task_form,
        update_form=update_form or UpdateForm(formdata=None),
        # the state form is shown only while a state change is being confirmed
        state_form=(state_form or StateForm(formdata=None)) if confirm else None,
        evidence_form=evidence_form, linked=[link.evidence for link in links],
        can_link=can_link and bool(linkable),
        entries=entries[:shown], more_entries=shown + TIMELINE_STEP if len(entries) > shown else None,
        names=people.names, tasks=every_task, shown_tasks=shown_tasks, hidden_done=hidden_done,
        can_edit=workflow.allowed("goal", goal, "edit", current_user),
        can_update=workflow.allowed("goal", goal, "record_update", current_user),
        can_add_task=workflow.allowed("goal", goal, "add_task", current_user),
        transitions=transitions, transition_labels=translated(TRANSITION_LABELS), confirm=confirm,
        health_labels=translated(HEALTH_LABELS), state_labels=translated(STATE_LABELS),
        full=goal.state != GoalState.active
        and not plan_rules.may_add_goal(goal_service.active_count(goal.organisation_id)),
        today=today), status


@bp.get("/goals/<int:goal_id>")
@login_required
def goal(goal_id: int):
    return _goal_page(_goal(goal_id))


def _with_other_assignee(goal: Goal, form: TaskForm) -> dict:
    """The form's changes, the assignee named in "someone else" (e-mail or name) taking precedence."""
    changes = form.changes()
    if (form.assignee_other.data or "").strip():
        changes["assignee_id"] = meeting_people.find_member(goal.organisation_id, form.assignee_other.data,
                                                            "assignee_other").id
    return changes


@bp.post("/goals/<int:goal_id>/tasks")
@login_required
def add_task(goal_id: int):
    goal = _goal(goal_id)
    form = TaskForm()  # choices are set by the page; the service checks the assignee is a member
    if form.validate_on_submit():
        try:
            attempt(form, lambda: tasks.create_task(current_user, goal, _with_other_assignee(goal, form)))
        except Refused:
            db.session.rollback()
            return _goal_page(_goal(goal_id), 422, task_form=form)
        db.session.commit()
        flash(_("The task is added."), "success")
        return redirect(url_for("plans.goal", goal_id=goal_id) + "#tasks-h")
    return _goal_page(goal, 422, task_form=form)


@bp.post("/goals/<int:goal_id>/updates")
@login_required
def add_update(goal_id: int):
    goal = _goal(goal_id)
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            attempt(form, lambda: goal_updates.add_update(current_user, goal, form.health.data, form.note.data or ""))
        except Refused:
            db.session.rollback()
            return _goal_page(_goal(goal_id), 422, update_form=form)
        db.session.commit()
        flash(_("The progress update is recorded."), "success")
        return redirect(url_for("plans.goal", goal_id=goal_id) + "#timeline-h")
    return _goal_page(goal, 422, update_form=form)


@bp.post("/goals/<int:goal_id>/evidence")
@login_required
def link_evidence(goal_id: int):
    goal = _goal(goal_id)
    form = EvidenceLinkForm()
    form.evidence_id.choices = []
    if form.validate_on_submit():
        try:
            attempt(form, lambda: goal_evidence.link_evidence(current_user, goal, form.evidence_id.data))
        except Refused:
            db.session.rollback()
            return _goal_page(_goal(goal_id), 422, evidence_form=form)
        db.session.commit()
        flash(_("The evidence is linked to the goal."), "success")
        return redirect(url_for("plans.goal", goal_id=goal_id) + "#evidence-h")
    return _goal_page(goal, 422, evidence_form=form)


@bp.post("/goals/<int:goal_id>/state")
@login_required
def goal_state(goal_id: int):
    """Achieve, pause, resume, drop (reason required) or reopen: shown to confirm first, then done."""
    goal = _goal(goal_id)
    form = StateForm()
    transition = form.transition.data or ""
    if transition not in goal_service.TRANSITIONS:
        abort(400)
    if not form.validate_on_submit():
        return _goal_page(goal, 422, state_form=form, confirm=transition)
    if request.form.get("confirm") != "yes":
        return _goal_page(goal, 200, state_form=form, confirm=transition)
    try:
        attempt(form, lambda: goal_service.change_state(current_user, goal, transition, form.version.data,
                                                         form.reason.data or ""))
    except Refused as refused:
        db.session.rollback()
        goal = _goal(goal_id)
        stale = isinstance(refused.__cause__, goal_service.StaleGoal)
        form.version.data = goal.version  # asked again, now based on what is stored
        return _goal_page(goal, 409 if stale else 422, state_form=form, confirm=transition)
    db.session.commit()
    flash(_("The goal is now: %(state)s.", state=STATE_LABELS[goal.state.value]), "success")
    return redirect(url_for("plans.goal", goal_id=goal_id))


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id: int):
    goal = _goal(goal_id)
    if not workflow.allowed("goal", goal, "edit", current_user):
        abort(403, description=_("You cannot change this goal."))
    form = GoalForm() if request.method == "POST" else GoalForm(formdata=None, data={
        **goal_service.goal_values(goal), "version": goal.version})
    theirs = None
    if form.validate_on_submit():
        try:
            attempt(form, lambda: goal_service.edit_goal(current_user, goal, form.version.data, form.changes()))
        except Refused as refused:
            db.session.rollback()
            goal = _goal(goal_id)
            stale = refused.__cause__
            if isinstance(stale, goal_service.StaleGoal):
                theirs = stale.current
                form.version.data = stale.current_version  # saving again keeps what was typed
            return _goal_form_page("plans/goal_edit.html", form, goal.organisation, 409 if theirs else 422,
                                   goal=goal, theirs=theirs, names=_names(goal.organisation_id))
        db.session.commit()
        flash(_("The goal is saved."), "success")
        return redirect(url_for("plans.goal", goal_id=goal_id))
    return _goal_form_page("plans/goal_edit.html", form, goal.organisation, 422 if request.method == "POST" else 200,
                           goal=goal, theirs=None, names=_names(goal.organisation_id))


# --- tasks ---------------------------------------------------------------------------------------

def _task(task_id: int) -> Task:
    return _or_404(lambda: plan_guards.task_or_404(task_id, current_user))


def _back(task: Task) -> str:
    target = request.form.get("next", "")
    if target == "dashboard":
        return url_for("main.dashboard") + "#my-tasks-h"
    return url_for("plans.goal", goal_id=task.goal_id) + "#tasks-h"


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int):
    task = _task(task_id)
    only_note = not workflow.allowed("task", task, "edit", current_user)
    if only_note and not workflow.allowed("task", task, "edit_note", current_user):
        abort(403, description=_("You cannot change this task."))
    form = TaskForm() if request.method == "POST" else TaskForm(formdata=None, data={
        **tasks.task_values(task), "version": task.version})
    form.set_choices(goal_service.members(task.organisation_id))
    theirs = None
    if form.validate_on_submit():
        changes = {"note": form.note.data or ""} if only_note else form.changes()
        try:
            attempt(form, lambda: tasks.edit_task(current_user, task, form.version.data, changes))
        except Refused as refused:
            db.session.rollback()
            task = _task(task_id)
            stale = refused.__cause__
            if isinstance(stale, tasks.StaleTask):
                theirs = stale.current
                form.version.data = stale.current_version
            return render_template("plans/task_edit.html", form=form, task=task, theirs=theirs, only_note=only_note,
                                   names=_names(task.organisation_id)), 409 if theirs else 422
        db.session.commit()
        flash(_("The task is saved."), "success")
        return redirect(url_for("plans.goal", goal_id=task.goal_id) + "#tasks-h")
    return render_template("plans/task_edit.html", form=form, task=task, theirs=None, only_note=only_note,
                           names=_names(task.organisation_id)), 422 if request.method == "POST" else 200


@bp.post("/tasks/<int:task_id>/state")
@login_required
def task_state(task_id: int):
    """One tap: tick a task off (or reopen it). A tap on a task someone already ticked off says so."""
    task = _task(task_id)
    form = TickForm()
    state = form.state.data if form.state.data in ("open", "done") else "done"
    if not form.validate_on_submit():
        flash(_("The form has expired. Please try again."), "error")
        return redirect(_back(task))
    try:
        changed = tasks.set_state(current_user, task, state, form.version.data)
    except tasks.StaleTask:
        db.session.rollback()
        task = _task(task_id)
        if task.state.value == state:
            flash(_("“%(title)s” was already ticked off by someone else – nothing more to do.", title=task.title)
                  if state == "done" else _("“%(title)s” is already open again.", title=task.title), "info")
        else:
            flash(_("Someone else changed “%(title)s” meanwhile. Check it and tap again.", title=task.title),
                  "error")
        return redirect(_back(task))
    except ServiceError as exc:
        db.session.rollback()
        if exc.status == 403:
            abort(403, description=exc.message)
        flash(exc.message, "error")
        return redirect(_back(_task(task_id)))
    db.session.commit()
    if not changed:
        flash(_("“%(title)s” was already ticked off – nothing more to do.", title=task.title)
              if state == "done" else _("“%(title)s” is already open.", title=task.title), "info")
    elif state == "done":
        flash(_("Ticked off: %(title)s", title=task.title), "success")
    else:
        flash(_("Open again: %(title)s", title=task.title), "success")
    return redirect(_back(task))
