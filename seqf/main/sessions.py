"""My profile: ending login sessions and revoking API tokens, each after a confirmation page.

The confirmation is a server-rendered page (GET) with the consequence spelled out and a form that
posts ``confirm=yes``; a post without it shows the same page, so nothing ends in one click and
nothing needs JavaScript.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from seqf.auth.loader import current_login_session
from seqf.auth.views import renew_session
from seqf.extensions import db
from seqf.main import bp
from seqf.models import ApiToken, LoginSession, utcnow
from seqf.services import sessions, tokens


def _confirmed() -> bool:
    return request.method == "POST" and request.form.get("confirm") == "yes"


def confirm_page(*, title: str, message: str, consequences: list[str], button: str,
                 back: str, danger: bool = True):
    return render_template("main/confirm.html", title=title, message=message, consequences=consequences,
                           button=button, back=back, danger=danger)


def _own_session(session_id: int) -> LoginSession:
    record = db.session.get(LoginSession, session_id)
    if record is None or record.user_id != current_user.id or record.ended_at is not None:
        abort(404)
    return record


def _own_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id or not token.is_live(utcnow()):
        abort(404)
    return token


@bp.route("/profile/sessions/<int:session_id>/end", methods=["GET", "POST"])
@login_required
def end_session(session_id: int):
    record = _own_session(session_id)
    current = current_login_session()
    is_current = current is not None and current.id == record.id
    if not _confirmed():
        consequences = [_("You are logged out in this browser now.")] if is_current else [
            _("Whoever uses that browser or device must log in again.")]
        return confirm_page(
            title=_("End session?"),
            message=_("End the session in %(device)s, last used %(when)s?",
                      device=record.user_agent or _("an unknown browser"),
                      when=_when(record.last_seen_at)),
            consequences=consequences, button=_("End session"), back=url_for("main.profile"))
    sessions.end_session(current_user, record)
    if is_current:
        logout_user()
        flash(_("You are logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("The session is ended."), "success")
    return redirect(url_for("main.profile"))


@bp.route("/profile/sessions/end-others", methods=["GET", "POST"])
@login_required
def end_other_sessions():
    if not _confirmed():
        return confirm_page(
            title=_("Log out everywhere else?"),
            message=_("Every other browser and device where you are logged in is logged out."),
            consequences=[_("This browser stays logged in."),
                          _("Every API token is revoked: scripts that use one must get a new token.")],
            button=_("Log out everywhere else"), back=url_for("main.profile"))
    count = sessions.end_other_sessions(current_user, current_login_session())
    renew_session(current_user)  # a copy of this browser's cookie is "somewhere else" too
    flash(_("Logged out everywhere else (%(n)d sessions and tokens ended).", n=count), "success")
    return redirect(url_for("main.profile"))


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int):
    token = _own_token(token_id)
    if not _confirmed():
        return confirm_page(
            title=_("Revoke API token?"),
            message=_("Revoke the API token created %(when)s?", when=_when(token.created_at)),
            consequences=[_("Scripts and integrations that use this token stop working at once.")],
            button=_("Revoke token"), back=url_for("main.profile"))
    tokens.revoke_api_token(current_user, token)
    flash(_("The API token is revoked."), "success")
    return redirect(url_for("main.profile"))


def _when(value) -> str:
    from flask_babel import format_datetime

    return format_datetime(value, "short")


