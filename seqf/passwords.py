"""Password hashing (argon2id) and the password rules shown to users."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

# a short list of passwords that pass a length rule but are guessed first
_COMMON = {
    "passord123", "password123", "1234567890", "qwertyuiop", "sommer2024", "sommer2025",
    "vinter2025", "passordpassord", "0123456789", "abcdefghij", "seqfseqfseqf",
}
MAX_LENGTH = 256


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_dummy_hashes: dict[tuple[int, int], str] = {}


def dummy_hash() -> str:
    """A hash with the configured parameters, of a password nobody knows.

    Checking a password against it costs exactly what checking a real one costs, so an unknown
    e-mail, an inactive account or an account without a password answers as slowly as a known
    one and the timing does not tell which e-mails have accounts.
    """
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher().hash(secrets.token_urlsafe(24))
    return _dummy_hashes[key]


def verify_password(password_hash: str | None, password: str) -> bool:
    """Always runs one argon2 verification; without a hash it runs against ``dummy_hash()``."""
    try:
        if not password_hash:
            _hasher().verify(dummy_hash(), password)
            return False
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Why a password is not acceptable (empty list when it is).

    Length over complexity rules, as NSM and NIST advise; plus refusing the obvious.
    """
    problems: list[str] = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(str(_l("The password must be at least %(n)d characters.", n=minimum)))
    if len(password) > MAX_LENGTH:
        problems.append(str(_l("The password can be at most %(n)d characters.", n=MAX_LENGTH)))
    lowered = password.lower()
    if lowered in _COMMON or len(set(password)) < 4:
        problems.append(str(_l("This password is too easy to guess.")))
    if email and lowered == email.lower():
        problems.append(str(_l("The password cannot be your e-mail address.")))
    return problems
