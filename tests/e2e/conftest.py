"""End-to-end fixtures: the app served on a free port, SMTP on loopback, and headless Chromium.

``live_server`` serves the ``app`` fixture's application (so e2e tests run on SQLite and on
PostgreSQL like every other database test) from a background thread, with ``BASE_URL`` set to
the server's address and mail going to the aiosmtpd ``smtp_server``. ``page`` and ``phone_page``
are fresh browser tabs (1280×800 and 360×740) with their own cookies; ``new_page`` opens more.
Helpers (``screenshot``, ``wait_for_mail``, viewports) are in ``tests/e2e/helpers.py``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from tests.conftest import free_port
from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE


def closing_responses(app):
    """The app with each response read whole and closed before the server sends any of it.

    werkzeug's development server closes a response only after reading what is left of the
    request; when the browser has already dropped the connection (it navigated away while a static
    file was on its way), that read raises and the response is never closed. Wrapping it in a
    generator that closes it in ``finally`` was not enough: the abandoned generator, the file and
    the exception's frames then die together in a reference cycle, and the garbage collector may
    finalise the file first — a ResourceWarning that failed whichever browser test was running
    (``profile-several-sessions-phone`` once). Read whole, the body is closed before the first byte
    is written, whatever the browser does. The test files are small; gunicorn, which production
    uses, does not have this problem."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture
def live_server(app, smtp_server):
    """Serve ``app`` on 127.0.0.1:<free port>; yields the base URL (no trailing slash)."""
    controller, _handler = smtp_server
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app.config.update(BASE_URL=base_url, SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    server = make_server("127.0.0.1", port, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def mailbox(smtp_server):
    """The messages the live server has sent (``mailbox.messages``); see ``wait_for_mail``."""
    return smtp_server[1]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh tab with its own cookies: ``new_page()`` (desktop) or ``new_page(PHONE)``."""
    contexts = []

    def open_page(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server, locale="nb-NO",
                                      timezone_id="Europe/Oslo")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    return new_page(PHONE)


@pytest.fixture
def team(make_org, make_user):
    """A leader and one job specialist in an open round (modules with other needs define their own)."""
    from tests.web.round_helpers import open_round

    org = make_org(name="Fellefri AS")
    leader = make_user(org=org, member_role="leader", name="Lise Leder", email="lise@example.no")
    person = make_user(org=org, member_role="staff", name="Bjørn Berg", email="bjorn@example.no")
    round_ = open_round(leader, org, title="Vårrunden")
    return SimpleNamespace(org=org, leader=leader, person=person, round=round_, rid=round_.id)
