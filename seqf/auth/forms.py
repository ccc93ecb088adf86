"""Forms for logging in and setting passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo

from seqf.text import NAME_FILTERS, max_length, name_validators


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), max_length(254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), max_length(256)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), max_length(254)],
                       render_kw={"autocomplete": "email"})


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), max_length(256)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), filters=NAME_FILTERS, validators=name_validators(120),
                       render_kw={"autocomplete": "name"})


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), max_length(256)],
                                     render_kw={"autocomplete": "current-password"})
