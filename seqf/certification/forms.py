"""Forms for the certification decision and for withdrawing a certificate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

REASON_MAX = 4000


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approved", _l("Approved")),
                                                   SelectChoice("not_approved", _l("Not approved"))],
                          validators=[InputRequired(message=_l("Choose approved or not approved."))])
    decided_on = DateField(_l("Date of the decision"),
                           validators=[DataRequired(message=_l("Enter the date of the decision."))])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason for withdrawing the certificate.")), Length(max=REASON_MAX)])
