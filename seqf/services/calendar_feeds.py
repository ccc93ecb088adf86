"""Secret calendar URLs (issue 8, item 8): calendar apps cannot log in, so a feed's URL carries a
random token (``secrets.token_urlsafe(32)``). Only its SHA-256 is stored (``CalendarFeed.token_hash``),
so the URL can be shown once — right after it is made — and never again; "make a new link" replaces
it, and the old URL stops working at once. One feed per person and organisation (``organisation_id``
NULL: the person's own feed). A feed of an organisation answers only while its owner is an active
member; an unknown, replaced or lapsed token gets a bare 404.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import clock
from seqf.extensions import db
from seqf.models import CalendarFeed, Membership, Organisation, User
from seqf.services import audit

TOKEN_MAX = 200  # a token_urlsafe(32) is 43 characters; anything much longer is not ours


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_of(user: User, organisation_id: int | None) -> CalendarFeed | None:
    return db.session.scalar(_feed_of_query(organisation_id is None),
                             {"user_id": user.id, "organisation_id": organisation_id})


@functools.cache
def _feed_of_query(personal: bool) -> sa.Select:
    """A person's own feed (``personal``) or their feed of an organisation, built once per shape."""
    return sa.select(CalendarFeed).where(
        CalendarFeed.user_id == sa.bindparam("user_id"),
        CalendarFeed.organisation_id.is_(None) if personal
        else CalendarFeed.organisation_id == sa.bindparam("organisation_id"))


def regenerate(user: User, organisation_id: int | None) -> str:
    """Make (or replace) the caller's feed token; returns the token (shown once)."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user, organisation_id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, organisation_id=organisation_id, token_hash=token_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash = token_hash(token)
        feed.last_used_at = None
    db.session.flush()
    audit.record(user, "calendar_feed.created", feed, "Made a new secret calendar link",
                 organisation_id=organisation_id, data={"personal": organisation_id is None})
    return token


def resolve(token: str) -> CalendarFeed | None:
    """The feed a token opens, or None (unknown, replaced, inactive owner, membership ended)."""
    found = open_feed(token)
    return found[0] if found else None


@functools.cache
def _open_feed_query() -> sa.Select:
    """The feed with its owner, the owner's role in the feed's organisation (the same question as
    ``permissions.member_role``) and the organisation, built once with a parameter for the token's
    hash: calendar apps poll this, and building the statement cost as much as running it."""
    role = sa.select(Membership.role).where(Membership.user_id == CalendarFeed.user_id,
                                            Membership.organisation_id == CalendarFeed.organisation_id)
    return (sa.select(CalendarFeed, role.scalar_subquery(), Organisation)
            .outerjoin(Organisation, Organisation.id == CalendarFeed.organisation_id)
            .where(CalendarFeed.token_hash == sa.bindparam("token_hash"))
            .options(so.joinedload(CalendarFeed.user)))


def open_feed(token: str) -> tuple[CalendarFeed, Organisation | None] | None:
    """``resolve`` with the feed's organisation (None for a personal feed), for serving the feed:
    one statement (``_open_feed_query``)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    row = db.session.execute(_open_feed_query(), {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    feed, member_role, organisation = row
    if not feed.user.active:
        return None
    if feed.organisation_id is not None and member_role is None:
        return None
    return feed, organisation


def touch(feed: CalendarFeed) -> None:
    """Remember when the feed was last fetched (at most once an hour, to spare the writes)."""
    now = clock.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        feed.last_used_at = now
