"""Profile and language forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf

from seqf.text import NAME_FILTERS, name_validators

LANGUAGE_CHOICES = [("nb", "Norsk (bokmål)"), ("en", "English")]


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), filters=NAME_FILTERS, validators=name_validators(120),
                       render_kw={"autocomplete": "name"})
    language = SelectField(_l("Language"))
    digest = BooleanField(_l("Monthly action plan digest"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = LANGUAGE_CHOICES  # set here: WTForms warns on tuple choices in the constructor


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[AnyOf(["nb", "en"])])
    next = HiddenField()
