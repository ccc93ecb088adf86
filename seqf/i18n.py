"""Language choice and Norwegian-style date formatting."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The user's saved language, else the session's choice, else Norwegian Bokmål.

    The JSON API has no session: its messages follow the Accept-Language header.
    """
    languages = current_app.config["LANGUAGES"]
    if request and request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register_filters(app: Flask) -> None:
    @app.template_filter("date")
    def date_filter(value: dt.date | None, fmt: str = "medium") -> str:
        """22. nov. 2026 (nb) / 22 Nov 2026 (en)."""
        return format_date(value, fmt) if value else ""

    @app.template_filter("datetime")
    def datetime_filter(value: dt.datetime | None, fmt: str = "medium") -> str:
        """Shown in Europe/Oslo time."""
        return format_datetime(value, fmt) if value else ""

    from seqf.audit_text import event_text

    app.jinja_env.globals["audit_text"] = event_text  # a global, so imported macros see it too

    @app.context_processor
    def locale_context() -> dict:
        from seqf.labels import role_label

        return {"current_locale": lambda: str(get_locale() or "nb"), "role_label": role_label}
