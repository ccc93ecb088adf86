"""Forms for the evidence library, and the area list the tag picker and filters offer."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SearchField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from seqf.extensions import db
from seqf.instruments import InstrumentError, load_definition
from seqf.models import Organisation, OwnArea
from seqf.services.evidence import DESCRIPTION_MAX, LEVELS, SEARCH_MAX, SEQF_AREAS, TITLE_MAX, URL_MAX
from seqf.text import NAME_FILTERS, max_length, name_validators


@lru_cache(maxsize=4)
def _seqf_titles(path: str, mtime: float) -> dict[str, dict[str, str]]:
    definition = load_definition(path)
    return {area.code: {"nb": area.title.nb, "en": area.title.en} for area in definition.areas}


def seqf_area_titles(lang: str) -> dict[str, str]:
    """SEQF area titles from ``forms/seqf.yaml``; bare codes when the file cannot be read."""
    path = Path(current_app.config["FORMS_DIR"]) / "seqf.yaml"
    try:
        titles = _seqf_titles(str(path), path.stat().st_mtime)
    except (OSError, InstrumentError):
        titles = {}
    return {code: titles.get(code, {}).get(lang, "") for code in SEQF_AREAS}


def tag_areas(organisation: Organisation) -> list[tuple[str, str]]:
    """(code, title) of every area evidence can be tagged to: SEQF 1–9, then the organisation's own."""
    lang = str(get_locale() or "nb")
    areas = list(seqf_area_titles(lang).items())
    own = db.session.execute(_own_areas_query(), {"organisation_id": organisation.id}).all()
    return areas + [(code, title) for code, title in own]


@cache
def _own_areas_query() -> sa.Select:
    """Built once with a parameter: every evidence page and form asks it."""
    return (sa.select(OwnArea.code, OwnArea.title).where(OwnArea.organisation_id == sa.bindparam("organisation_id"))
            .order_by(OwnArea.code))


def area_label(code: str, title: str) -> str:
    return f"{code} {title}".strip()


DESCRIPTION_HINT = _l("Markdown: **bold**, *italic*, lists with -, links as [text](https://…).")


class TagsMixin:
    tags = SelectMultipleField(_l("Areas and steps"), choices=[], validate_choice=False)


class EvidenceForm(TagsMixin, FlaskForm):
    """Add evidence: a file or a link, never both."""

    title = StringField(_l("Title"), filters=NAME_FILTERS, validators=name_validators(TITLE_MAX))
    file = FileField(_l("File"))
    url = StringField(_l("Link"), validators=[Optional(), max_length(URL_MAX)])
    description = TextAreaField(_l("Description"), validators=[max_length(DESCRIPTION_MAX)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        has_url = bool((self.url.data or "").strip())
        if has_file and has_url:
            self.url.errors = [*self.url.errors, _l("Give either a file or a link, not both.")]
            return False
        if not has_file and not has_url:
            self.file.errors = [*self.file.errors, _l("Choose a file, or give a link instead.")]
            return False
        return valid


class EditForm(TagsMixin, FlaskForm):
    # what the form was filled from (``edit_revision``): a save based on an older state is refused
    revision = HiddenField()
    title = StringField(_l("Title"), filters=NAME_FILTERS, validators=name_validators(TITLE_MAX))
    url = StringField(_l("Link"), validators=[Optional(), max_length(URL_MAX)])
    description = TextAreaField(_l("Description"), validators=[max_length(DESCRIPTION_MAX)])


class ReplaceForm(FlaskForm):
    file = FileField(_l("New version of the file"), validators=[FileRequired(_l("Choose a file."))])


class FilterForm(FlaskForm):
    """The search box and filters of the list (GET, no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search in titles and descriptions"), validators=[Optional(), max_length(SEARCH_MAX)])
    area = SelectField(_l("Area"), validators=[Optional()], validate_choice=False)
    step = SelectField(_l("Step"), validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Type"), validators=[Optional()], validate_choice=False)
    archived = BooleanField(_l("Show archived evidence"))

    def set_choices(self, areas: list[tuple[str, str]]) -> None:
        self.area.choices = [("", _l("All areas"))] + [(c, area_label(c, t)) for c, t in areas]
        self.step.choices = [("", _l("All steps"))] + [(str(n), _l("Step %(n)d", n=n)) for n in LEVELS]
        self.kind.choices = [("", _l("Files and links")), ("file", _l("Files")), ("link", _l("Links"))]

    def filters(self) -> dict:
        """Keyword arguments for ``evidence_for``; values outside the choices are ignored, as is a search
        over ``SEARCH_MAX`` characters (the field shows why)."""
        areas = {value for value, _label in self.area.choices}
        step = self.step.data or ""
        return {
            "search": (self.q.data or None) if not self.q.errors else None,  # too long: refused, shown
            "area": self.area.data if self.area.data in areas and self.area.data else None,
            "level": int(step) if step.isdigit() and int(step) in LEVELS else None,
            "kind": self.kind.data if self.kind.data in ("file", "link") else None,
            "archived": bool(self.archived.data),
        }
