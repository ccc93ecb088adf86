"""Forms of the absence pages. Dates are text fields shown as date pickers; the service parses them,
so an impossible date gets the same message in the page as in the API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

DATE_KW = {"type": "date", "autocomplete": "off"}


class AbsenceForm(FlaskForm):
    starts_on = StringField(_l("First day away"), render_kw=DATE_KW)
    ends_on = StringField(_l("Last day away"), render_kw=DATE_KW)


class MemberAbsenceForm(AbsenceForm):
    user_id = SelectField(_l("Member"), coerce=int, validate_choice=False)
