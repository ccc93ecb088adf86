"""All models, imported here so metadata and Alembic see every table."""

from seqf.models.accounts import User, UserRole
from seqf.models.assessments import AreaAssessment, StepAssessment, step_evidence
from seqf.models.audit import AuditEvent
from seqf.models.base import Base, utcnow
from seqf.models.enums import (
    Decision,
    FollowUpOutcome,
    GlobalRole,
    MailState,
    MemberRole,
    ResponseState,
    ReviewKind,
    ReviewMode,
    ReviewState,
    RevisorRole,
    RoundState,
    TokenPurpose,
)
from seqf.models.evidence import Evidence, EvidenceFile, EvidenceTag
from seqf.models.instruments import Instrument, OwnArea
from seqf.models.mail import OutboxMessage
from seqf.models.organisations import Membership, Organisation
from seqf.models.reviews import Certificate, ReportVersion, Review, ReviewComment, ReviewRevisor, VisitSlot
from seqf.models.rounds import Response, Round, RoundParticipant, RoundSnapshot
from seqf.models.sessions import FailedLogin, LoginSession
from seqf.models.tokens import ApiToken, OneTimeToken

__all__ = [
    "Certificate",
    "Decision",
    "FollowUpOutcome",
    "ReportVersion",
    "Review",
    "ReviewComment",
    "ReviewKind",
    "ReviewMode",
    "ReviewRevisor",
    "ReviewState",
    "RevisorRole",
    "VisitSlot",
    "AreaAssessment",
    "Evidence",
    "EvidenceFile",
    "EvidenceTag",
    "FailedLogin",
    "LoginSession",
    "Instrument",
    "OwnArea",
    "Response",
    "ResponseState",
    "Round",
    "RoundSnapshot",
    "RoundParticipant",
    "RoundState",
    "StepAssessment",
    "step_evidence",
    "ApiToken",
    "AuditEvent",
    "Base",
    "GlobalRole",
    "MailState",
    "MemberRole",
    "Membership",
    "OneTimeToken",
    "Organisation",
    "OutboxMessage",
    "TokenPurpose",
    "User",
    "UserRole",
    "utcnow",
]
