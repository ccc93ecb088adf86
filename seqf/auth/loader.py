"""Flask-Login wiring: the session and remember-me cookies carry the key of a login session record.

A request is accepted only while that record is live (``seqf.services.sessions``): logging out,
"log out everywhere else", a password change or a reset ends the record, and with it every copy of
both cookies.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from seqf.extensions import login_manager
from seqf.models import User
from seqf.services import reviews, sessions


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    live = sessions.live_session(session_key)
    if live is None:
        return None
    g.login_session_id = live.id
    user = live.user
    user.login_session_key = session_key
    reviews.note_leads_anything(user, live.leads)
    return user


def current_login_session():
    """The session record of the logged-in browser making this request (None for the API), loaded
    only by the views that show or end it."""
    session_id = g.get("login_session_id")
    return sessions.session_record(session_id) if session_id is not None else None
