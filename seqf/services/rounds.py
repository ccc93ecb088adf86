"""Self-assessment rounds: open, answer, submit, summarise, close, agree the consensus.

Individual answers never leave this module except to their own author. Leaders get aggregates only
from the snapshot a close releases (``seqf.services.round_summary``).
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

import seqf.services.round_notices
from seqf import aggregation, clock, ticks, workflow
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Instrument,
    MemberRole,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    RoundState,
    StepAssessment,
    User,
)
from seqf.services import assessments, audit, locks, mail
from seqf.services import instruments as instrument_service
from seqf.services import round_summary as summaries
from seqf.services.errors import Conflict, NotFound, RuleViolation
from seqf.services.round_guards import is_participant
from seqf.services.round_summary import (  # noqa: F401 - the aggregates live there; kept importable here
    consensus_prefill,
    previous_round,
    release_in_force,
    round_results,
    round_summary,
)
from seqf.text import clean_single_line, has_visible
from seqf.urls import external_url

PARTICIPANT_ROLES = (MemberRole.staff, MemberRole.leader)  # invited by default
ELIGIBLE_ROLES = (*PARTICIPANT_ROLES, MemberRole.org_admin)  # may be chosen; viewers only read
REMINDER_DAYS = 3


# --- opening -----------------------------------------------------------------------------------

def default_participants(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(Membership).where(
            Membership.organisation_id == organisation.id, Membership.role.in_(PARTICIPANT_ROLES),
            User.active.is_(True),
        ).order_by(User.name)
    ))


def participant_ids_by_email(organisation: Organisation, emails: list[str]) -> tuple[list[int], list[str]]:
    """The ids of the members who may take part (active staff, leaders, organisation admins) with
    these e-mail addresses, and the addresses that match none of them (as typed), in one query.

    The open-round form names a subset by e-mail instead of rendering a checkbox per member: an
    organisation of a thousand members would otherwise get a thousand inputs.
    """
    wanted = {email.strip().lower(): email.strip() for email in emails if email.strip()}
    found = dict(db.session.execute(
        sa.select(sa.func.lower(User.email), User.id).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == organisation.id, Membership.role.in_(ELIGIBLE_ROLES),
            User.active.is_(True), sa.func.lower(User.email).in_(list(wanted)),
        )).all()) if wanted else {}
    return sorted(set(found.values())), [typed for key, typed in wanted.items() if key not in found]


def _participants(organisation: Organisation, participant_ids: list[int] | None) -> list[User]:
    if participant_ids is None:
        users = default_participants(organisation)
    else:
        ids = set(participant_ids)
        users = list(db.session.scalars(
            sa.select(User).join(Membership).where(
                Membership.organisation_id == organisation.id, User.id.in_(ids), User.active.is_(True),
                Membership.role.in_(ELIGIBLE_ROLES),
            )
        ))
        missing = ids - {u.id for u in users}
        if missing:
            raise RuleViolation(_("Participants must be active staff, leaders or organisation admins."),
                                fields={"participant_ids": ", ".join(map(str, sorted(missing)))},
                                code="unknown_participant")
    if not users:
        raise RuleViolation(_("A round needs at least one participant."), fields={"participant_ids": "≥ 1"},
                            code="no_participants")
    return users


def open_round(actor: User, organisation: Organisation, *, title: str, closes_on: dt.date,
               instrument_slug: str = "seqf", participant_ids: list[int] | None = None) -> Round:
    title = clean_single_line(title) or ""
    if not has_visible(title) or len(title) > 200:
        raise RuleViolation(_("Enter a title (at most 200 characters)."), fields={"title": "1–200"})
    if closes_on < clock.today():
        raise RuleViolation(_("The deadline cannot be in the past."), fields={"closes_on": _("In the past.")},
                            code="deadline_past")
    instrument = instrument_service.current_instrument(instrument_slug)
    users = _participants(organisation, participant_ids)
    round_ = Round(organisation=organisation, instrument=instrument, title=title, closes_on=closes_on,
                   anonymity_threshold=aggregation.effective_threshold(organisation.anonymity_threshold),
                   own_areas=instrument_service.own_area_snapshot(organisation), created_by_id=actor.id)
    round_.participants = [RoundParticipant(user=u) for u in users]
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "round.opened", round_,
                 f"Round “{title}” opened with {len(users)} participants, deadline {closes_on.isoformat()}",
                 organisation.id)
    for user in users:
        mail.queue_template(f"round-invite:{round_.id}:{user.id}", user, "round_invitation", round=round_,
                            user=user, link=external_url("rounds.fill", round_id=round_.id))
    return round_


def round_areas(round_: Round) -> list[dict]:
    """The areas this round asks about: the instrument's, then the organisation's own.

    Cheap enough to call per open round on the dashboard: the instrument row is read without its
    definition and the areas come from a per-process cache keyed by immutable content
    (``instrument_service.areas_for_round``).
    """
    instrument = instrument_service.light_instrument(round_.instrument_id)
    return instrument_service.areas_for_round(instrument, round_.own_areas or [])


def seqf_codes(round_: Round) -> list[str]:
    return [a["code"] for a in round_areas(round_) if not a.get("own")]


def participant_ids(round_: Round) -> set[int]:
    return set(db.session.scalars(
        sa.select(RoundParticipant.user_id).where(RoundParticipant.round_id == round_.id)
    ))


# --- responding --------------------------------------------------------------------------------

def round_for_participant(round_id: int, user: User, *, lock: bool = False) -> tuple[Round | None, bool]:
    """The round (None if there is none) and whether ``user`` takes part in it, in one statement.

    The API's own-response calls need both before anything else; the round's instrument comes in
    the same statement without its definition, as ``instrument_service.light_instrument`` reads it,
    and is held there for the request so ``round_areas`` reads nothing more.

    ``lock`` (a write follows): the round's shared lock is taken by the same statement on PostgreSQL
    (``locks.lock`` after it elsewhere), so ``locked_response(..., round_locked=True)`` need not
    read the round again. It is taken before the caller's access is known: a shared lock held for
    one request's length only delays a close, and a refused caller's transaction is rolled back.
    """
    in_statement = lock and db.session.get_bind().dialect.name == "postgresql"
    row = db.session.execute(_round_for_participant_query(in_statement),
                             {"round_id": round_id, "user_id": user.id}).first()
    if row is None:
        return None, False
    round_, participant = row
    if lock and not in_statement:
        locks.lock(round_, shared=True)
    instrument_service.light_instrument(round_.instrument_id)  # found in the session: held, not read
    return round_, bool(participant)


@functools.cache
def _round_for_participant_query(locking: bool) -> sa.Select:
    """``round_for_participant``'s statement, built once per shape (``locking``: with the round's
    shared lock) with the round and user as parameters: every own-response call runs it."""
    taking_part = sa.exists().where(RoundParticipant.round_id == Round.id,
                                    RoundParticipant.user_id == sa.bindparam("user_id"))
    query = (sa.select(Round, taking_part.label("taking_part")).where(Round.id == sa.bindparam("round_id"))
             .options(so.joinedload(Round.instrument, innerjoin=True).defer(Instrument.definition)))
    if locking:
        query = query.with_for_update(read=True, of=Round.__table__).execution_options(populate_existing=True)
    return query


@functools.cache
def _locked_response_query() -> sa.Select:
    """The user's response read ``FOR UPDATE`` (``locked_response``), built once with parameters."""
    return (sa.select(Response).where(Response.round_id == sa.bindparam("round_id"),
                                      Response.user_id == sa.bindparam("user_id"))
            .with_for_update().execution_options(populate_existing=True))


def _new_response(round_: Round, user: User, query: sa.Select, params: dict | None = None) -> Response:
    """Insert the user's response; a concurrent first save that won the race gives its row instead.

    The second insert meets the unique constraint inside a savepoint and takes the row the first
    one created (``query`` finds it), so neither answers 500.
    """
    try:
        with db.session.begin_nested():
            response = Response(round=round_, user=user)
            db.session.add(response)
    except sa.exc.IntegrityError:
        response = db.session.scalar(query, params)
        if response is None:  # pragma: no cover - the other insert was rolled back meanwhile
            raise Conflict(_("Your answers were being saved from another window. Try again."),
                           code="concurrent_save") from None
    else:
        audit.record(user, "response.started", response, f"Response started in round {round_.id}",
                     round_.organisation_id, data={"round_id": round_.id})
    return response


def response_of(round_: Round, user: User, create: bool = False) -> Response | None:
    """The user's response; with ``create`` (a write follows) under the round's shared lock.

    Two first saves at once both find no response: see ``_new_response``.
    """
    query, params = _response_query(), {"round_id": round_.id, "user_id": user.id}
    if not create:
        return db.session.scalar(query, params)
    locks.lock(round_, shared=True)
    response = db.session.scalar(query, params)
    if response is None:
        if not is_participant(round_, user):
            raise NotFound(_("You are not a participant in this round."))
        response = _new_response(round_, user, query, params)
    return response


@functools.cache
def _response_query() -> sa.Select:
    """The user's response in a round (``response_of``), built once with parameters."""
    return sa.select(Response).where(Response.round_id == sa.bindparam("round_id"),
                                     Response.user_id == sa.bindparam("user_id"))


def locked_response(round_: Round, user: User, *, round_locked: bool = False) -> Response:
    """The user's response, created when missing, under the locks every writer takes.

    The round's shared lock (already held with ``round_locked``: ``round_for_participant(lock=True)``
    took it), then the response row read ``FOR UPDATE`` in the same statement that finds it
    (``response_of(create=True)`` followed by ``_lock_response`` reads the round twice and the
    response twice). Pass ``locked=True`` to ``save_answers``/``submit_response`` afterwards.
    The caller has checked that ``user`` takes part in ``round_``.
    """
    if not round_locked:
        locks.lock(round_, shared=True)
    query, params = _locked_response_query(), {"round_id": round_.id, "user_id": user.id}
    response = db.session.scalar(query, params)
    return response if response is not None else _new_response(round_, user, query, params)


def _lock_response(response: Response) -> None:
    """Round first (shared: saves go on together, close waits), then the response itself.

    Every writer takes the locks in this order, so they cannot deadlock; the states read after
    it are the committed ones, so a save never lands in a submitted response or a closed round.
    """
    locks.lock(response.round, shared=True)
    locks.lock(response)


def answers_of(response: Response | None) -> dict[str, AreaAssessment]:
    if response is None:
        return {}
    # one statement for the areas, their steps and the steps' evidence (three with the relationships'
    # own selectin loads); a response has at most a few dozen steps, so the joined rows stay few
    rows = db.session.scalars(_answers_query(), {"response_id": response.id}).unique()
    return {a.area: a for a in rows}


@functools.cache
def _answers_query() -> sa.Select:
    """``answers_of``'s statement, built once with the response as a parameter."""
    return (sa.select(AreaAssessment).where(AreaAssessment.response_id == sa.bindparam("response_id"))
            .options(so.joinedload(AreaAssessment.steps).joinedload(StepAssessment.evidence)))


def _validate_all(answers: list[assessments.AreaData], areas: dict[str, dict], organisation_id: int) -> None:
    """Check every area before anything is stored, so a refused request changes nothing."""
    seen: set[str] = set()
    for data in answers:
        if data.area in seen:
            raise RuleViolation(_("Area %(area)s is given more than once.", area=data.area),
                                fields={"area": data.area}, code="duplicate_area")
        seen.add(data.area)
        assessments.validate(data, areas, organisation_id)


def _store(existing: dict[str, AreaAssessment], areas_data: list[assessments.AreaData], areas: dict[str, dict],
           organisation_id: int, actor: User, **owner: int) -> None:
    """Create or update one area assessment per area given; ``owner`` names the owning column."""
    for data in areas_data:
        assessment = existing.get(data.area)
        if assessment is None:
            assessment = AreaAssessment(area=data.area, version=1, **owner)
            db.session.add(assessment)
            existing[data.area] = assessment
        else:
            assessment.version += 1
        assessments.apply(assessment, data, areas, organisation_id, actor)


def save_answers(actor: User, response: Response, answers: list[assessments.AreaData],
                 unanswered: list[assessments.AreaData] | None = None, *,
                 locked: bool = False) -> dict[str, AreaAssessment]:
    """Save (part of) a draft. Submitted responses and closed rounds answer 409.

    An area is answered exactly when it has a row: ``answers`` are stored, the areas in
    ``unanswered`` (nothing ticked and no explicit "none of these steps yet") lose their row.
    A version older than the stored one answers 409 ``stale_version`` and nothing is saved.
    Returns the response's answers as now stored (area → assessment), so the caller need not
    read them again. ``locked``: the caller got ``response`` from ``locked_response`` in this
    transaction, so the locks are held already.
    """
    unanswered = unanswered or []
    if not locked:
        _lock_response(response)
    workflow.check_action("response", response, "edit", actor)
    areas = assessments.areas_by_code(round_areas(response.round))
    _validate_all(answers, areas, response.round.organisation_id)
    given = {data.area for data in answers}
    for data in unanswered:
        if data.area not in areas:
            raise RuleViolation(_("Unknown quality area “%(area)s”.", area=data.area),
                                fields={"area": data.area}, code="unknown_area")
        if data.area in given:
            raise RuleViolation(_("Area %(area)s is given more than once.", area=data.area),
                                fields={"area": data.area}, code="duplicate_area")
        given.add(data.area)
    existing = answers_of(response)
    assessments.check_versions(existing, [*answers, *unanswered])
    _store(existing, answers, areas, response.round.organisation_id, actor, response_id=response.id)
    for data in unanswered:
        if data.area in existing:
            db.session.delete(existing.pop(data.area))
    db.session.flush()
    return existing


def submit_response(actor: User, response: Response, *, locked: bool = False) -> None:
    """Submit the draft; ``locked`` as for ``save_answers``."""
    if not locked:
        _lock_response(response)
    workflow.apply_transition("response", response, "submit", actor)
    response.submitted_at = clock.now()


def response_result(response: Response | None, round_: Round,
                    answers: dict[str, AreaAssessment] | None = None) -> dict:
    """The participant's own scores: per area claimed/score, SEQF total, areas done.

    ``answers``: the response's answers when the caller holds them already (``answers_of``).
    """
    if answers is None:
        answers = answers_of(response)
    areas = round_areas(round_)
    rows = [{"area": a["code"], "own": bool(a.get("own")),
             "claimed": answers[a["code"]].claimed if a["code"] in answers else 0,
             "score": answers[a["code"]].score if a["code"] in answers else 0,
             "answered": a["code"] in answers} for a in areas]
    return {
        "state": response.state.value if response else ResponseState.draft.value,
        "areas": rows,
        "total": sum(r["score"] for r in rows if not r["own"]),
        "claimed_total": sum(r["claimed"] for r in rows if not r["own"]),
        "answered": sum(1 for r in rows if r["answered"]),
        "area_count": len(rows),
    }


# --- leading -----------------------------------------------------------------------------------

def submitted_names(round_: Round) -> list[tuple[str, bool]]:
    """(name, submitted?) for every participant — who has answered, never what."""
    rows = db.session.execute(
        sa.select(User.name, Response.state)
        .select_from(RoundParticipant).join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Response, sa.and_(Response.round_id == round_.id, Response.user_id == User.id))
        .where(RoundParticipant.round_id == round_.id).order_by(User.name)
    ).all()
    return [(name, state == ResponseState.submitted) for name, state in rows]


def close_round(actor: User, round_: Round) -> None:
    """Close under the round's lock: a submit waiting for it sees the closed state and gets 409."""
    locks.lock(round_)
    workflow.apply_transition("round", round_, "close", actor)
    round_.closed_at = clock.now()
    summaries.take_snapshot(actor, round_)


def reopen_round(actor: User, round_: Round) -> None:
    locks.lock(round_)
    workflow.apply_transition("round", round_, "reopen", actor)
    round_.closed_at = None


def consensus_area(round_: Round, code: str) -> AreaAssessment | None:
    """The stored consensus of one area (with its steps): the consensus page edits one area at a time."""
    return db.session.scalar(sa.select(AreaAssessment).where(
        AreaAssessment.consensus_round_id == round_.id, AreaAssessment.area == code))


def consensus_codes(round_: Round) -> set[str]:
    """The areas whose consensus is recorded (the consensus page's progress), without loading them."""
    return set(db.session.scalars(sa.select(AreaAssessment.area).where(AreaAssessment.consensus_round_id == round_.id)))


def consensus_of(round_: Round) -> dict[str, AreaAssessment]:
    rows = db.session.scalars(sa.select(AreaAssessment).where(AreaAssessment.consensus_round_id == round_.id))
    return {a.area: a for a in rows}


def record_consensus(actor: User, round_: Round, areas_data: list[assessments.AreaData]) -> None:
    """Record or update the agreed scoring, area by area (round must be closed).

    Under the round's lock; an area whose ``version`` is older than the stored one answers 409
    ``stale_version`` with the current areas, so two leaders never overwrite each other unseen.
    """
    locks.lock(round_)
    workflow.check_action("round", round_, "record_consensus", actor)
    if not areas_data:
        raise RuleViolation(_("Give the consensus for at least one area."), fields={"areas": "≥ 1"})
    areas = assessments.areas_by_code(round_areas(round_))
    _validate_all(areas_data, areas, round_.organisation_id)
    existing = consensus_of(round_)
    assessments.check_versions(existing, areas_data)
    _store(existing, areas_data, areas, round_.organisation_id, actor, consensus_round_id=round_.id)
    round_.consensus_recorded_at = clock.now()
    audit.record(actor, "round.consensus_recorded", round_,
                 f"Consensus recorded for area(s) {', '.join(d.area for d in areas_data)}", round_.organisation_id,
                 data={"areas": [d.area for d in areas_data], "title": round_.title})
    seqf.services.round_notices.notify_results_ready(round_, actor)


def consensus_scores(round_ids: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Claimed and score per area of each round's consensus, as plain columns in one query.

    The results page reads two rounds' scores (this one and the previous); loading the ORM graphs
    (each with its steps) costs statements and CPU for numbers that are two integers per area.
    """
    found: dict[int, dict[str, tuple[int, int]]] = {round_id: {} for round_id in round_ids}
    if round_ids:
        for round_id, area, claimed, score in db.session.execute(
                sa.select(AreaAssessment.consensus_round_id, AreaAssessment.area, AreaAssessment.claimed,
                          AreaAssessment.score).where(AreaAssessment.consensus_round_id.in_(round_ids))):
            found[round_id][area] = (claimed, score)
    return found


def consensus_texts(round_: Round) -> dict[str, sa.Row]:
    """What the group wrote per area (justification, strengths, recommendations), plain columns."""
    return {row.area: row for row in db.session.execute(
        sa.select(AreaAssessment.area, AreaAssessment.justification, AreaAssessment.strengths,
                  AreaAssessment.recommendations).where(AreaAssessment.consensus_round_id == round_.id))}


def consensus_result(round_: Round, scores: dict[str, tuple[int, int]] | None = None) -> dict:
    """Claimed and score per area, the SEQF total (own areas beside it, not in it).

    ``scores`` is the round's entry from ``consensus_scores`` when the caller has read it already.
    """
    consensus = consensus_scores([round_.id])[round_.id] if scores is None else scores
    rows = []
    for area in round_areas(round_):
        a = consensus.get(area["code"])
        rows.append({"area": area["code"], "own": bool(area.get("own")), "recorded": a is not None,
                     "claimed": a[0] if a else 0, "score": a[1] if a else 0})
    seqf_rows = [r for r in rows if not r["own"]]
    return {"areas": rows, "total": sum(r["score"] for r in seqf_rows),
            "claimed_total": sum(r["claimed"] for r in seqf_rows), "max_total": 5 * len(seqf_rows)}


# --- lookups -----------------------------------------------------------------------------------

def rounds_for(organisation: Organisation) -> sa.Select:
    return sa.select(Round).where(Round.organisation_id == organisation.id).order_by(Round.created_at.desc())


def progress_of_rounds(round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """round id → (invited, submitted), two queries for any number of rounds (the rounds list)."""
    if not round_ids:
        return {}
    invited = dict(db.session.execute(
        sa.select(RoundParticipant.round_id, sa.func.count()).where(RoundParticipant.round_id.in_(round_ids))
        .group_by(RoundParticipant.round_id)
    ).all())
    submitted = dict(db.session.execute(
        sa.select(Response.round_id, sa.func.count()).where(
            Response.round_id.in_(round_ids), Response.state == ResponseState.submitted)
        .group_by(Response.round_id)
    ).all())
    return {rid: (invited.get(rid, 0), submitted.get(rid, 0)) for rid in round_ids}


# --- reminders ---------------------------------------------------------------------------------

def queue_deadline_reminders(today: dt.date | None = None) -> int:
    """Mail participants who have not submitted, three days before the deadline (once each)."""
    today = today or clock.today()
    due = today + dt.timedelta(days=REMINDER_DAYS)
    rows = db.session.execute(
        sa.select(Round, User)
        .join(RoundParticipant, RoundParticipant.round_id == Round.id)
        .join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Response, sa.and_(Response.round_id == Round.id, Response.user_id == User.id))
        .where(Round.state == RoundState.open, Round.closes_on <= due, Round.closes_on >= today,
               User.active.is_(True),
               sa.or_(Response.id.is_(None), Response.state != ResponseState.submitted))
    ).all()
    queued = 0
    for round_, user in rows:
        key = f"round-reminder:{round_.id}:{user.id}"
        if mail.is_queued(key):
            continue
        mail.queue_template(key, user, "round_reminder", round=round_, user=user,
                            link=external_url("rounds.fill", round_id=round_.id))
        queued += 1
    return queued


@ticks.job("round deadline reminders")
def _tick_reminders() -> int:
    return queue_deadline_reminders()
