"""Configuration defaults, overridden by ``SEQF_*`` environment variables and by ``create_app(config)``.

The defaults give a working single-machine install (SQLite in ``instance/``); production sets
``SEQF_DATABASE_URL`` to PostgreSQL and ``SEQF_SMTP_*`` to a real mail relay.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Environment variable → (config key, converter)
_ENV_KEYS: dict[str, tuple[str, type]] = {
    "SEQF_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "SEQF_SECRET_KEY": ("SECRET_KEY", str),
    "SEQF_SMTP_HOST": ("SMTP_HOST", str),
    "SEQF_SMTP_PORT": ("SMTP_PORT", int),
    "SEQF_SMTP_USER": ("SMTP_USER", str),
    "SEQF_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "SEQF_SMTP_STARTTLS": ("SMTP_STARTTLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "SEQF_MAIL_FROM": ("MAIL_FROM", str),
    "SEQF_BASE_URL": ("BASE_URL", str),
    "SEQF_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "SEQF_SECURE_COOKIES": ("SESSION_COOKIE_SECURE", lambda v: v.lower() in {"1", "true", "yes"}),
    "SEQF_ANONYMITY_THRESHOLD": ("ANONYMITY_THRESHOLD", int),
    "SEQF_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "SEQF_SESSION_IDLE_DAYS": ("SESSION_IDLE_DAYS", int),
    "SEQF_DB_POOL_SIZE": ("DB_POOL_SIZE", int),
    "SEQF_DB_MAX_OVERFLOW": ("DB_MAX_OVERFLOW", int),
}


class Defaults:
    """Settings every install starts from."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from the instance path
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None
    TEMPLATES_DIR = str(REPO_ROOT / "templates")
    FORMS_DIR = str(REPO_ROOT / "forms")
    WORKFLOWS_DIR = str(REPO_ROOT / "workflows")

    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = ("nb", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set SEQF_SECURE_COOKIES=1 behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 12
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    # evidence files are at most 20 MB; the margin lets a file a little over the limit still reach the
    # form, which then shows the error inline with everything typed kept (beyond it: a 413 page)
    MAX_CONTENT_LENGTH = 24 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # failed log-ins, counted in the database (seqf.services.login_attempts): per account and address,
    # and per address for any accounts
    LOGIN_RATE_LIMIT = "5 per 15 minutes"
    LOGIN_ADDRESS_RATE_LIMIT = "50 per 15 minutes"

    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = False
    MAIL_FROM = "seqf <noreply@seqf.local>"
    BASE_URL = "http://127.0.0.1:5000"

    PASSWORD_MIN_LENGTH = 10
    RESET_TOKEN_HOURS = 2
    INVITATION_DAYS = 14
    API_TOKEN_DAYS = 30
    # a login session unused this long ends by itself; the remember-me cookie lasts as long
    SESSION_IDLE_DAYS = 30
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    ANONYMITY_THRESHOLD = 3  # for new organisations; each organisation may raise its own (never below 3)
    # reverse proxies in front of the app (nginx, a load balancer): their X-Forwarded-For/-Proto are
    # trusted, so rate limits count the real client address and HTTPS is recognised
    TRUSTED_PROXIES = 0
    # argon2 cost; tests lower it
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536


def engine_options(config: dict) -> dict[str, object]:
    """SQLAlchemy engine options: the defaults plus the pool size a production server sets.

    Each gunicorn worker has its own pool. A sync worker uses one connection at a time, a gthread
    worker one per thread, so ``SEQF_DB_POOL_SIZE`` is the number of threads per worker and the
    server needs ``workers × (pool size + overflow)`` connections at most (docs/performance.md).
    SQLite has no pool to size.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite"):
        for key, option in (("DB_POOL_SIZE", "pool_size"), ("DB_MAX_OVERFLOW", "max_overflow")):
            if config.get(key) is not None:
                options[option] = config[key]
    return options


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Read ``SEQF_*`` variables into config keys, converting numbers and flags."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (key, convert) in _ENV_KEYS.items():
        if environ.get(name):
            values[key] = convert(environ[name])
    return values


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it on first start.

    Keeping it on disk (mode 0600) means sessions survive restarts without anyone having to
    configure a key for a demo install; production sets ``SEQF_SECRET_KEY``.
    """
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
