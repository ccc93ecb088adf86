"""Leader actions without traps: closing and archiving ask first and say what follows, a round
opened by mistake can be deleted while nobody has answered, "Send reminder now" mails each person
once a day, and staff hear (mail and dashboard notice) when the results are ready."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, OutboxMessage, Response, Round, RoundParticipant, RoundState
from seqf.services import assessments, round_notices
from seqf.services import rounds as round_service
from tests.web.helpers import count, link_in, location, text
from tests.web.round_helpers import SEQF_AREAS, answer, link_evidence, open_round


@pytest.fixture
def team(make_org, make_user):
    """A leader who also takes part, three staff, a viewer and an outsider; English UI and mail."""
    org = make_org(name="Jobbvei AS")
    people = SimpleNamespace(
        org=org,
        leader=make_user(org=org, member_role="leader", name="Lise Leder", language="en"),
        staff=[make_user(org=org, member_role="staff", name=name, language="en")
               for name in ("Anna Andersen", "Bjørn Berg", "Cecilie Dahl")],
        viewer=make_user(org=org, member_role="viewer", name="Vera Viewer", language="en"),
        outsider=make_user(name="Ute Utenfor", language="en"),
    )
    people.round = open_round(people.leader, org, title="Spring round")  # leader + staff take part
    return people


def fresh(round_id: int) -> Round | None:
    db.session.expire_all()
    return db.session.get(Round, round_id)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def mail_keys(prefix: str) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(
        sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like(f"{prefix}%"))))


# --- closing asks first --------------------------------------------------------------------------

def test_summary_links_to_a_confirm_page_instead_of_closing(client, auth, team):
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}"))
    assert f'href="/rounds/{team.round.id}/close"' in page
    assert f'action="/rounds/{team.round.id}/close"' not in page  # no one-click close any more


def test_close_confirm_lists_who_has_not_submitted_leader_included(client, auth, team):
    answer(team.staff[0], team.round, {"1": 1})
    answer(team.staff[1], team.round, {"1": 1}, submit=False)  # a draft
    auth.login(team.leader)
    response = client.get(f"/rounds/{team.round.id}/close")
    assert response.status_code == 200
    page = text(response)
    left = re.search(r'<ul class="people close-left">(.*?)</ul>', page, re.S).group(1)
    assert "Lise Leder" in left and "Bjørn Berg" in left and "Cecilie Dahl" in left
    assert "Anna Andersen" not in left  # she has submitted
    assert re.search(r"Lise Leder\s*<span class=\"tag tag--warning\">you</span>", left)
    assert "3 participants have not submitted" in page
    assert "Drafts that were not submitted will not count" in page
    assert "only if at least 3 participants who are not leaders or organisation admins" in page
    assert "So far 1 such participant has submitted" in page  # Anna is staff; the leader's would not count
    assert f'action="/rounds/{team.round.id}/close"' in page
    assert fresh(team.round.id).state == RoundState.open  # looking changes nothing


def test_close_confirm_counts_only_staff_towards_the_threshold(client, auth, team):
    answer(team.staff[0], team.round, {"1": 1})
    answer(team.leader, team.round, {"1": 3})  # a leader reads the results: her answer cannot help reach 3
    auth.login(team.leader)
    page = text(client.get(f"/rounds/{team.round.id}/close"))
    assert "So far 1 such participant has submitted" in page
    answer(team.staff[1], team.round, {"1": 1})
    answer(team.staff[2], team.round, {"1": 1})
    page = text(client.get(f"/rounds/{team.round.id}/close"))
    assert "such participants have submitted" not in page and "such participant has submitted" not in page


def test_confirmed_close_closes(client, auth, team):
    auth.login(team.leader)
    response = client.post(f"/rounds/{team.round.id}/close")
    assert response.status_code == 302
    assert fresh(team.round.id).state == RoundState.closed
    again = client.get(f"/rounds/{team.round.id}/close")
    assert again.status_code == 302 and location(again) == f"/rounds/{team.round.id}"


@pytest.mark.parametrize("who, status", [("staff", 403), ("viewer", 403), ("outsider", 404)])
def test_close_and_delete_pages_are_for_leaders(client, auth, team, who, status):
    auth.login(team.staff[0] if who == "staff" else getattr(team, who))
    assert client.get(f"/rounds/{team.round.id}/close").status_code == status
    assert client.get(f"/rounds/{team.round.id}/delete").status_code == status
    assert client.post(f"/rounds/{team.round.id}/delete").status_code == status
    assert client.post(f"/rounds/{team.round.id}/remind").status_code == status
    assert fresh(team.round.id) is not None and mail_keys("round-remind-now:") == []


# --- deleting a round opened by mistake ----------------------------------------------------------

def test_delete_asks_first_then_deletes_mails_and_audits(client, auth, team):
    round_id = team.round.id
    round_service.response_of(team.round, team.staff[0], create=True)  # opened the form, answered nothing
    db.session.commit()
    auth.login(team.leader)
    assert f'href="/rounds/{round_id}/delete"' in text(client.get(f"/rounds/{round_id}"))
    page = text(client.get(f"/rounds/{round_id}/delete"))
    assert "The 4 participants get a short e-mail that the round was withdrawn." in page
    assert f'action="/rounds/{round_id}/delete"' in page
    assert fresh(round_id) is not None
    response = client.post(f"/rounds/{round_id}/delete")
    assert response.status_code == 302 and location(response) == f"/organisations/{team.org.id}/rounds"
    assert fresh(round_id) is None
    assert count(Response, Response.round_id == round_id) == 0
    assert count(RoundParticipant, RoundParticipant.round_id == round_id) == 0
    assert len(mail_keys(f"round-withdrawn:{round_id}:")) == 4
    message = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"round-withdrawn:{round_id}:{team.staff[1].id}"))
    assert message.subject == "Withdrawn: Spring round" and "nobody had answered" in message.body
    [event] = events("round.deleted")
    assert event.actor_id == team.leader.id and event.organisation_id == team.org.id
    assert event.data == {"title": "Spring round", "participants": 4}
    assert "The round “Spring round” is deleted." in text(client.get(f"/organisations/{team.org.id}/rounds"))
    assert client.get(f"/rounds/{round_id}").status_code == 404


def test_delete_is_refused_once_someone_has_answered_even_a_draft(client, auth, team):
    answer(team.staff[2], team.round, {"4": 1}, submit=False)
    auth.login(team.leader)
    assert f'href="/rounds/{team.round.id}/delete"' not in text(client.get(f"/rounds/{team.round.id}"))
    page = text(client.get(f"/rounds/{team.round.id}/delete"))
    assert "can no longer be deleted" in page and f'action="/rounds/{team.round.id}/delete"' not in page
    response = client.post(f"/rounds/{team.round.id}/delete")
    assert response.status_code == 409 and "can no longer be deleted" in text(response)
    assert fresh(team.round.id) is not None
    assert mail_keys("round-withdrawn:") == [] and events("round.deleted") == []


def test_a_closed_round_cannot_be_deleted(client, auth, team):
    round_service.close_round(team.leader, team.round)
    db.session.commit()
    auth.login(team.leader)
    assert client.post(f"/rounds/{team.round.id}/delete").status_code == 409
    assert fresh(team.round.id) is not None


def test_delete_service_rechecks_under_the_lock(team):
    """The guard runs after the lock is taken, so an answer committed first always wins."""
    answer(team.staff[0], team.round, {"1": 1}, submit=False)
    from seqf.services.errors import Conflict
    from seqf.services.round_removal import delete_round

    with pytest.raises(Conflict):
        delete_round(team.leader, fresh(team.round.id))
    db.session.rollback()
    assert fresh(team.round.id) is not None


def test_an_answer_being_saved_while_deleting_wins_on_postgresql(app, backend, team):
    """A save that is inserting an answer holds its response; the delete waits for it, then sees
    the answer and is refused — the answer is never deleted with the round."""
    if backend != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises writers)")
    import threading

    from seqf.models import AreaAssessment, User
    from seqf.services.errors import Conflict
    from seqf.services.round_removal import delete_round

    response = round_service.response_of(team.round, team.staff[0], create=True)
    db.session.commit()
    round_id, leader_id = team.round.id, team.leader.id
    saving = db.engine.connect()
    transaction = saving.begin()
    saving.execute(sa.insert(AreaAssessment.__table__).values(response_id=response.id, area="1"))
    outcome = []

    def delete_in_another_request():
        with app.app_context():
            try:
                delete_round(db.session.get(User, leader_id), db.session.get(Round, round_id))
                db.session.commit()
                outcome.append("deleted")
            except Conflict:
                db.session.rollback()
                outcome.append("refused")
            finally:
                db.session.remove()

    worker = threading.Thread(target=delete_in_another_request)
    worker.start()
    worker.join(timeout=1.0)
    assert worker.is_alive() and outcome == []  # waiting for the save's lock
    transaction.commit()
    saving.close()
    worker.join(timeout=10)
    assert outcome == ["refused"]
    assert fresh(round_id) is not None
    assert count(AreaAssessment, AreaAssessment.response_id == response.id) == 1


# --- the leader's dashboard and "Send reminder now" ----------------------------------------------

def test_dashboard_card_shows_progress_and_links_the_summary(client, auth, team, make_org, make_user):
    answer(team.staff[0], team.round, {"1": 1})
    other_org = make_org(name="Annen AS")
    other_leader = make_user(org=other_org, member_role="leader", name="Annen Leder")
    open_round(other_leader, other_org, title="Somebody else's round")
    auth.login(team.leader)
    page = text(client.get("/dashboard"))
    card = re.search(r'<li class="card lead-card">(.*?)</li>', page, re.S).group(1)
    assert "Spring round" in card and "Submitted 1 of 4" in card and "14 days left" in card
    assert f'href="/rounds/{team.round.id}/summary"' in card
    assert f'action="/rounds/{team.round.id}/remind"' in card
    assert "Somebody else" not in page
    auth.logout()
    auth.login(team.staff[1])
    assert "lead-card" not in text(client.get("/dashboard"))  # staff do not lead


def test_reminder_now_mails_those_who_have_not_submitted_once_a_day(client, auth, team):
    answer(team.staff[0], team.round, {"1": 1})
    auth.login(team.leader)
    first = client.post(f"/rounds/{team.round.id}/remind", data={"next": "/dashboard"})
    assert first.status_code == 302 and location(first) == "/dashboard"
    assert "3 participants were reminded by e-mail." in text(client.get("/dashboard"))
    keys = mail_keys("round-remind-now:")
    assert len(keys) == 3
    assert not any(f":{team.staff[0].id}:" in k for k in keys)  # she has submitted
    second = client.post(f"/rounds/{team.round.id}/remind", data={"next": "/dashboard"})  # double click
    assert second.status_code == 302
    assert "already got a reminder today" in text(client.get("/dashboard"))
    assert mail_keys("round-remind-now:") == keys
    [event] = events("round.reminded")
    assert event.data == {"title": "Spring round", "count": 3} and event.actor_id == team.leader.id


def test_reminder_now_is_not_taken_from_an_outside_next(client, auth, team):
    auth.login(team.leader)
    response = client.post(f"/rounds/{team.round.id}/remind", data={"next": "https://evil.example/"})
    assert location(response) == "/dashboard"


def test_reminder_now_goes_out_over_smtp(client, auth, team, mailbox):
    for person in team.staff:
        answer(person, team.round, {"1": 1})
    auth.login(team.leader)
    client.post(f"/rounds/{team.round.id}/remind")
    assert [m["To"] for m in mailbox.messages] == [team.leader.email]
    assert link_in(mailbox.messages[0], "/fill") == f"/rounds/{team.round.id}/fill"
    client.post(f"/rounds/{team.round.id}/remind")
    assert len(mailbox.messages) == 1


def test_reminder_now_refused_for_a_closed_round(client, auth, team):
    round_service.close_round(team.leader, team.round)
    db.session.commit()
    auth.login(team.leader)
    response = client.post(f"/rounds/{team.round.id}/remind")
    assert response.status_code == 302 and mail_keys("round-remind-now:") == []


# --- results ready -------------------------------------------------------------------------------

def _agree(leader, round_, codes) -> None:
    round_service.record_consensus(leader, fresh(round_.id), [
        assessments.AreaData(area=c, steps=[assessments.StepData(1, met=True)]) for c in codes])
    db.session.commit()


def test_results_ready_only_when_every_area_is_agreed_and_only_once(client, auth, team, mailbox):
    evidence = link_evidence(team.leader, team.org)
    for person in team.staff:
        answer(person, team.round, {"1": 2}, evidence_id=evidence.id)
    round_service.close_round(team.leader, team.round)
    db.session.commit()
    _agree(team.leader, team.round, SEQF_AREAS[:-1])
    assert mail_keys("results-ready:") == [] and events("round.results_ready") == []
    auth.login(team.leader)
    response = client.post(f"/rounds/{team.round.id}/consensus?area=9", data={"step-1-met": "1"})
    assert response.status_code == 302
    assert len(mail_keys(f"results-ready:{team.round.id}:")) == 4  # every participant, once
    received = sorted(m["To"] for m in mailbox.messages)
    assert received == sorted(p.email for p in [team.leader, *team.staff])
    message = next(m for m in mailbox.messages if m["To"] == team.staff[0].email)
    assert message["Subject"] == "Results are ready: Spring round"
    assert link_in(message, "/results") == f"/rounds/{team.round.id}/results"
    client.post(f"/rounds/{team.round.id}/consensus?area=9", data={"step-1-met": "1", "step-2-met": "1"})
    assert len(mailbox.messages) == 4 and len(events("round.results_ready")) == 1  # edits send nothing


def test_results_notice_on_the_dashboard_for_thirty_days(client, auth, team):
    round_service.close_round(team.leader, team.round)
    db.session.commit()
    _agree(team.leader, team.round, SEQF_AREAS)
    auth.login(team.staff[0])
    page = text(client.get("/dashboard"))
    assert "Results of “Spring round” are ready" in page
    assert f'href="/rounds/{team.round.id}/results"' in page
    auth.logout()
    auth.login(team.viewer)  # not a participant: no notice
    assert "are ready" not in text(client.get("/dashboard"))
    [event] = events("round.results_ready")
    event.at = event.at - dt.timedelta(days=31)
    db.session.commit()
    auth.logout()
    auth.login(team.staff[0])
    assert "are ready" not in text(client.get("/dashboard"))


def test_results_notice_in_norwegian(client, auth, team, make_user):
    round_service.close_round(team.leader, team.round)
    db.session.commit()
    _agree(team.leader, team.round, SEQF_AREAS)
    team.staff[0].language = "nb"
    db.session.commit()
    assert round_notices.results_notices(team.staff[0])
    auth.login(team.staff[0])
    page = text(client.get("/dashboard"))
    assert "Resultatene fra «Spring round» er klare" in page


# --- archiving evidence asks first ----------------------------------------------------------------

def test_archive_asks_first_and_says_what_it_means(client, auth, team):
    evidence = link_evidence(team.leader, team.org, title="Rutine A")
    auth.login(team.staff[0])
    base = f"/organisations/{team.org.id}/evidence/{evidence.id}"
    detail = text(client.get(base))
    assert f'href="{base}/archive"' in detail and f'action="{base}/archive"' not in detail
    page = text(client.get(f"{base}/archive"))
    assert "hidden from the library" in page and "stays linked" in page and "restore" in page
    assert f'action="{base}/archive"' in page
    db.session.expire_all()
    assert not evidence.archived
    assert client.post(f"{base}/archive").status_code == 302
    db.session.expire_all()
    assert evidence.archived
    assert location(client.get(f"{base}/archive")) == base  # already archived: back to the page


@pytest.mark.parametrize("who, status", [("viewer", 403), ("outsider", 404)])
def test_archive_confirm_needs_write_access(client, auth, team, who, status):
    evidence = link_evidence(team.leader, team.org)
    auth.login(getattr(team, who))
    assert client.get(f"/organisations/{team.org.id}/evidence/{evidence.id}/archive").status_code == status


def test_a_round_with_too_few_staff_warns_that_it_can_never_release(client, auth, make_org, make_user):
    """A team of one leader and two job specialists (threshold 3) can fill in and agree a consensus,
    but never see combined figures: the leader reads that on the round page, not at the close."""
    org = make_org(name="Lite team")
    leader = make_user(org=org, member_role="leader", name="Liv Leder", language="en")
    staff = [make_user(org=org, member_role="staff", name=f"Stab {n}") for n in range(2)]
    small = open_round(leader, org, participant_ids=[leader.id, *(s.id for s in staff)])
    db.session.commit()
    auth.login(leader)
    page = text(client.get(f"/rounds/{small.id}/summary"))
    assert "too-few-staff" in page and "Only 2 participants are not leaders" in page
    third = make_user(org=org, member_role="staff", name="Stab 3")
    big = open_round(leader, org, title="Med tre", participant_ids=[leader.id, third.id, *(s.id for s in staff)])
    db.session.commit()
    assert "too-few-staff" not in text(client.get(f"/rounds/{big.id}/summary"))
