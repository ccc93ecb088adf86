"""Security headers on every response, safe handling of ``next`` redirects, the log-in rate limit."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, make_response, request

from seqf.errors import render_error
from seqf.services import login_attempts
from seqf.services.accounts import normalise_email

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response


def register_input_guards(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> None:
        """No one types a NUL character, and PostgreSQL cannot store one: refuse it up front (400)
        rather than fail in the database. JSON bodies are checked by the API's body parser."""
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in (key or "") or "\x00" in (value or ""):  # a broken multipart name is None
                    abort(400)
        for upload in request.files.values():
            if "\x00" in (upload.filename or ""):
                abort(400)


def safe_next(target: str | None, fallback: str) -> str:
    """Only a local path is accepted as a redirect target; anything else goes to ``fallback``."""
    if not target:
        return fallback
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target


def client_address() -> str:
    """The address failed log-ins are counted for: the connecting peer, or, behind
    ``TRUSTED_PROXIES`` proxies, the address they report (``ProxyFix``). Without trusted proxies an
    ``X-Forwarded-For`` header is ignored, so a client cannot pick a fresh address per guess."""
    return (request.remote_addr or "unknown")[:64]


def _login_key() -> tuple[str, str]:
    """The account tried (from the log-in form or the API's JSON body) and the client address.
    The e-mail is normalised as the account lookup normalises it, so " Ola@X.no" and "ola@x.no"
    count as one account."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    email = normalise_email(email)[:254] if isinstance(email, str) else ""
    return email, client_address()


def too_many_failures(account: str) -> Response | None:
    """A 429 answer (with ``Retry-After``) while ``account`` is blocked from this address."""
    wait = login_attempts.blocked_for(account, client_address())
    if wait is None:
        return None
    response = make_response(render_error(429))
    response.headers["Retry-After"] = str(wait)
    return response


def login_rate_limit():
    """Failed log-ins through the form and through ``POST /api/v1/tokens`` share one count per
    client address and account (``LOGIN_RATE_LIMIT``), plus a wider one per client address. The
    count lives in the database (``seqf.services.login_attempts``), so every worker and node sees
    it. Only failures count: the view sets ``g.login_failed``. A successful log-in (the view sets
    ``g.login_succeeded``) clears that account's failures from that address, but never the
    address's count, so one's own account cannot be used to reset the wider limit."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method != "POST":
                return view(*args, **kwargs)
            account, address = _login_key()
            refused = too_many_failures(account)
            if refused is not None:
                return refused
            response = view(*args, **kwargs)
            if g.get("login_failed"):
                login_attempts.record_failure(account, address)
            elif g.get("login_succeeded"):
                login_attempts.clear_failures(account, address)
            return response

        return wrapper

    return decorate
