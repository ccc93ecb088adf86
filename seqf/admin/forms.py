"""Forms for administrators and network coordinators."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Email, Optional

from seqf.text import NAME_FILTERS, max_length, name_validators


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name of the organisation"), filters=NAME_FILTERS, validators=name_validators(160))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def global_role_choices():
    from seqf.labels import role_label

    return [(r, role_label(r)) for r in ("admin", "coordinator", "revisor")]


class UserForm(FlaskForm):
    name = StringField(_l("Name"), filters=NAME_FILTERS, validators=name_validators(120))
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), max_length(254)])
    password = PasswordField(_l("Password"), validators=[Optional(), max_length(256)],
                             render_kw={"autocomplete": "new-password"})
    global_roles = MultiCheckboxField(_l("Platform roles"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_roles.choices = global_role_choices()


class UserRolesForm(FlaskForm):
    global_roles = MultiCheckboxField(_l("Platform roles"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.global_roles.choices = global_role_choices()
