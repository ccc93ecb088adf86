"""``Cache-Control: no-store`` on every answer except the few that are the same for everyone.

Almost everything seqf serves is one person's view: their answers, their tokens, their
organisation's evidence and exports, pages that greet them by name. Rather than list those
endpoints (and miss the next one someone adds), the rule is turned around: every response gets
``no-store``, overriding what a view set (``send_file`` says ``no-cache``, which still lets a
browser or proxy keep the file on disk), except the endpoints in ``SHAREABLE``.
"""

from __future__ import annotations

from flask import Flask, Response, request

# the same bytes for every caller: the static files and the public OpenAPI document
SHAREABLE = frozenset({"static", "api.openapi_document"})
# one person's answer that a calendar app may keep briefly: the view sets ``private, max-age=…``
PRIVATE_CACHEABLE = frozenset({"calendar.feed"})


def register_no_store(app: Flask) -> None:
    @app.after_request
    def no_store(response: Response) -> Response:
        if request.endpoint in PRIVATE_CACHEABLE and response.status_code == 200:
            return response
        if request.endpoint not in SHAREABLE:
            response.headers["Cache-Control"] = "no-store"
        return response
