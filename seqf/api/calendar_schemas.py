"""Request and response schemas of the calendar API (feeds and absences), prefixed ``Calendar``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from seqf.api.round_schemas import Body

DateText = Annotated[str, StringConstraints(max_length=40)]


class CalendarAbsenceIn(Body):
    starts_on: DateText
    ends_on: DateText


class CalendarAbsenceOut(BaseModel):
    id: int
    user_id: int
    starts_on: str
    ends_on: str


class CalendarFeedOut(BaseModel):
    url: str
