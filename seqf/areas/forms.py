"""The form for an own quality area: a title, a description and five steps.

Each step has a title and its key indicators in a textarea, one per line. The form checks only
what a browser can get wrong on its own; the rules (1–6 indicators, lengths) live in
``seqf.services.own_areas`` and come back as field errors.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from seqf.models import OwnArea
from seqf.services.own_areas import LEVELS, MAX_DESCRIPTION, MAX_STEP_TITLE, MAX_TITLE, own_area_revision
from seqf.text import NAME_FILTERS, max_length, name_validators


class StepForm(Form):
    """One step; a plain WTForms form inside the CSRF-protected area form."""

    title = StringField(_l("Step title"), filters=NAME_FILTERS, validators=name_validators(MAX_STEP_TITLE))
    indicators = TextAreaField(_l("Key indicators"), validators=[DataRequired()])

    def indicator_lines(self) -> list[str]:
        return [line.strip() for line in (self.indicators.data or "").splitlines() if line.strip()]


class OwnAreaForm(FlaskForm):
    revision = HiddenField()  # what the edit form was filled from (``own_area_revision``)
    title = StringField(_l("Title"), filters=NAME_FILTERS, validators=name_validators(MAX_TITLE))
    description = TextAreaField(_l("What the area is about"),
                                validators=[Optional(), max_length(MAX_DESCRIPTION)])

    def step_forms(self) -> list[StepForm]:
        return [getattr(self, f"step_{level}") for level in range(1, LEVELS + 1)]

    def steps_data(self) -> list[dict]:
        """The steps in the service's shape: ``[{"title", "indicators": [text, …]}] × 5``."""
        return [{"title": step.title.data or "", "indicators": step.indicator_lines()}
                for step in self.step_forms()]


for _level in range(1, LEVELS + 1):
    setattr(OwnAreaForm, f"step_{_level}", FormField(StepForm, label=_l("Step %(n)d", n=_level)))


def form_data(own_area: OwnArea) -> dict:
    """Initial data for editing an existing area."""
    data = {"title": own_area.title, "description": own_area.description, "revision": own_area_revision(own_area)}
    for step in own_area.steps:
        data[f"step_{step['level']}"] = {
            "title": step["title"],
            "indicators": "\n".join(ind["text"] for ind in step["indicators"]),
        }
    return data
