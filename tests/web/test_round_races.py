"""Concurrent writes of the same thing: two real clients at once, each in its own thread with its
own test client, application context and database session, started together by a barrier.

Every race must end in a defined answer — one wins, the other gets 409 with the current state —
never a 500 and never a silent overwrite; the final state must be consistent (nothing lands in a
submitted response, nothing is submitted after the close). Each race is repeated a few times and
runs on PostgreSQL (row locks) and on SQLite (the file's single write lock).
"""

# The lambdas below read loop variables, but ``together`` runs and joins them within the same
# iteration, so they always see that iteration's values.
# ruff: noqa: B023

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from seqf.extensions import db
from seqf.models import AreaAssessment, Response, ResponseState, Round, RoundState
from seqf.services import rounds as round_service
from tests.conftest import CSRFClient
from tests.factories import ApiHelper
from tests.web.round_helpers import answer, api_area, open_round

REPEAT = 4


@pytest.fixture
def team(make_org, make_user):
    org = make_org(name="Samtidig AS")
    return SimpleNamespace(
        org=org,
        leaders=[make_user(org=org, member_role="leader", name=f"Leder {i}", language="en") for i in range(2)],
        staff=[make_user(org=org, member_role="staff", name=f"Ansatt {i}", language="en") for i in range(3)],
    )


def together(app, *calls):
    """Run each ``call(client)`` in its own thread with its own client, released at the same moment.

    Returns the responses in the order of the calls. Clients are prepared (logged in, tokens)
    by ``prepare`` callables before the threads start.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    db.session.rollback()
    db.session.expire_all()
    return results


def new_client(app) -> CSRFClient:
    app.test_client_class = CSRFClient
    return app.test_client()


def logged_in(app, user) -> CSRFClient:
    client = new_client(app)
    response = client.post("/login", data={"email": user.email, "password": "riktig-hest-batteri-stift"})
    assert response.status_code == 302
    return client


class Caller:
    """A client of its own with the user's bearer token; threads never touch ORM objects."""

    def __init__(self, app, user):
        self.client = new_client(app)
        self.headers = {"Authorization": f"Bearer {ApiHelper(self.client).token(user)}"}

    def put(self, path: str, json: dict):
        return self.client.put(path, json=json, headers=self.headers)

    def post(self, path: str):
        return self.client.post(path, headers=self.headers)


def token_for(app, user) -> Caller:
    return Caller(app, user)


def indicators(round_: Round, area: str, level: int) -> list[str]:
    area_def = next(a for a in round_service.round_areas(round_) if a["code"] == area)
    return [i["code"] for i in area_def["steps"][level - 1]["indicators"]]


def stored_answer(round_id: int, user, area: str) -> AreaAssessment | None:
    db.session.expire_all()
    response = round_service.response_of(db.session.get(Round, round_id), user)
    return round_service.answers_of(response).get(area)


def statuses(results) -> list[int]:
    return sorted(r.status_code for r in results)


# --- two saves of the same area ------------------------------------------------------------------

def test_two_autosaves_of_one_area_one_wins_the_other_gets_409_with_the_current_answer(app, team):
    """Autosave racing the Save button, or two tabs: same version, different content."""
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    person = team.staff[0]
    tabs = [logged_in(app, person), logged_in(app, person)]
    codes = indicators(round_, "1", 1)
    version = 0
    for attempt in range(REPEAT):
        comments = [f"fra fane A {attempt}", f"fra fane B {attempt}"]

        def save(tab, comment, version=version):
            return lambda: tabs[tab].post(f"/rounds/{rid}/fill/1/autosave", headers={"Accept": "application/json"},
                                          data={"step-1-indicators": codes[:1], "comment": comment,
                                                "version": str(version)})

        results = together(app, save(0, comments[0]), save(1, comments[1]))
        assert statuses(results) == [200, 409], [r.get_json() for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        loser = results[1 - winner].get_json()["error"]
        assert loser["code"] == "stale_version"
        # the loser is told what is stored now, and nothing of its own was written
        assert loser["current"]["comment"] == comments[winner]
        assert loser["current"]["version"] == version + 1
        assert "Changed in another window" in loser["html"]
        stored = stored_answer(rid, person, "1")
        assert stored.comment == comments[winner] and stored.version == version + 1
        assert results[winner].get_json()["version"] == version + 1
        version += 1
    assert db.session.query(Response).filter_by(round_id=rid).count() == 1


def test_two_first_saves_of_a_new_response_never_answer_500(app, team, api):
    """The very first save creates the response: two at once create exactly one."""
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        person = team.staff[attempt % 3]
        clients = [token_for(app, person), token_for(app, person)]

        def save(i):
            return lambda: clients[i].put(f"/api/v1/rounds/{rid}/my-response", json={
                "answers": [api_area("2", i + 1, comment=f"klient {i}", version=0)]})

        results = together(app, save(0), save(1))
        assert statuses(results) == [200, 409], [r.get_json() for r in results]
        loser = next(r for r in results if r.status_code == 409).get_json()["error"]
        assert loser["code"] == "stale_version" and loser["current"]["2"]["version"] == 1
        assert db.session.query(Response).filter_by(round_id=rid, user_id=person.id).count() == 1


def test_save_without_a_version_is_last_writer_wins_but_never_500(app, team):
    """API clients that send no version keep the old behaviour: both are applied, one after the other."""
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    person = team.staff[1]
    clients = [token_for(app, person), token_for(app, person)]
    for _attempt in range(REPEAT):
        results = together(app, *[
            (lambda i=i: clients[i].put(f"/api/v1/rounds/{rid}/my-response",
                                        json={"answers": [api_area("3", i + 1)]}))
            for i in range(2)])
        assert statuses(results) == [200, 200]
        assert stored_answer(rid, person, "3").claimed in (1, 2)


# --- save racing submit, submit racing submit ----------------------------------------------------

def test_save_racing_submit_never_lands_in_the_submitted_response(app, team):
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        person = team.staff[0]
        answer(person, round_, {"1": 1}, submit=False)
        saver, submitter = logged_in(app, person), logged_in(app, person)
        codes = indicators(round_, "2", 1)
        results = together(
            app,
            lambda: saver.post(f"/rounds/{rid}/fill/2/autosave", headers={"Accept": "application/json"},
                               data={"step-1-indicators": codes, "version": "0"}),
            lambda: submitter.post(f"/rounds/{rid}/submit"),
        )
        save, submit = results
        assert submit.status_code == 302  # submitting a draft always succeeds
        assert save.status_code in (200, 409), save.get_data(as_text=True)
        response = db.session.query(Response).filter_by(round_id=rid, user_id=person.id).one()
        assert response.state == ResponseState.submitted
        rows = db.session.query(AreaAssessment).filter_by(response_id=response.id).all()
        # the save either came first (and is part of what was submitted) or was refused
        assert ("2" in {r.area for r in rows}) == (save.status_code == 200)
        if save.status_code == 409:
            assert save.get_json()["error"]["code"] == "round_open" or "submitted" in \
                save.get_json()["error"]["message"] or save.get_json()["error"]["code"] == "wrong_state"
        assert all(r.updated_at <= response.submitted_at for r in rows)


def test_two_submits_one_wins_the_other_gets_409(app, team):
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        person = team.staff[2]
        answer(person, round_, {"1": 2}, submit=False)
        clients = [token_for(app, person), token_for(app, person)]
        results = together(app, *[
            (lambda c=c: c.post(f"/api/v1/rounds/{rid}/my-response/submit")) for c in clients])
        assert statuses(results) == [200, 409]
        assert next(r for r in results if r.status_code == 409).get_json()["error"]["code"] == "wrong_state"


# --- submit racing close -------------------------------------------------------------------------

def test_submit_racing_close_is_never_accepted_after_the_close(app, team):
    outcomes = set()
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        person = team.staff[0]
        answer(person, round_, {"1": 1, "2": 1}, submit=False)
        leader, staff = token_for(app, team.leaders[0]), token_for(app, person)
        close, submit = together(
            app,
            lambda: leader.post(f"/api/v1/rounds/{rid}/close"),
            lambda: staff.post(f"/api/v1/rounds/{rid}/my-response/submit"),
        )
        assert close.status_code == 200
        assert submit.status_code in (200, 409), submit.get_json()
        round_now = db.session.get(Round, rid)
        response = db.session.query(Response).filter_by(round_id=rid, user_id=person.id).one()
        assert round_now.state == RoundState.closed
        if submit.status_code == 200:
            assert response.state == ResponseState.submitted
            assert response.submitted_at <= round_now.closed_at
        else:
            assert submit.get_json()["error"]["code"] == "round_open"
            assert response.state == ResponseState.draft and response.submitted_at is None
        outcomes.add(submit.status_code)
    assert outcomes  # both orders are defined; which one occurs depends on the scheduler


def test_save_racing_close_never_changes_an_answer_after_the_close(app, team):
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        person = team.staff[1]
        leader, saver = token_for(app, team.leaders[0]), token_for(app, person)
        close, save = together(
            app,
            lambda: leader.post(f"/api/v1/rounds/{rid}/close"),
            lambda: saver.put(f"/api/v1/rounds/{rid}/my-response", json={"answers": [api_area("4", 2, version=0)]}),
        )
        assert close.status_code == 200
        assert save.status_code in (200, 409), save.get_json()
        round_now = db.session.get(Round, rid)
        answer_now = stored_answer(rid, person, "4")
        if save.status_code == 200:
            assert answer_now is not None and answer_now.updated_at <= round_now.closed_at
        else:
            assert save.get_json()["error"]["code"] == "round_open" and answer_now is None


def test_two_closes_one_wins_the_other_gets_409(app, team):
    for attempt in range(REPEAT):
        round_ = open_round(team.leaders[0], team.org, title=f"Runde {attempt}")
        rid = round_.id
        clients = [logged_in(app, team.leaders[0]), logged_in(app, team.leaders[1])]
        results = together(app, *[(lambda c=c: c.post(f"/rounds/{rid}/close")) for c in clients])
        assert statuses(results) == [302, 409]
        assert db.session.get(Round, rid).state == RoundState.closed


# --- two leaders on one consensus area -----------------------------------------------------------

def test_two_leaders_saving_one_consensus_area_one_wins_the_other_gets_409(app, team):
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    for person in team.staff:
        answer(person, round_, {"1": 2})
    round_service.close_round(team.leaders[0], db.session.get(Round, rid))
    db.session.commit()
    clients = [token_for(app, leader) for leader in team.leaders]
    version = 0
    for attempt in range(REPEAT):
        texts = [f"Leder 0 mener {attempt}", f"Leder 1 mener {attempt}"]

        def put(i, version=version):
            return lambda: clients[i].put(f"/api/v1/rounds/{rid}/consensus", json={
                "areas": [api_area("1", i + 1, justification=texts[i], version=version)]})

        results = together(app, put(0), put(1))
        assert statuses(results) == [200, 409], [r.get_json() for r in results]
        winner = next(i for i, r in enumerate(results) if r.status_code == 200)
        error = results[1 - winner].get_json()["error"]
        assert error["code"] == "stale_version"
        assert error["current"]["1"]["justification"] == texts[winner]
        agreed = round_service.consensus_of(db.session.get(Round, rid))["1"]
        assert agreed.justification == texts[winner] and agreed.version == version + 1
        version += 1


def test_two_leaders_on_the_consensus_page_the_second_sees_both_versions(app, team):
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    for person in team.staff:
        answer(person, round_, {"1": 2})
    round_service.close_round(team.leaders[0], db.session.get(Round, rid))
    db.session.commit()
    clients = [logged_in(app, leader) for leader in team.leaders]
    texts = ["Vi har rutiner", "Vi mangler rutiner"]
    results = together(app, *[
        (lambda i=i: clients[i].post(f"/rounds/{rid}/consensus?area=1", data={
            "step-1-met": "1", "justification": texts[i], "version": "0", "action": "save"}))
        for i in range(2)])
    assert statuses(results) == [302, 409]
    page = next(r for r in results if r.status_code == 409).get_data(as_text=True)
    winner = next(i for i, r in enumerate(results) if r.status_code == 302)
    assert "Changed in another window" in page
    assert texts[winner] in page and texts[1 - winner] in page  # theirs shown, mine kept in the form
    assert 'name="version" value="1"' in page  # saving again is a deliberate overwrite


# --- sequential checks of the same rules (no threads) ---------------------------------------------

def test_stale_form_save_keeps_what_was_typed_and_shows_the_other_version(app, team, client, auth):
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    person = team.staff[0]
    auth.login(person)
    codes = indicators(round_, "1", 1)
    first = client.post(f"/rounds/{rid}/fill?area=1", data={
        "step-1-indicators": codes, "comment": "fra den andre fanen", "version": "0", "action": "save"})
    assert first.status_code == 302
    stale = client.post(f"/rounds/{rid}/fill?area=1", data={
        "step-1-indicators": codes[:1], "comment": "det jeg skrev her", "version": "0", "action": "next"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Changed in another window" in page and "fra den andre fanen" in page
    assert "det jeg skrev her" in page and 'name="version" value="1"' in page
    assert stored_answer(rid, person, "1").comment == "fra den andre fanen"
    kept = client.post(f"/rounds/{rid}/fill?area=1", data={
        "step-1-indicators": codes[:1], "comment": "det jeg skrev her", "version": "1", "action": "save"})
    assert kept.status_code == 302
    assert stored_answer(rid, person, "1").comment == "det jeg skrev her"


def test_autosave_updates_steps_in_place(app, team, client, auth):
    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    person = team.staff[0]
    auth.login(person)
    codes = indicators(round_, "1", 1)
    url = f"/rounds/{rid}/fill/1/autosave"
    first = client.post(url, data={"step-1-indicators": codes[:1], "step-2-indicators": [], "version": "0"})
    ids = {s.level: s.id for s in stored_answer(rid, person, "1").steps}
    second = client.post(url, data={"step-1-indicators": codes, "version": str(first.get_json()["version"])})
    assert second.status_code == 200 and second.get_json()["version"] == 2
    again = {s.level: s.id for s in stored_answer(rid, person, "1").steps}
    assert again == ids  # the same rows, updated; not deleted and inserted again


def test_sqlite_writer_that_waits_too_long_gets_409_not_500(app, team, backend, client, auth):
    """SQLite has one write lock for the file: a writer still waiting after the busy timeout is
    told to try again (409 ``concurrent_write``) and nothing is half saved."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL waits on the row lock instead")
    import sqlite3

    import sqlalchemy as sa

    round_ = open_round(team.leaders[0], team.org)
    rid = round_.id
    auth.login(team.staff[0])
    codes = indicators(round_, "1", 1)

    def short_timeout(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout = 200")

    db.session.remove()
    db.engine.dispose()
    sa.event.listen(db.engine, "connect", short_timeout)
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        waited = client.post(f"/rounds/{rid}/fill/1/autosave", headers={"Accept": "application/json"},
                             data={"step-1-indicators": codes, "version": "0"})
        assert waited.status_code == 409 and waited.get_json()["error"]["code"] == "concurrent_write"
        page = client.post(f"/rounds/{rid}/fill?area=1", data={"step-1-indicators": codes, "version": "0",
                                                                "action": "save"})
        assert page.status_code == 409 and "Reload the page and try again" in page.get_data(as_text=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
        sa.event.remove(db.engine, "connect", short_timeout)
        db.engine.dispose()
    again = client.post(f"/rounds/{rid}/fill/1/autosave", headers={"Accept": "application/json"},
                        data={"step-1-indicators": codes, "version": "0"})
    assert again.status_code == 200 and again.get_json()["version"] == 1
