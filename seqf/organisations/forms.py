"""Forms for members, invitations and organisation settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField
from wtforms.validators import DataRequired, Email, NumberRange

from seqf.labels import role_label
from seqf.text import max_length

MEMBER_ROLES = ("org_admin", "leader", "staff", "viewer")


def member_role_choices():
    return [(r, role_label(r).capitalize()) for r in MEMBER_ROLES]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), max_length(254)])
    role = SelectField(_l("Role"), default="staff")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = member_role_choices()


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = member_role_choices()


class SettingsForm(FlaskForm):
    anonymity_threshold = IntegerField(
        _l("Anonymity threshold"), validators=[DataRequired(), NumberRange(min=3, max=50)]
    )
