"""Profile and language forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

LANGUAGE_CHOICES = [("nb", "Norsk (bokmål)"), ("en", "English")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[AnyOf(["nb", "en"])])
    next = HiddenField()
