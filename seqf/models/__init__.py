"""All models, imported here so metadata and Alembic see every table."""

from seqf.models.accounts import User, UserRole
from seqf.models.audit import AuditEvent
from seqf.models.base import Base, utcnow
from seqf.models.enums import GlobalRole, MailState, MemberRole, TokenPurpose
from seqf.models.mail import OutboxMessage
from seqf.models.organisations import Membership, Organisation
from seqf.models.tokens import ApiToken, OneTimeToken

__all__ = [
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
