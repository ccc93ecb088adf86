"""Language choice and Norwegian-style date formatting."""

from __future__ import annotations

import datetime as dt
import functools

from babel import support
from flask import Flask, Request, current_app, request, session
from flask.globals import _cv_app
from flask_babel import (
    Babel,
    Domain,
    format_date,
    format_datetime,
    get_babel,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_login import current_user
from wtforms.i18n import messages_path


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


def _translations(load=get_translations):
    """The request's catalogue, looked up once rather than per string.

    Flask-Babel's own lookup walks about ten context-local proxies per call, and a page calls it a
    hundred times. The result is memoised on Flask-Babel's own per-request namespace next to the
    locale object it was found for: ``force_locale`` (the mails) and ``refresh()`` replace or drop
    that object, so a memo found for another locale object is never used. ``load`` is the lookup
    itself (``RequestDomain`` passes Flask-Babel's, which this memo wraps).
    """
    ctx = _cv_app.get(None)
    if ctx is None:
        return load()
    babel_ns = ctx.g.__dict__.get("_flask_babel")
    if babel_ns is not None:
        memo = babel_ns.__dict__.get("seqf_translations")
        if memo is not None and memo[0] is babel_ns.__dict__.get("babel_locale") is not None:
            return memo[1]
    translations = load()
    babel_ns = ctx.g.__dict__.get("_flask_babel")
    locale = babel_ns.__dict__.get("babel_locale") if babel_ns is not None else None
    if locale is not None:
        babel_ns.seqf_translations = (locale, translations)
    return translations


class RequestDomain(Domain):
    """Flask-Babel's default domain, with the request's catalogue memoised (``_translations``).

    Python code translates through ``flask_babel.gettext`` and lazy form labels: 7 µs a string
    through Flask-Babel's lookup, 2 µs through the memo; the calendar feed and the goal page
    translate 50–60 strings a request."""

    def get_translations(self):
        return _translations(super().get_translations)


def install_request_domain(app: Flask, babel: Babel) -> None:
    """Make ``RequestDomain`` the default domain (Flask-Babel keeps it as ``domain_instance``)."""
    babel.domain_instance = RequestDomain(domain=get_babel(app).default_domain)


def _formatted(format_value, value, fmt: str) -> str:
    """Babel formats a date in 20 µs and a date-time in 40, and list pages show the same days again
    and again: the text is a pure function of the value, the format, the locale and the time zone,
    so it is kept per process under exactly those (at most 8,192 texts)."""
    return _format_cached(format_value, value, fmt, *_locale_and_zone())


def _locale_and_zone() -> tuple[str, str]:
    """The request's locale and time zone as the date cache's key, worked out once per request
    (a page formats dozens of dates), memoised like ``_translations`` next to the objects they were
    found for, so ``force_locale`` and ``refresh()`` are seen at once."""
    ctx = _cv_app.get(None)
    found = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    if found is not None:
        memo = found.__dict__.get("seqf_locale_zone")
        if (memo is not None and memo[0] is found.__dict__.get("babel_locale") is not None
                and memo[1] is found.__dict__.get("babel_tzinfo") is not None):
            return memo[2]
    value = (str(get_locale()), str(get_timezone()))
    found = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    if found is not None:
        locale, zone = found.__dict__.get("babel_locale"), found.__dict__.get("babel_tzinfo")
        if locale is not None and zone is not None:
            found.seqf_locale_zone = (locale, zone, value)
    return value


@functools.lru_cache(maxsize=8192)
def _format_cached(format_value, value, fmt: str, _locale: str, _zone: str) -> str:
    # called on a miss only, in the request whose locale and time zone are the key's
    return format_value(value, fmt)


def date_text(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    """22. nov. 2026 (nb) / 22 Nov 2026 (en); a date-time shows its day in Europe/Oslo. The
    ``|date`` filter, and for views that prepare rows in Python."""
    return _formatted(format_date, value, fmt) if value else ""


def datetime_text(value: dt.datetime | None, fmt: str = "medium") -> str:
    """The ``|datetime`` filter: shown in Europe/Oslo time."""
    return _formatted(format_datetime, value, fmt) if value else ""


def install_template_gettext(app: Flask) -> None:
    """The templates' ``_()`` and ``ngettext()``: Flask-Babel's, with the request's catalogue memoised."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )


class WTFormsCatalogue:
    """WTForms' own messages (its default labels and validation errors) in the request's language.

    Flask-WTF reads ``request.wtforms_translations`` and, when a request has none, loads WTForms'
    catalogue from disk (0.2 ms) once per request. ``FormsRequest`` answers that attribute with this
    object, which keeps one catalogue per locale for the process and asks the locale at each call,
    so ``force_locale`` and a language change are followed."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(_locale_and_zone()[0]).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(_locale_and_zone()[0]).ungettext(singular, plural, n)


@functools.lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class FormsRequest(Request):
    """Flask's request with WTForms' catalogue already answered (``WTFormsCatalogue``)."""

    wtforms_translations = WTFormsCatalogue()


def register_filters(app: Flask) -> None:
    install_template_gettext(app)

    app.add_template_filter(date_text, "date")
    app.add_template_filter(datetime_text, "datetime")

    from seqf.audit_text import event_text

    app.jinja_env.globals["audit_text"] = event_text  # a global, so imported macros see it too

    @app.context_processor
    def locale_context() -> dict:
        from seqf.labels import role_label

        return {"current_locale": lambda: str(get_locale() or "nb"), "role_label": role_label}
