"""Small helpers the web tests share: links in mail, the English UI, row counts, redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa

from tests.conftest import extract_links


def link_in(message, fragment: str) -> str:
    """The path of the one link in a mail message that contains ``fragment``."""
    links = [link for link in extract_links(message.get_content()) if fragment in link]
    assert len(links) == 1, message.get_content()
    return urlsplit(links[0]).path


def in_english(client) -> None:
    """Choose English for this browser session, so assertions can use the English source strings."""
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302


def count(model, *where) -> int:
    from seqf.extensions import db

    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def location(response) -> str:
    """The redirect target as a local path (Werkzeug may answer with a relative or absolute URL)."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def text(response) -> str:
    return response.get_data(as_text=True)
