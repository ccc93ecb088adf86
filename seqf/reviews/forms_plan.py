"""Forms for planning a review, changing its plan, planning a due follow-up and cancelling one.

The forms only parse; every rule (conflict of interest, dates, meeting link, round, areas) is the
service's (``seqf.services.reviews``), whose messages land on the matching fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from seqf.rounds.forms import MultiCheckboxField
from seqf.services import instruments as instrument_service
from seqf.services.reviews import MAX_REASON, MAX_URL
from seqf.text import max_length


def _kinds() -> list[SelectChoice]:
    return [SelectChoice("certification", _l("Certification review")), SelectChoice("follow_up", _l("Follow-up")),
            SelectChoice("recertification", _l("Recertification"))]


def _modes() -> list[SelectChoice]:
    return [SelectChoice("on_site", _l("On site")), SelectChoice("video", _l("Video"))]


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: refused by the choice check


class PlanForm(FlaskForm):
    """Revisors, mode, link, dates, starting round and (for a follow-up) the areas covered."""

    lead = SelectField(_l("Lead revisor"), coerce=_int_or_none, validators=[InputRequired()])
    co_revisors = MultiCheckboxField(_l("Co-revisors"), coerce=int, validate_choice=True)
    mode = RadioField(_l("Visit"), choices=_modes(), default="on_site", validators=[InputRequired()])
    meeting_url = StringField(_l("Meeting link"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                              validators=[Optional(), max_length(MAX_URL)])
    visit_starts_on = DateField(_l("First day of the visit"), validators=[InputRequired()])
    visit_ends_on = DateField(_l("Last day of the visit"), validators=[InputRequired()])
    round_id = SelectField(_l("Self-assessment to start from"), coerce=_int_or_none, validate_choice=True)
    areas = MultiCheckboxField(_l("Areas the follow-up covers"), validate_choice=True)
    version = HiddenField()

    def set_choices(self, pool, members: set[int], rounds, instrument, lang: str) -> None:
        """The revisor pool (members of the organisation are marked: they cannot be chosen),
        the organisation's rounds with a recorded consensus, and the instrument's areas."""
        def label(user):
            if user.id in members:
                return f"{user.name} ({_l('member of this organisation')})"
            return user.name

        self.lead.choices = [SelectChoice(None, _l("Choose …"))] + [SelectChoice(u.id, label(u)) for u in pool]
        self.co_revisors.choices = [SelectChoice(u.id, label(u)) for u in pool]
        self.round_id.choices = [SelectChoice(None, _l("The latest round with a recorded consensus"))] + [
            SelectChoice(r.id, f"{r.title}") for r in rounds]
        self.areas.choices = [SelectChoice(a["code"], f"{a['code']} {instrument_service.localized(a['title'], lang)}")
                              for a in instrument_service.instrument_areas(instrument)]

    def revisor_ids(self) -> list[int]:
        """Lead first, then the ticked co-revisors (the lead ticked again counts once)."""
        lead = self.lead.data
        if not lead:  # never let a co-revisor become the lead unasked
            return []
        return [lead] + [i for i in (self.co_revisors.data or []) if i != lead]


class NewReviewForm(PlanForm):
    kind = RadioField(_l("Kind of review"), choices=_kinds(), default="certification", validators=[InputRequired()])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (sent to the revisors and the leaders)"),
                           validators=[Optional(), max_length(MAX_REASON)])
