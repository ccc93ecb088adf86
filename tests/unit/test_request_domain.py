"""The request-memoised translation domain (``seqf.i18n.RequestDomain``) must translate exactly as
Flask-Babel does: per request, per locale, and again after ``force_locale`` or ``refresh``."""

from __future__ import annotations

import datetime as dt

from flask import session
from flask_babel import force_locale, get_translations, gettext, lazy_gettext, refresh

from seqf import create_app, i18n


def _app():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test", "TESTING": True})


def test_python_gettext_uses_the_request_memo():
    app = _app()
    with app.test_request_context("/"):
        assert gettext("Log out") == "Logg ut"
        assert str(lazy_gettext("Log out")) == "Logg ut"
        assert get_translations() is i18n._translations()


def test_force_locale_translates_in_the_forced_language_and_then_back():
    """Mails are written in the recipient's language inside another person's request."""
    app = _app()
    with app.test_request_context("/"):
        assert gettext("Log out") == "Logg ut"
        with force_locale("en"):
            assert gettext("Log out") == "Log out"
        assert gettext("Log out") == "Logg ut"


def test_refresh_after_a_language_change_translates_in_the_new_language():
    app = _app()
    with app.test_request_context("/"):
        assert gettext("Log out") == "Logg ut"
        session["language"] = "en"
        refresh()
        assert gettext("Log out") == "Log out"


def test_dates_follow_force_locale_and_refresh():
    """The date cache's key (locale, time zone) is memoised per request like the catalogue."""
    app = _app()
    day = dt.date(2030, 4, 11)
    with app.test_request_context("/"):
        assert i18n.date_text(day, "long") == "11. april 2030"
        with force_locale("en"):
            assert i18n.date_text(day, "long") == "April 11, 2030"
        assert i18n.date_text(day, "long") == "11. april 2030"
        session["language"] = "en"
        refresh()
        assert i18n.date_text(day, "long") == "April 11, 2030"


def test_each_request_finds_its_own_language():
    app = _app()
    with app.test_request_context("/"):
        session["language"] = "en"
        assert gettext("Log out") == "Log out"
    with app.test_request_context("/"):
        assert gettext("Log out") == "Logg ut"


def test_wtforms_messages_follow_the_request_language():
    """WTForms' own messages come from one catalogue per locale per process (``FormsRequest``), in
    the language of the moment."""
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    class Form(FlaskForm):
        class Meta:
            csrf = False

        name = StringField(validators=[DataRequired()])

    app = _app()
    with app.test_request_context("/", method="POST", data={}):
        form = Form()
        assert not form.validate() and form.name.errors == ["Dette feltet er påkrevd."]
        with force_locale("en"):
            form = Form()
            assert not form.validate() and form.name.errors == ["This field is required."]
    with app.test_request_context("/", method="POST", data={}):
        session["language"] = "en"
        form = Form()
        assert not form.validate() and form.name.errors == ["This field is required."]
