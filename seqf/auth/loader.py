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
    record = sessions.live_session(session_key)
    if record is None:
        return None
    g.login_session = record
    user = record.user
    user.login_session_key = session_key
    reviews.note_leads_anything(user, record.user_leads)
    return user


def current_login_session():
    """The session record of the logged-in browser making this request (None for the API)."""
    return g.get("login_session")
