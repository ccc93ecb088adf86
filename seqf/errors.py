"""Error pages (HTML) and error bodies (JSON). Never a stack trace."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from seqf.extensions import db
from seqf.services.errors import ServiceError

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "file_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return True
    # fetch() calls from the pages (e.g. autosave) ask for JSON and get JSON errors too
    return request.accept_mimetypes.best == "application/json"


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        401: (_("Log in required"), _("You need to log in to see this page.")),
        403: (_("Not allowed"), _("Your role does not give access to this page.")),
        404: (_("Not found"), _("The page does not exist, or you do not have access to it.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        409: (_("Conflict"), _("Someone else changed this in the meantime. Reload and try again.")),
        413: (_("File too large"), _("The file is larger than allowed (20 MB).")),
        422: (_("Invalid input"), _("Some of the values sent are not valid.")),
        429: (_("Too many attempts"), _("Too many attempts. Wait a few minutes and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged.")),
    }


def render_error(status: int, message: str | None = None, back: str | None = None):
    title, default = _messages().get(status, (_("Error"), _("Something went wrong.")))
    if wants_json():
        return json_error(status, CODES.get(status, "error"), message or default)
    return render_template("errors/error.html", status=status, title=title,
                           message=message or default, back=back), status


def _too_large():
    """A request far over the file limit is never read, so the form cannot be shown again.

    On a round's fill page the ticked answers were already saved by autosave; the page says so
    and links back to the same area. (A file slightly over the limit still reaches the form,
    which shows the error inline with everything typed kept; see ``MAX_CONTENT_LENGTH``.)
    """
    limit = _("The file is larger than allowed (20 MB).")
    if request.endpoint == "rounds.fill" and not wants_json():
        back = request.full_path.rstrip("?")
        return render_error(413, limit + " " + _("Your ticked answers were saved automatically, but the file "
                                                  "and text typed since the last automatic save were not. "
                                                  "Go back to the area, and choose a smaller file."), back=back)
    return render_error(413, limit)


def _busy(exc: sa.exc.OperationalError) -> bool:
    """SQLite's "database is locked" after the busy timeout, PostgreSQL's deadlock or
    serialization failure: another writer was first; the request can simply be tried again."""
    text = str(exc.orig).lower()
    return "database is locked" in text or "deadlock" in text or "could not serialize" in text


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(400, _("The form had expired or was not sent from this site. "
                                   "Reload the page and try again."))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        if wants_json():
            return json_error(exc.status, exc.code, exc.message, exc.fields)
        return render_error(exc.status, exc.message)

    @app.errorhandler(sa.exc.DataError)
    def data_error(exc: sa.exc.DataError):
        # a value the database refuses (out of range, not representable) is bad input, not a crash;
        # validation should have caught it, so it is logged to be fixed there
        app.logger.warning("database refused a value: %s", exc.orig)
        db.session.rollback()
        return render_error(422)

    @app.errorhandler(sa.exc.IntegrityError)
    def integrity_error(exc: sa.exc.IntegrityError):
        # two writers created the same thing at once and the database kept one: a conflict, never a
        # crash (the services lock what they change, so this is the last line of defence)
        app.logger.warning("concurrent write refused by the database: %s", exc.orig)
        db.session.rollback()
        return _conflict()

    @app.errorhandler(sa.exc.OperationalError)
    def operational_error(exc: sa.exc.OperationalError):
        db.session.rollback()
        if _busy(exc):
            return _conflict()
        app.logger.exception("database error")
        return render_error(500)

    @app.errorhandler(413)
    def too_large(exc):
        return _too_large()

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        # our own abort(…, description) texts are shown; Werkzeug's English defaults are not
        return render_error(exc.code or 500, exc.description if _custom(exc) else None)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)


def _conflict():
    message = _("Someone else saved at the same moment. Reload the page and try again.")
    if wants_json():
        return json_error(409, "concurrent_write", message)
    return render_error(409, message)


def _custom(exc: HTTPException) -> bool:
    """True when the description was set by our code rather than Werkzeug's default text.

    Flask-Limiter puts the limit itself ("5 per 15 minute") in the description; people get our
    own sentence instead.
    """
    if isinstance(exc, RateLimitExceeded):
        return False
    return exc.description != type(exc).description
