"""Flask-Login wiring: sessions carry ``user_id:session_version``."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from seqf.extensions import db, login_manager
from seqf.models import User


def configure_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """A password change bumps ``session_version``, which logs out every older session."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
