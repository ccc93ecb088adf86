"""The pages every logged-in person has."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seqf.auth.forms import ChangePasswordForm
from seqf.auth.loader import current_login_session
from seqf.auth.views import renew_session
from seqf.extensions import db
from seqf.main import bp
from seqf.main.forms import LanguageForm, ProfileForm
from seqf.security import client_address, safe_next, too_many_failures
from seqf.services import accounts, login_attempts, my_overview, round_notices, sessions, tokens
from seqf.services import tasks as plan_tasks
from seqf.web import Refused, attempt


@bp.get("/healthz")
def healthz():
    """Liveness: answers without touching the database."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Readiness: the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        db.session.rollback()
        return jsonify(status="unavailable", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return redirect(url_for("auth.login"))


@bp.get("/dashboard")
@login_required
def dashboard():
    """Each card list is one lean statement (``seqf.services.my_overview``); tasks keep their
    objects for the shared task row."""
    return render_template("main/dashboard.html", memberships=my_overview.memberships(current_user),
                           open_rounds=my_overview.open_rounds(current_user),
                           led_rounds=my_overview.led_open_rounds(current_user),
                           dashboard_reviews=my_overview.reviews_in_progress(current_user),
                           results_notices=round_notices.results_notices(current_user),
                           my_tasks=plan_tasks.open_tasks_for(current_user))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            attempt(form, lambda: accounts.update_profile(current_user, name=form.name.data))
            attempt(form, lambda: accounts.set_language(current_user, form.language.data))
        except Refused:
            return _profile_page(form, ChangePasswordForm(), 422)
        current_user.digest = bool(form.digest.data)  # the monthly action-plan digest (opt-out)
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("main.profile"))
    return _profile_page(form, ChangePasswordForm(), 422 if request.method == "POST" else 200)


@bp.post("/profile/password")
@login_required
def change_password():
    """A wrong current password counts as a failed log-in of the account (the same database count,
    the same 429), so a borrowed or stolen session cannot be used to guess the password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        account = accounts.normalise_email(current_user.email)
        refused = too_many_failures(account)
        if refused is not None:  # the profile page again, the reason next to the form
            form.form_errors.append(_("Too many attempts. Wait a few minutes and try again."))
            response = make_response(_profile_page(ProfileForm(obj=current_user), form, 429))
            response.headers["Retry-After"] = refused.headers["Retry-After"]
            return response
        try:
            attempt(form, lambda: accounts.change_password(
                current_user, form.current_password.data, form.new_password.data,
                keep_session_id=_current_session_id()))
        except Refused as exc:
            if getattr(exc.__cause__, "code", None) == "wrong_password":
                login_attempts.record_failure(account, client_address())
            return _profile_page(ProfileForm(obj=current_user), form, 422)
        renew_session(current_user)
        flash(_("Your password is changed."), "success")
        return redirect(url_for("main.profile"))
    return _profile_page(ProfileForm(obj=current_user), form, 422)


def _current_session_id() -> int | None:
    record = current_login_session()
    return record.id if record is not None else None


def _profile_page(form, password_form, status):
    return render_template("main/profile.html", form=form, password_form=password_form,
                           sessions=sessions.sessions_of(current_user),
                           api_tokens=tokens.api_tokens_of(current_user),
                           current_session_id=_current_session_id()), status


@bp.post("/language")
def set_language():
    """Remembered on the user when logged in, in the session otherwise."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            accounts.set_language(current_user, form.language.data)
    return redirect(safe_next(form.next.data, url_for("main.index")))
