"""One commit at the request boundary, then mail delivery.

Services only flush. A successful response commits; an error response rolls back, so a refused
request changes nothing. Mail queued during the request is delivered after the commit.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g

from seqf.extensions import db


def register_request_boundary(app: Flask) -> None:
    def fresh_request_state() -> None:
        """Every request starts with an empty ``g``, as it does when each request has its own
        application context. Where one context outlives several requests (the test suite keeps one
        open for database access), nothing — the logged-in user, a cached role, a failed-login flag,
        the chosen locale — leaks from one request into the next."""
        vars(g).clear()

    # first, before the extensions' own hooks (CSRF, rate limits) put their values on ``g``
    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request_state)

    @app.after_request
    def commit_or_rollback(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
            _deliver_queued_mail()
        else:
            db.session.rollback()
        return response


def _deliver_queued_mail() -> None:
    from seqf.services.mail import send_outbox, smtp_configured

    ids = g.pop("queued_mail_ids", None)
    if ids and smtp_configured() and current_app.config.get("MAIL_SEND_AFTER_REQUEST", True):
        try:
            send_outbox(ids)
        except Exception:  # noqa: BLE001 - the change is committed; `seqf send-mail` retries
            current_app.logger.exception("mail delivery after request failed")
            db.session.rollback()
