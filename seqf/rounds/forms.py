"""Forms for opening a round, and turning the posted area forms into ``AreaData`` for the services.

The fill-in and consensus forms are built from the instrument at run time; their fields are named
``step-<level>-indicators``, ``step-<level>-met``, ``step-<level>-evidence`` and read here.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import DateField, RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from seqf import clock
from seqf.models import Evidence, Organisation
from seqf.services.assessments import AreaData, StepData
from seqf.services.rounds import participant_ids_by_email
from seqf.text import NAME_FILTERS, name_validators

DEFAULT_WEEKS = 3
MAX_EMAILS_TEXT = 200_000  # a thousand addresses fit; more is not a list of colleagues


EVERYONE, CHOSEN = "everyone", "chosen"


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class OpenRoundForm(FlaskForm):
    """Who takes part: everyone (active staff and leaders), or the members named by e-mail address.

    An organisation can have a thousand members, so the form offers no checkbox per member; the
    addresses are matched in one query (``rounds.participant_ids_by_email``) and an address that is
    not an active member who may take part is reported by name, with nothing created.
    """

    title = StringField(_l("Title"), filters=NAME_FILTERS, validators=name_validators(200))
    closes_on = DateField(_l("Deadline"), validators=[DataRequired()])
    who = RadioField(_l("Participants"), default=EVERYONE, choices=[
        SelectChoice(EVERYONE, _l("Everyone: all staff and leaders")),
        SelectChoice(CHOSEN, _l("Only the people whose e-mail addresses I write below"))])
    emails = TextAreaField(_l("E-mail addresses"), filters=[lambda value: (value or "")[:MAX_EMAILS_TEXT]])

    participant_ids: list[int] | None = None  # set by validation: None means everyone

    def __init__(self, organisation: Organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def validate_closes_on(self, field: DateField) -> None:
        """Checked here too (the service has the rule), so a past deadline is reported together with
        every other error instead of only after the rest has been put right."""
        if field.data is not None and field.data < clock.today():
            raise ValidationError(_("The deadline cannot be in the past."))

    def validate_emails(self, field: TextAreaField) -> None:
        if self.who.data != CHOSEN:
            self.participant_ids = None
            return
        emails = [e for e in EMAIL_SEPARATORS.split(field.data or "") if e]
        if not emails:
            raise ValidationError(_("Write the e-mail address of at least one participant."))
        ids, unknown = participant_ids_by_email(self.organisation, emails)
        if unknown:
            raise ValidationError(_("Not an active staff member, leader or organisation admin here: %(emails)s",
                                    emails=", ".join(unknown)))
        self.participant_ids = ids

    def set_defaults(self, today: dt.date) -> None:
        """A title with the month, and a deadline three weeks ahead."""
        if not self.is_submitted():
            self.title.data = self.title.data or _("Self-assessment %(date)s", date=today.strftime("%m/%Y"))
            self.closes_on.data = self.closes_on.data or today + dt.timedelta(days=DEFAULT_WEEKS * 7)


def _evidence_ids(form: MultiDict, level: int) -> list:
    """Digits become ids; anything else is passed on so the service refuses it with a clear message."""
    return [int(v) if v.isdigit() else v for v in form.getlist(f"step-{level}-evidence") if v]


def version_from_form(form: MultiDict) -> int | None:
    """The version the page was based on (0: no answer yet); missing or garbled means "do not check"."""
    value = form.get("version", "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def answer_from_form(form: MultiDict, area_def: dict) -> AreaData:
    """A participant's answer: the ticked indicators decide whether each step is met."""
    steps = [StepData(level=step["level"], indicators=form.getlist(f"step-{step['level']}-indicators"),
                      evidence_ids=_evidence_ids(form, step["level"]))
             for step in area_def["steps"]]
    return AreaData(area=area_def["code"], steps=steps, comment=form.get("comment", ""),
                    version=version_from_form(form))


def is_answered(form: MultiDict, data: AreaData) -> bool:
    """Answered when something is ticked, or "none of these steps yet" is chosen explicitly.

    A comment or linked evidence alone is not an answer: an empty area must never count as 0 by
    accident.
    """
    ticked = any(step.indicators for step in data.steps)
    return ticked or form.get("none_yet") == "1"


def consensus_from_form(form: MultiDict, area_def: dict) -> AreaData:
    """The agreed scoring: a whole step is met or not; recommendations one per line."""
    steps = [StepData(level=step["level"], met=form.get(f"step-{step['level']}-met") == "1",
                      evidence_ids=_evidence_ids(form, step["level"]))
             for step in area_def["steps"]]
    return AreaData(area=area_def["code"], steps=steps, justification=form.get("justification", ""),
                    strengths=form.get("strengths", ""),
                    recommendations=form.get("recommendations", "").splitlines(),
                    version=version_from_form(form))


def uploads_from_form(files: MultiDict, form: MultiDict, area_def: dict) -> list[tuple[int, str, FileStorage]]:
    """(level, title, file) for every step where a file was chosen for upload."""
    found = []
    for step in area_def["steps"]:
        upload = files.get(f"step-{step['level']}-file")
        if upload is not None and upload.filename:
            title = form.get(f"step-{step['level']}-file-title", "").strip() or upload.filename
            found.append((step["level"], title, upload))
    return found


def data_from_assessment(assessment, area_code: str) -> AreaData:
    """The stored answer (or an empty one) in the shape the templates read."""
    if assessment is None:
        return AreaData(area=area_code)
    return AreaData(
        area=area_code,
        steps=[StepData(level=s.level, met=s.met, evidence_ids=[e.id for e in s.evidence],
                        indicators=list(s.indicators or [])) for s in assessment.steps],
        comment=assessment.comment or "", justification=assessment.justification or "",
        strengths=assessment.strengths or "", recommendations=list(assessment.recommendations or []),
    )


def steps_by_level(data: AreaData) -> dict[int, StepData]:
    return {step.level: step for step in data.steps}


def evidence_choices(library: list[Evidence], area: str, level: int, selected: list) -> tuple[list, list]:
    """Split the library for one step: (linked or tagged to this area/step, the rest)."""
    chosen = {v for v in selected if isinstance(v, int)}
    near, rest = [], []
    for evidence in library:
        tagged = any(t.area == area and t.level in (None, level) for t in evidence.tags)
        (near if evidence.id in chosen or tagged else rest).append(evidence)
    return near, rest
