"""A closed round's released areas are parsed once per process (``seqf.services.snapshot_areas``).

What is kept must never be shown instead of the stored release: a later close (a new snapshot) is
read and shown, the pages that use the kept value leave it as stored, and a kept entry is found
only for the same row (id, round and moment taken). On both databases.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from seqf.extensions import db
from seqf.models import Round, RoundSnapshot
from seqf.services import snapshot_areas
from tests.web.round_helpers import answer, close, open_round, reopen

PAGES = ("summary", "results", "consensus", "export.csv", "export.xlsx")


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listener)


def _areas_reads(statements: list[str]) -> int:
    """Statements that read a snapshot's stored areas."""
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and "round_snapshots.areas" in s)


@pytest.fixture
def closed_round(make_org, make_user):
    """Eight staff invited, four answered, closed (released): (leader, the other four, round id)."""
    org = make_org()
    leader = make_user(org=org, member_role="leader")
    staff = [make_user(org=org, member_role="staff") for _ in range(8)]
    round_ = open_round(leader, org, participant_ids=[u.id for u in staff])
    for person in staff[:4]:
        answer(person, round_, {"1": 1, "2": 1}, comments={"1": "Første runde"})
    close(leader, round_)
    return leader, staff[4:], round_.id


def test_the_areas_are_read_once_and_a_new_close_is_read_anew(closed_round, auth, client, statements):
    leader, later, round_id = closed_round
    auth.login(leader.email)

    statements.clear()
    assert client.get(f"/rounds/{round_id}/summary").status_code == 200
    assert _areas_reads(statements) == 1
    for page in PAGES:
        statements.clear()
        assert client.get(f"/rounds/{round_id}/{page}").status_code == 200
        assert _areas_reads(statements) == 0, page  # kept: no page reads the areas again
    before = client.get(f"/rounds/{round_id}/export.csv").get_data(as_text=True)

    round_ = db.session.get(Round, round_id)
    reopen(leader, round_)
    for person in later:
        answer(person, round_, {"1": 5, "2": 5}, comments={"1": "Andre runde"})
    close(leader, round_)

    statements.clear()
    after = client.get(f"/rounds/{round_id}/export.csv").get_data(as_text=True)
    assert _areas_reads(statements) == 1  # the new snapshot's areas, not the kept ones
    assert after != before
    summary = client.get(f"/rounds/{round_id}/summary").get_data(as_text=True)
    assert "Andre runde" in summary and "Første runde" in summary


def test_what_the_pages_use_is_left_as_stored(closed_round, auth, client, api):
    leader, _later, round_id = closed_round
    auth.login(leader.email)
    for page in PAGES:
        assert client.get(f"/rounds/{round_id}/{page}").status_code == 200
    for suffix in ("summary", "results"):
        assert api.get(f"/api/v1/rounds/{round_id}/{suffix}", leader).status_code == 200

    table = RoundSnapshot.__table__  # read as rows, not entities: parsed anew, not the session's objects
    stored = db.session.execute(sa.select(table.c.id, table.c.round_id, table.c.taken_at, table.c.areas)
                                .where(table.c.round_id == round_id)).all()
    assert stored
    for snapshot_id, snapshot_round, taken_at, areas in stored:
        kept = snapshot_areas._KEPT.get((snapshot_id, snapshot_round, taken_at))
        assert kept is not None
        assert kept.areas is not areas
        assert kept.areas == areas  # a page that changed the shared value would show here
        assert kept.response_ids == {code: frozenset(e["response_ids"]) for code, e in areas.items()}


def test_a_kept_entry_belongs_to_one_row_only(app):
    taken = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    first = RoundSnapshot(id=7, round_id=3, taken_at=taken, areas={"1": {"response_ids": [1, 2, 3]}})
    assert snapshot_areas.parsed_areas(first).response_ids == {"1": frozenset({1, 2, 3})}
    # the same id again (SQLite reuses the newest id once its row is deleted), taken later
    again = RoundSnapshot(id=7, round_id=3, taken_at=taken + dt.timedelta(seconds=1),
                          areas={"1": {"response_ids": [4, 5, 6]}})
    assert snapshot_areas.parsed_areas(again).response_ids == {"1": frozenset({4, 5, 6})}
    elsewhere = RoundSnapshot(id=7, round_id=4, taken_at=taken, areas={"2": {"response_ids": [9, 10, 11]}})
    assert snapshot_areas.parsed_areas(elsewhere).areas == {"2": {"response_ids": [9, 10, 11]}}
    # not stored (no id): parsed for the caller, never kept
    computed = RoundSnapshot(round_id=3, taken_at=taken, areas={"1": {"response_ids": [8, 9, 10]}})
    assert snapshot_areas.parsed_areas(computed).response_ids == {"1": frozenset({8, 9, 10})}
    assert all(key[0] is not None for key in snapshot_areas._KEPT._entries)


def test_the_process_keeps_at_most_a_bounded_number(app):
    taken = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    for i in range(snapshot_areas.MAX_KEPT + 10):
        snapshot_areas.parsed_areas(RoundSnapshot(id=1000 + i, round_id=1, taken_at=taken, areas={}))
    assert len(snapshot_areas._KEPT) == snapshot_areas.MAX_KEPT
