"""API: instruments (the stored texts) and an organisation's own quality areas."""

from __future__ import annotations

from typing import Annotated

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from seqf import permissions
from seqf.api.core import ApiError, Query, current_api_user, operation
from seqf.instruments import LANGUAGES, area_as_dict, definition_as_api
from seqf.models import OwnArea
from seqf.services import instruments as instrument_service
from seqf.services import own_areas as own_area_service
from seqf.urls import MAX_ID

Text = Annotated[str, StringConstraints(max_length=5000)]


class InstrumentOut(BaseModel):
    slug: str
    version: str
    title: str
    scale: str


class IndicatorOut(BaseModel):
    code: str
    text: str


class InstrumentStepOut(BaseModel):
    level: int
    title: str
    indicators: list[IndicatorOut]


class AreaOut(BaseModel):
    code: str
    title: str
    steps: list[InstrumentStepOut]
    own: bool | None = None


class InstrumentDetailOut(InstrumentOut):
    areas: list[AreaOut]


class OwnStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text
    indicators: list[Text] = Field(max_length=50)


class OwnAreaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text
    description: Text | None = None
    steps: list[OwnStepIn] = Field(max_length=20)


class OwnAreaOut(AreaOut):
    id: int
    description: str
    active: bool


LANG = Query.choice("nb (default) or en", *LANGUAGES)


def _lang() -> str:
    lang = request.args.get("lang", "nb")
    if lang not in LANGUAGES:
        raise ApiError(422, "validation_failed", _("lang must be one of: %(langs)s.", langs=", ".join(LANGUAGES)),
                       {"lang": ", ".join(LANGUAGES)})
    return lang


def _organisation_param() -> int | None:
    value = request.args.get("organisation")
    if value is None:
        return None
    if not value.isdigit():
        raise ApiError(422, "validation_failed", _("organisation must be an organisation id."),
                       {"organisation": _("An integer id.")})
    return int(value)


def own_area_out(own_area: OwnArea) -> dict:
    return {"id": own_area.id, "code": own_area.code, "own": True, "title": own_area.title,
            "description": own_area.description or "", "active": own_area.active,
            "steps": [{"level": s["level"], "title": s["title"],
                       "indicators": [{"code": i["code"], "text": i["text"]} for i in s["indicators"]]}
                      for s in own_area.steps]}


@operation("/instruments", summary="The current version of every instrument", tag="instruments",
           response=list[InstrumentOut], query={"lang": LANG}, errors=(422,))
def list_instruments():
    lang = _lang()
    return [{"slug": i.slug, "version": i.version, "title": i.title(lang), "scale": i.scale}
            for i in instrument_service.list_instruments()]


@operation("/instruments/<slug>", summary="An instrument's areas, steps and key indicators", tag="instruments",
           response=InstrumentDetailOut, errors=(404, 422),
           query={"lang": LANG, "organisation": Query.integer(
               "an organisation id: add its active own areas, marked own: true", 1, MAX_ID)})
def get_instrument(slug: str):
    lang, org_id = _lang(), _organisation_param()
    instrument = instrument_service.current_instrument(slug)
    body = {**definition_as_api(instrument_service.definition_of(instrument), lang), "version": instrument.version}
    if org_id is not None:
        organisation = permissions.organisation_or_404(current_api_user(), org_id)
        body["areas"] += [own_area_out(a) for a in own_area_service.own_areas_of(organisation, False)]
    return body


@operation("/instruments/<slug>/areas/<code>", summary="One area of an instrument", tag="instruments",
           response=AreaOut, errors=(404, 422), query={"lang": LANG})
def get_instrument_area(slug: str, code: str):
    lang = _lang()
    defn = instrument_service.definition_of(instrument_service.current_instrument(slug))
    area = next((a for a in defn.areas if a.code == code), None)
    if area is None:
        raise ApiError(404, "unknown_area", _("Unknown quality area “%(area)s”.", area=code))
    return area_as_dict(area, lang)


@operation("/organisations/<int:org>/own-areas", summary="The organisation's own quality areas",
           tag="instruments", response=list[OwnAreaOut], errors=(404,))
def list_own_areas(org: int):
    organisation = permissions.organisation_or_404(current_api_user(), org)
    return [own_area_out(a) for a in own_area_service.own_areas_of(organisation)]


@operation("/organisations/<int:org>/own-areas", "POST", summary="Add an own quality area (leader, org_admin)",
           tag="instruments", body=OwnAreaIn, response=OwnAreaOut, status=201, errors=(403, 404))
def create_own_area(org: int, body: OwnAreaIn):
    actor = current_api_user()
    organisation = permissions.organisation_or_404(actor, org, permissions.can_lead)
    own_area = own_area_service.create_own_area(
        actor, organisation, title=body.title, description=body.description,
        steps=[step.model_dump() for step in body.steps])
    return own_area_out(own_area)
