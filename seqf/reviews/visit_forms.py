"""Forms of the visit agenda: a time slot, and a slot's note (the manual save that works without JS)."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField, widgets
from wtforms.validators import InputRequired, Optional

from seqf.services import visit_agenda
from seqf.text import NAME_FILTERS, max_length


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SlotForm(FlaskForm):
    day = SelectField(_l("Day"), validate_choice=False)
    starts_at = TimeField(_l("Starts"), validators=[InputRequired()])
    ends_at = TimeField(_l("Ends"), validators=[InputRequired()])
    groups = MultiCheckboxField(_l("Whom you meet"), validate_choice=False)
    programme = StringField(_l("Programme type (participants only)"), filters=NAME_FILTERS,
                            validators=[Optional(), max_length(visit_agenda.PROGRAMME_MAX)])
    topic = StringField(_l("Topic"), filters=NAME_FILTERS, validators=[Optional(), max_length(visit_agenda.TOPIC_MAX)])
    version = HiddenField()

    def set_days(self, days: list[dt.date], label) -> None:
        self.day.choices = [(d.isoformat(), label(d)) for d in days]
        self.groups.choices = [(code, visit_agenda.group_label(code)) for code in visit_agenda.GROUPS]

    def slot_version(self) -> int | None:
        """The version the page was loaded with (None from an old page without it)."""
        return int(self.version.data) if (self.version.data or "").isdigit() else None

    def slot_data(self) -> visit_agenda.SlotData:
        try:
            day = dt.date.fromisoformat(self.day.data or "")
        except ValueError:
            day = None
        return visit_agenda.SlotData(day=day, starts_at=self.starts_at.data, ends_at=self.ends_at.data,
                                     groups=list(self.groups.data or []), programme=self.programme.data or "",
                                     topic=self.topic.data or "")


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[max_length(visit_agenda.NOTE_MAX)])
    version = HiddenField()

    def version_number(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else 0
