"""Issue 9: building a SQLAlchemy statement costs more CPU than running it, so the pages people use
most run statements built once per process with bound parameters (``docs/performance.md``). This
guards that: a warm request to each page builds only a handful of SQL expressions (counted at
``sqlalchemy.sql.coercions.expect``, which every clause passes through when it is built), so a
statement built anew on every request shows up here before it shows up in the bench."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.sql import coercions

from seqf import demo
from seqf.extensions import db
from seqf.models import Goal, Meeting, Organisation, Review, ReviewState, Round, RoundState

CEILING = 25  # expressions built by one warm request (the session query alone builds one)
LEADER = "leder@jobbvei.demo"
COORDINATOR = "koordinator@seno.demo"


@pytest.fixture
def demo_ids(app):
    demo.load()
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Jobbvei AS"))
    closed = db.session.scalars(sa.select(Round.id).where(Round.organisation_id == org.id,
                                                          Round.state == RoundState.closed).order_by(Round.id)).all()
    return {
        "org": org.id,
        "closed": closed[-1],
        "goal": db.session.scalar(sa.select(Goal.id).where(Goal.organisation_id == org.id).order_by(Goal.id)),
        "meeting": db.session.scalar(sa.select(Meeting.id).where(Meeting.organisation_id == org.id)
                                     .order_by(Meeting.id.desc())),
        "certified": db.session.scalar(sa.select(Review.id).where(Review.state == ReviewState.decided)),
    }


def built_by(client, path: str) -> int:
    """How many SQL expressions the second of two requests to ``path`` builds."""
    first = client.get(path)
    assert first.status_code == 200, (path, first.status_code)
    calls = 0
    original = coercions.expect

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)

    coercions.expect = counting
    try:
        assert client.get(path).status_code == 200
    finally:
        coercions.expect = original
    return calls


PAGES = [
    (LEADER, "/dashboard"),
    (LEADER, "/organisations/{org}/"),
    (LEADER, "/organisations/{org}/evidence/"),
    (LEADER, "/organisations/{org}/plan"),
    (LEADER, "/organisations/{org}/calendar"),
    (LEADER, "/goals/{goal}"),
    (LEADER, "/meetings/{meeting}"),
    (LEADER, "/rounds/{closed}/summary"),
    (LEADER, "/rounds/{closed}/results"),
    (LEADER, "/rounds/{closed}/consensus"),
    (LEADER, "/reviews/{certified}"),
    (LEADER, "/reviews/{certified}/report"),
    (COORDINATOR, "/network"),
]


def test_the_key_pages_build_their_statements_once_per_process(client, auth, demo_ids):
    built = {}
    for who, path in PAGES:
        auth.login(who, demo.PASSWORD)
        built[path] = built_by(client, path.format(**demo_ids))
        auth.logout()
    over = {path: n for path, n in built.items() if n > CEILING}
    assert over == {}, built
