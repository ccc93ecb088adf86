"""Forms of the plan pages: a goal, a task, a progress update, a state change, linking evidence.

The forms only parse; every rule (members only, owner ≠ deputy, dates, the goal limit, versions)
is the services', whose messages land on the matching fields. Dates are text fields (``type=date``
in the browser), so whatever is typed reaches the service and gets its clear message back.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from seqf.rounds.forms import MultiCheckboxField
from seqf.services import goal_updates, goals, tasks


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a member: the service says so


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# Hidden fields are never labelled on a page, but a field without a label makes WTForms translate a
# label from its name, and the first such field in a request loads WTForms' own catalogue from disk
# (a tenth of a goal page's form work). These are the labels it would have made.
HIDDEN_LABELS = {"version": "Version", "transition": "Transition", "state": "State"}


class GoalForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[InputRequired(), Length(max=goals.TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=goals.DESCRIPTION_MAX)])
    areas = MultiCheckboxField(_l("Areas"), validate_choice=False)
    owner_id = SelectField(_l("Owner"), coerce=_int_or_none, validate_choice=False)
    deputy_id = SelectField(_l("Deputy"), coerce=_int_or_none, validate_choice=False)
    due_on = StringField(_l("Due date"), filters=[_strip], render_kw={"type": "date"})
    recommendation_ids = MultiCheckboxField(_l("Recommendations from the review"), coerce=int, validate_choice=False)
    version = HiddenField(HIDDEN_LABELS["version"], filters=[_version])

    def set_choices(self, members, areas, recommendations) -> None:
        people = [SelectChoice(m.id, m.name) for m in members]
        self.owner_id.choices = [SelectChoice("", _l("Choose…")), *people]
        self.deputy_id.choices = [SelectChoice("", _l("No deputy")), *people]
        self.areas.choices = [SelectChoice(code, label) for code, label in areas]
        self.recommendation_ids.choices = [SelectChoice(r.id, f"{r.number} {r.text[:140]}") for r in recommendations]

    def changes(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "areas": list(self.areas.data or []), "owner_id": self.owner_id.data,
                "deputy_id": self.deputy_id.data, "due_on": self.due_on.data or None,
                "recommendation_ids": list(self.recommendation_ids.data or [])}


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), filters=[_strip], validators=[InputRequired(), Length(max=tasks.TITLE_MAX)])
    assignee_id = SelectField(_l("Who does it"), coerce=_int_or_none, validate_choice=False)
    due_on = StringField(_l("Due date"), filters=[_strip], render_kw={"type": "date"})
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=tasks.NOTE_MAX)])
    assignee_other = StringField(_l("Or someone else (e-mail or full name)"))
    version = HiddenField(HIDDEN_LABELS["version"], filters=[_version])

    def set_choices(self, members) -> None:
        self.assignee_id.choices = [SelectChoice("", _l("Choose…"))] + [SelectChoice(m.id, m.name) for m in members]

    def changes(self) -> dict:
        return {"title": self.title.data, "assignee_id": self.assignee_id.data, "due_on": self.due_on.data or None,
                "note": self.note.data or ""}


def health_choices():
    return [SelectChoice("on_track", _l("On track")), SelectChoice("at_risk", _l("At risk")),
            SelectChoice("off_track", _l("Off track"))]


class UpdateForm(FlaskForm):
    health = RadioField(_l("Health"), choices=health_choices(), validators=[InputRequired()])
    # its own id: the goal page also has the task form's "note"
    note = TextAreaField(_l("Short note"), id="update-note",
                         validators=[Optional(), Length(max=goal_updates.NOTE_MAX)])


class StateForm(FlaskForm):
    transition = HiddenField(HIDDEN_LABELS["transition"])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=goals.REASON_MAX)])
    version = HiddenField(HIDDEN_LABELS["version"], filters=[_version])


class TickForm(FlaskForm):
    state = HiddenField(HIDDEN_LABELS["state"])
    version = HiddenField(HIDDEN_LABELS["version"], filters=[_version])


class EvidenceLinkForm(FlaskForm):
    evidence_id = SelectField(_l("Evidence"), coerce=_int_or_none, validate_choice=False)
