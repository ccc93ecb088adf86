"""Request and response schemas of the certification API (decision, certificates, withdrawal).

Names are prefixed ``Cert`` so they stay unique in the OpenAPI document of the whole API.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from seqf.api.round_schemas import Body, IsoDate


class CertDecisionIn(Body):
    decision: Literal["approved", "not_approved"]
    decided_on: IsoDate


class CertWithdrawIn(Body):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class CertFollowUpOut(BaseModel):
    review_id: int
    due_on: str
    state: str


class CertificateOut(BaseModel):
    id: int
    organisation_id: int
    review_id: int
    previous_certificate_id: int | None
    number: str
    valid_from: str
    valid_until: str
    state: Literal["active", "expiring", "expired", "withdrawn"]
    decided_on: str | None
    recertification_due_on: str
    withdrawn_at: str | None
    withdrawn_reason: str | None
    follow_ups: list[CertFollowUpOut]


class CertDecisionOut(BaseModel):
    certificate: CertificateOut | None
