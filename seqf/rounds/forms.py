"""Forms for opening a round, and turning the posted area forms into ``AreaData`` for the services.

The fill-in and consensus forms are built from the instrument at run time; their fields are named
``step-<level>-indicators``, ``step-<level>-met``, ``step-<level>-evidence`` and read here.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import DateField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from seqf import clock
from seqf.models import Evidence, MemberRole, Membership
from seqf.services.assessments import AreaData, StepData
from seqf.services.rounds import PARTICIPANT_ROLES
from seqf.text import NAME_FILTERS, name_validators

DEFAULT_WEEKS = 3


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OpenRoundForm(FlaskForm):
    title = StringField(_l("Title"), filters=NAME_FILTERS, validators=name_validators(200))
    closes_on = DateField(_l("Deadline"), validators=[DataRequired()])
    participants = MultiCheckboxField(_l("Participants"), coerce=int, validate_choice=True)

    def validate_closes_on(self, field: DateField) -> None:
        """Checked here too (the service has the rule), so a past deadline is reported together with
        every other error instead of only after the rest has been put right."""
        if field.data is not None and field.data < clock.today():
            raise ValidationError(_("The deadline cannot be in the past."))

    def set_members(self, memberships: list[Membership]) -> None:
        """Choices: every member who may take part; staff and leaders are ticked by default."""
        from seqf.labels import role_label

        eligible = [m for m in memberships if m.role != MemberRole.viewer and m.user.active]
        self.participants.choices = [SelectChoice(m.user_id, f"{m.user.name} ({role_label(m.role)})")
                                     for m in eligible]
        if not self.is_submitted():
            self.participants.data = [m.user_id for m in eligible if m.role in PARTICIPANT_ROLES]

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
