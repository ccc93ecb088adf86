"""Fixtures for the web tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def mailbox(app, smtp_server):
    """Point the app at the aiosmtpd server; returns the collector whose ``messages`` fill up.

    Mail queued in a request is delivered over SMTP right after the commit.
    """
    controller, handler = smtp_server
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    return handler
