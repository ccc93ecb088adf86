"""Planning reviews in the browser: the list of reviews, the form to plan one, the review's overview,
changing and cancelling a plan, and planning a due follow-up.

Access: the list shows each person what is theirs (``reviews.reviews_for``); planning, changing
and cancelling are for network coordinators; the overview is for the coordinator, the assigned
revisors and the organisation's leaders (staff get 403 with a message, anyone else 404).
"""

from __future__ import annotations

import sqlalchemy.orm as so
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from seqf import clock, permissions, workflow
from seqf.extensions import db
from seqf.models import Organisation, Review, ReviewRevisor, ReviewState, Round
from seqf.review_labels import kind_label, mode_label, state_label
from seqf.reviews import bp
from seqf.reviews.forms_plan import CancelForm, NewReviewForm, PlanForm
from seqf.services import review_guards
from seqf.services import reviews as review_service
from seqf.services.errors import ServiceError
from seqf.web import paginate

# the review's way, shown as steps on the overview (a due follow-up comes before "planned")
STEPS = [("planned", _l("Planned")), ("drafting", _l("Drafting")), ("comment_round", _l("Comment round")),
         ("published", _l("Published")), ("decided", _l("Decided"))]
# the service names the revisors together; the form has a lead and co-revisors
FIELD_OF = {"revisor_ids": "lead", "instrument": "kind"}


def _register(state) -> None:
    from seqf.organisations.navigation import add_entry

    app = state.app
    app.add_template_global(kind_label, "kind_label")
    app.add_template_global(mode_label, "mode_label")
    app.add_template_global(state_label, "review_state_label")
    app.add_template_global(_shows_reviews, "shows_reviews_menu")
    app.add_template_global(lambda review: review_guards.sees_overview(review, current_user), "sees_review_overview")
    add_entry("reviews.index", _l("Reviews"), _oversees_or_leads)


bp.record_once(_register)


def _shows_reviews() -> bool:
    """The main menu's "Reviews": coordinators, revisors and anyone who leads an organisation."""
    user = current_user
    if not user.is_authenticated:
        return False
    return permissions.oversees_network(user) or user.is_revisor or review_service.leads_anything(user)


def _try(form, call):
    """Run a service call; put its messages on the form's fields. Returns (result, status)."""
    try:
        return call(), 200
    except ServiceError as exc:
        db.session.rollback()
        if exc.status == 404:  # cancelled meanwhile by someone else: there is no form to show again
            abort(404, description=exc.message)
        placed = False
        for name, message in exc.fields.items():
            target = getattr(form, FIELD_OF.get(name, name), None) if form is not None else None
            if target is not None and hasattr(target, "errors"):
                target.errors = [*list(target.errors or []), message]
                placed = True
        if form is not None and not placed:
            form.form_errors.append(exc.message)
        flash(exc.message, "error")
        return None, exc.status


def _oversees_or_leads(user, organisation_id: int) -> bool:
    return permissions.oversees_network(user) or permissions.can_lead(user, organisation_id)


def _coordinating(organisation_id: int) -> Organisation:
    return permissions.organisation_or_404(current_user, organisation_id,
                                           lambda user, _org: permissions.oversees_network(user))


def _review_for_coordinator(review_id: int) -> tuple[Review, set[str]]:
    review = review_guards.review_or_404(review_id, current_user)
    roles = review_guards.require_overview(review, current_user)
    if "coordinator" not in roles:
        abort(403, description=_("Only a network coordinator plans reviews."))
    return review, roles


def _prepare(form: PlanForm, organisation: Organisation, instrument) -> None:
    form.set_choices(review_service.revisor_pool(), review_service.member_ids(organisation.id),
                     review_service.closed_rounds_with_consensus(organisation.id), instrument,
                     _locale())


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "nb")


# --- the list ------------------------------------------------------------------------------------

@bp.get("/reviews")
@login_required
def index():
    org_id = request.args.get("org_id", type=int)
    organisation = None
    if org_id is not None:
        organisation = permissions.organisation_or_404(current_user, org_id, _oversees_or_leads)
    page = paginate(review_service.reviews_for(current_user, org_id), per_page=50)
    return render_template("reviews/index.html", page=page, reviews=page.items, organisation=organisation,
                           coordinator=permissions.oversees_network(current_user), today=clock.today())


# --- planning ------------------------------------------------------------------------------------

@bp.route("/organisations/<int:org_id>/reviews/new", methods=["GET", "POST"])
@login_required
def new(org_id: int):
    organisation = _coordinating(org_id)
    from seqf.services import instruments as instrument_service

    instrument = instrument_service.current_instrument("seqf")
    form = NewReviewForm()
    _prepare(form, organisation, instrument)
    status = 200
    if form.validate_on_submit():
        review, status = _try(form, lambda: review_service.plan_review(
            current_user, organisation, kind=form.kind.data, revisor_ids=form.revisor_ids(), mode=form.mode.data,
            meeting_url=form.meeting_url.data or "", visit_starts_on=form.visit_starts_on.data,
            visit_ends_on=form.visit_ends_on.data, round_id=form.round_id.data,
            areas=form.areas.data if form.kind.data == "follow_up" else None))
        if review is not None:
            flash(_("The review is planned. The revisors and the organisation's leaders are invited by e-mail."),
                  "success")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "POST":
        status = 422
    return render_template("reviews/plan_new.html", form=form, organisation=organisation,
                           pool_empty=not form.co_revisors.choices), status


# --- the overview --------------------------------------------------------------------------------

# what the overview shows of the review, loaded with it in one statement
OVERVIEW_LOADS = (so.joinedload(Review.organisation), so.joinedload(Review.instrument),
                  so.joinedload(Review.revisors).joinedload(ReviewRevisor.user))


@bp.get("/reviews/<int:review_id>")
@login_required
def overview(review_id: int):
    review = review_guards.review_or_404(review_id, current_user, OVERVIEW_LOADS)
    roles = review_guards.require_overview(review, current_user)
    return render_template("reviews/overview.html", review=review, roles=roles, steps=STEPS,
                           can_edit=workflow.allowed("review", review, "edit_plan", current_user)
                           and review.state != ReviewState.due,
                           can_cancel=workflow.allowed("review", review, "cancel", current_user),
                           can_plan=workflow.allowed("review", review, "plan", current_user),
                           covered=_covered(review), today=clock.today(),
                           start_round=db.session.get(Round, review.round_id) if review.round_id else None)


def _covered(review: Review) -> list[dict]:
    from seqf.services.review_scope import review_areas

    return review_areas(review)


# --- changing the plan ---------------------------------------------------------------------------

def _fill_from(form: PlanForm, review: Review) -> None:
    """The form starts from the stored plan (only on the first GET)."""
    if form.is_submitted():
        return
    ids = [r.user_id for r in review.revisors]
    form.lead.data = ids[0] if ids else None
    form.co_revisors.data = ids[1:]
    form.mode.data = review.mode.value
    form.meeting_url.data = review.meeting_url
    form.visit_starts_on.data = review.visit_starts_on
    form.visit_ends_on.data = review.visit_ends_on
    form.round_id.data = review.round_id
    form.areas.data = list(review.areas or [])
    form.version.data = str(review.version)


def _version(form: PlanForm) -> int:
    value = (form.version.data or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else -1


@bp.route("/reviews/<int:review_id>/plan", methods=["GET", "POST"])
@login_required
def edit_plan(review_id: int):
    review, roles = _review_for_coordinator(review_id)
    if review.state == ReviewState.due:
        return redirect(url_for("reviews.plan_follow_up", review_id=review.id))
    allowed = workflow.allowed("review", review, "edit_plan", current_user)
    form = PlanForm()
    _prepare(form, review.organisation, review.instrument)
    _fill_from(form, review)
    status = 200 if allowed else 409
    if allowed and form.validate_on_submit():
        updated, status = _try(form, lambda: review_service.edit_plan(
            current_user, review, _version(form), revisor_ids=form.revisor_ids(), mode=form.mode.data,
            meeting_url=form.meeting_url.data or "", visit_starts_on=form.visit_starts_on.data,
            visit_ends_on=form.visit_ends_on.data, round_id=form.round_id.data,
            areas=form.areas.data if review.kind.value == "follow_up" else []))
        if updated is not None:
            flash(_("The plan is saved. Everyone involved gets an updated invitation by e-mail if the visit "
                    "changed."), "success")
            return redirect(url_for("reviews.overview", review_id=review.id))
        if status == 409:
            db.session.expire_all()
            review = db.session.get(Review, review_id)
            form.version.data = str(review.version) if review else ""
    elif request.method == "POST" and allowed:
        status = 422
    return render_template("reviews/plan_edit.html", form=form, review=review, roles=roles,
                           organisation=review.organisation, allowed=allowed, follow_up=False), status


@bp.route("/reviews/<int:review_id>/plan-follow-up", methods=["GET", "POST"])
@login_required
def plan_follow_up(review_id: int):
    review, roles = _review_for_coordinator(review_id)
    if review.state != ReviewState.due:
        flash(_("This follow-up is already planned."), "info")
        return redirect(url_for("reviews.overview", review_id=review.id))
    form = PlanForm()
    _prepare(form, review.organisation, review.instrument)
    if not form.is_submitted():  # the suggested lead (the certificate's), by video
        form.lead.data = review.suggested_lead_id if review.suggested_lead_id in {
            c.value for c in form.lead.choices if c.value} else None
        form.mode.data = "video"
        form.areas.data = list(review.areas or [])
        form.version.data = str(review.version)
        if review.due_on:
            form.visit_starts_on.data = form.visit_ends_on.data = review.due_on
    status = 200
    if form.validate_on_submit():
        planned, status = _try(form, lambda: review_service.plan_follow_up(
            current_user, review, revisor_ids=form.revisor_ids(), mode=form.mode.data,
            meeting_url=form.meeting_url.data or "", visit_starts_on=form.visit_starts_on.data,
            visit_ends_on=form.visit_ends_on.data, round_id=form.round_id.data, areas=form.areas.data,
            version=_version(form)))
        if planned is not None:
            flash(_("The follow-up is planned. The revisors and the organisation's leaders are invited by e-mail."),
                  "success")
            return redirect(url_for("reviews.overview", review_id=review.id))
        if status == 409:
            db.session.expire_all()
            review = db.session.get(Review, review_id)
            if review is None or review.state != ReviewState.due:
                return redirect(url_for("reviews.overview", review_id=review_id))
            form.version.data = str(review.version)
    elif request.method == "POST":
        status = 422
    return render_template("reviews/plan_edit.html", form=form, review=review, roles=roles,
                           organisation=review.organisation, allowed=True, follow_up=True), status


# --- cancelling ----------------------------------------------------------------------------------

@bp.route("/reviews/<int:review_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(review_id: int):
    review, roles = _review_for_coordinator(review_id)
    form = CancelForm()
    allowed = workflow.allowed("review", review, "cancel", current_user)
    findings = review_service.findings_count(review)
    status = 200 if allowed and not findings else 409
    if allowed and not findings and form.validate_on_submit():
        org_id = review.organisation_id
        name = review.organisation.name
        done, status = _try(form, lambda: review_service.cancel_review(current_user, review, form.reason.data or ""))
        if done is not None:
            flash(_("The review of %(org)s is cancelled. The revisors and the leaders are told by e-mail.",
                    org=name), "success")
            return redirect(url_for("reviews.index", org_id=org_id))
        review = db.session.get(Review, review_id)
        if review is None:
            abort(404)
    elif request.method == "POST" and allowed and not findings:
        status = 422
    return render_template("reviews/plan_cancel.html", form=form, review=review, roles=roles, allowed=allowed,
                           findings=findings, slots=review_service.agenda_count(review)), status
