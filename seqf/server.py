"""No server banner: neither gunicorn nor the development server says what software answers.

A ``Server: gunicorn`` or ``Server: Werkzeug/3.1 Python/3.11`` header tells an attacker which
known weaknesses to try first and helps nobody else. Both servers write the header below the WSGI
application, so the app cannot remove it; these functions change the servers' own response
writers instead. ``seqf.gunicorn_conf`` (``gunicorn -c python:seqf.gunicorn_conf``) calls
``hide_gunicorn_banner`` and the ``seqf`` command calls ``hide_dev_server_banner``.
"""

from __future__ import annotations


def hide_gunicorn_banner() -> None:
    """gunicorn always writes ``Server: gunicorn`` in ``Response.default_headers``; drop that line."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "seqf_quiet", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self) -> list[str]:
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.seqf_quiet = True
    wsgi.Response.default_headers = default_headers


def hide_dev_server_banner() -> None:
    """Werkzeug's request handler inherits ``send_response`` from ``http.server``, which writes
    ``Server`` and ``Date``; write only ``Date``."""
    from werkzeug.serving import WSGIRequestHandler

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    WSGIRequestHandler.send_response = send_response
