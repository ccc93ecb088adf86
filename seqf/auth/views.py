"""Log in, log out, forgotten password, accept an invitation."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from seqf.auth import bp
from seqf.auth.forms import AcceptInvitationForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from seqf.auth.loader import current_login_session
from seqf.extensions import limiter
from seqf.security import login_rate_limit, safe_next
from seqf.services import accounts, organisations, passwords, sessions
from seqf.web import Refused, attempt


def sign_in(user, remember: bool = False) -> None:
    """Start a server-side session record and put its key in the session (and remember-me) cookie."""
    sessions.start_session(user, request.headers.get("User-Agent"))
    login_user(user, remember=remember)


def renew_session(user) -> None:
    """Give this browser a new session key and end the old record, so a copy of its cookies taken
    earlier stops working too. Used after a password change and "log out everywhere else": the
    person stays logged in here, whoever copied this browser's cookie does not."""
    user = getattr(user, "_get_current_object", lambda: user)()  # the user, never the current_user proxy
    record = current_login_session()
    if record is not None:
        sessions.end_session(user, record, audited=False)
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    sign_in(user, remember=remember_cookie in request.cookies)


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limit()
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            g.login_succeeded = True
            sign_in(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data, url_for("main.dashboard")))
        g.login_failed = True
        # one message whether the e-mail or the password was wrong
        form.form_errors.append(_("Wrong e-mail or password."))
        return render_template("auth/login.html", form=form), 401
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Ends the server-side session record, so neither a copy of the session cookie nor the
    remember-me cookie logs anyone in again."""
    record = current_login_session()
    if record is not None:
        sessions.end_session(current_user, record, audited=False)
    logout_user()
    flash(_("You are logged out."), "info")
    # an invitation opened while logged in as someone else logs out and comes back to the link
    return redirect(safe_next(request.form.get("next"), url_for("auth.login")))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        flash(_("If the address belongs to an account, a link to set a new password is on its way."),
              "info")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if passwords.reset_token_for(token) is None:  # used, expired or unknown: say so before the form
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            attempt(form, lambda: passwords.reset_password(token, form.new_password.data))
        except Refused:
            return render_template("auth/reset_password.html", form=form), 422
        record = current_login_session() if current_user.is_authenticated else None  # loads the session first
        if record is not None:
            # a browser logged in as someone else: its session ends too, not just its cookie
            sessions.end_session(current_user, record, audited=False)
        logout_user()
        flash(_("Your password is changed. Log in with the new password."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = organisations.invitation_for(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    existing = accounts.find_user_by_email(invitation.email)
    if current_user.is_authenticated and (existing is None or current_user.id != existing.id):
        # logged in as someone else: accepting would join (or create) another account than the one
        # in use, so the page says whose invitation it is and offers to log out first
        return render_template("auth/invitation_wrong_account.html", invitation=invitation,
                               form=NewPasswordForm()), 403 if request.method == "POST" else 200
    if existing is not None:
        return _accept_as_existing(invitation, existing)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            membership = attempt(form, lambda: organisations.accept_invitation(
                invitation, name=form.name.data, password=form.new_password.data))
        except Refused:
            return render_template("auth/accept_invitation.html", form=form, invitation=invitation), 422
        sign_in(membership.user)
        flash(_("Welcome to %(org)s!", org=invitation.organisation.name), "success")
        return redirect(url_for("main.dashboard"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


def _accept_as_existing(invitation, existing):
    """Someone with an account accepts by logging in as that account and confirming."""
    if not current_user.is_authenticated:
        flash(_("You already have an account. Log in to accept the invitation."), "info")
        return redirect(url_for("auth.login", next=request.path))
    form = NewPasswordForm()  # only for its CSRF token
    if request.method == "POST":
        try:
            attempt(None, lambda: organisations.accept_invitation(invitation, user=current_user))
        except Refused:
            return render_template("auth/accept_existing.html", invitation=invitation, form=form), 422
        flash(_("You are now a member of %(org)s.", org=invitation.organisation.name), "success")
        return redirect(url_for("main.dashboard"))
    return render_template("auth/accept_existing.html", invitation=invitation, form=form)
