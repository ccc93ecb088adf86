"""Forms of the meeting pages. They only parse; every rule is the service's (``seqf.services.meetings``),
whose messages land on the matching fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from seqf.reports.derived_cache import DerivedCache
from seqf.rounds.forms import MultiCheckboxField

# the meeting page's pickers as WTForms wrote them, per everything they show (at most 1 MB a worker)
_PICKERS = DerivedCache(max_bytes=1 << 20)


class KeptPicker:
    """A WTForms choice widget (a select, a list of checkboxes) whose HTML is kept per worker under
    everything it writes: the widget, the field's id, name, flags and attributes, and each choice's
    value, label and whether it is chosen. WTForms spends 25–70 µs an option (a field object and
    several ``Markup.format`` calls each), and the meeting page shows the same people and goals on
    every reload of the shared screen. The HTML is a pure function of that key, so an entry is only
    ever given to a page that would have written the same bytes (``seqf.reports.derived_cache``)."""

    def __init__(self, name: str, widget) -> None:
        self.name = name
        self.widget = widget

    def __call__(self, field, **kwargs) -> Markup:
        if field.has_groups():  # not used here; grouped choices are written without the cache
            return self.widget(field, **kwargs)
        material = repr((self.name, field.id, field.name, sorted(kwargs.items()),
                         sorted(vars(field.flags).items()), sorted((field.render_kw or {}).items()),
                         [(c.value, type(c.label).__name__, str(c.label), c.selected,  # Markup is not escaped
                           sorted((c.render_kw or {}).items()))
                          for c in field.iter_choices()]))
        html = _PICKERS.get(material, lambda: str(self.widget(field, **kwargs)).encode("utf-8"))
        return Markup(html.decode("utf-8"))


class SeriesForm(FlaskForm):
    title = StringField(_l("Title"))
    interval_days = StringField(_l("Every how many days"), default="14")
    first_on = StringField(_l("First meeting (YYYY-MM-DD)"))
    starts_at = StringField(_l("Starts at (HH:MM)"))
    duration_minutes = StringField(_l("Duration in minutes"), default="60")
    place = StringField(_l("Place"))
    video_url = StringField(_l("Video link"))
    participant_ids = MultiCheckboxField(_l("Participants"), coerce=int, validate_choice=False)
    others = StringField(_l("Add participants (e-mail or full name; separate several with commas)"))
    version = HiddenField()


class ChangeForm(FlaskForm):
    what = RadioField(_l("What happens to this meeting"), choices=[SelectChoice("move", _l("Move it to another day")),
                                                                  SelectChoice("cancel", _l("Cancel it")),
                                                                  SelectChoice("restore", _l("Hold it as planned"))],
                      default="move")
    moved_to = StringField(_l("New date (YYYY-MM-DD)"))
    reason = StringField(_l("Reason (optional)"))


class OpenForm(FlaskForm):
    planned_on = HiddenField()


class MinutesForm(FlaskForm):
    markdown = TextAreaField(_l("Minutes (Markdown)"))
    version = HiddenField()


class AttendeesForm(FlaskForm):
    """The series' participants and the recorded attendees as checkboxes; anyone else by e-mail or name."""

    user_ids = MultiCheckboxField(_l("Present"), coerce=int, validate_choice=False,
                                  widget=KeptPicker("attendees", widgets.ListWidget(prefix_label=False)))
    others = StringField(_l("Someone else present (e-mail or full name; separate several with commas)"))


class UpdateForm(FlaskForm):
    goal_id = HiddenField()
    health = RadioField(_l("Health"), choices=[SelectChoice("on_track", _l("On track")),
                                               SelectChoice("at_risk", _l("At risk")),
                                               SelectChoice("off_track", _l("Off track"))], default="on_track")
    note = TextAreaField(_l("Short note"))


class MeetingTaskForm(FlaskForm):
    """The meeting page's one "new task" form: the goal is chosen in the form, the assignee from the
    people who matter for the meeting or, for anyone else, by e-mail or full name."""

    goal_id = SelectField(_l("Goal"), coerce=int, validate_choice=False, widget=KeptPicker("goal", widgets.Select()))
    title = StringField(_l("Task"))
    assignee_id = SelectField(_l("Who does it"), coerce=int, validate_choice=False,
                              widget=KeptPicker("assignee", widgets.Select()))
    assignee_other = StringField(_l("Or someone else (e-mail or full name)"))
    due_on = StringField(_l("Due (YYYY-MM-DD)"))


class ApproveForm(FlaskForm):
    confirm = HiddenField(default="yes")
