"""API: self-assessment rounds — open, answer, submit, summary, close, consensus, results.

A round is visible to members of its organisation (and to its participants); another
organisation's round answers 404. Leading operations need ``leader`` or ``org_admin`` (403 for
other members). A participant only ever reads their own answers; leaders get aggregates only from
the snapshot released when the round is closed (see ``seqf.services.round_summary``), never who
answered what.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _

from seqf import permissions
from seqf.api import round_schemas as s
from seqf.api.core import ApiError, Query, current_api_user, operation
from seqf.extensions import db
from seqf.models import AreaAssessment, Response, ResponseState, Round, RoundParticipant, User
from seqf.services import assessments
from seqf.services import rounds as round_service
from seqf.services.errors import NotFound
from seqf.services.round_guards import is_participant


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _mine(user: User, round_ids: list[int]) -> tuple[set[int], dict[int, str]]:
    """Rounds the user takes part in, and the state of the user's response in each."""
    if not round_ids:
        return set(), {}
    taking_part = set(db.session.scalars(sa.select(RoundParticipant.round_id).where(
        RoundParticipant.user_id == user.id, RoundParticipant.round_id.in_(round_ids))))
    states = {rid: state.value for rid, state in db.session.execute(
        sa.select(Response.round_id, Response.state).where(
            Response.user_id == user.id, Response.round_id.in_(round_ids))).all()}
    return taking_part, states


def rounds_out(rounds: list[Round], user: User) -> list[dict]:
    ids = [r.id for r in rounds]
    counts = round_service.progress_of_rounds(ids)
    taking_part, states = _mine(user, ids)
    return [{
        "id": r.id, "organisation_id": r.organisation_id, "state": r.state.value, "title": r.title,
        "closes_on": r.closes_on.isoformat(), "instrument": r.instrument.slug,
        "instrument_version": r.instrument.version, "invited": counts[r.id][0], "submitted": counts[r.id][1],
        "anonymity_threshold": r.anonymity_threshold, "participant": r.id in taking_part,
        "my_state": states.get(r.id), "consensus_recorded": r.consensus_recorded_at is not None,
        "created_at": _iso(r.created_at), "closed_at": _iso(r.closed_at),
    } for r in rounds]


def round_out(round_: Round, user: User) -> dict:
    return rounds_out([round_], user)[0]


def _round_or_404(round_id: int, user: User) -> Round:
    """The round if the caller is a member of its organisation or a participant; 404 otherwise."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or not (permissions.member_role(user, round_.organisation_id) is not None
                              or is_participant(round_, user)):
        raise ApiError(404, "not_found", _("No such round, or you do not have access to it."))
    return round_


def _leading(round_id: int) -> tuple[Round, User]:
    user = current_api_user()
    round_ = _round_or_404(round_id, user)
    if not permissions.can_lead(user, round_.organisation_id):
        raise ApiError(403, "forbidden", _("Only the organisation's leaders can do this."))
    return round_, user


def _participating(round_id: int, *, lock: bool = False) -> tuple[Round, User]:
    """The round and the caller if they take part; 404 as ``_round_or_404``, 403 for other members.

    The participant check comes first: a participant passes without the membership query.
    ``lock``: a write follows; the round's shared lock is taken with it (``round_for_participant``).
    """
    user = current_api_user()
    round_, participant = round_service.round_for_participant(round_id, user, lock=lock)
    if participant:
        return round_, user
    if round_ is None or permissions.member_role(user, round_.organisation_id) is None:
        raise ApiError(404, "not_found", _("No such round, or you do not have access to it."))
    raise ApiError(403, "not_participant", _("You are not a participant in this round."))


# --- rounds --------------------------------------------------------------------------------------

@operation("/organisations/<int:org>/rounds", "POST", summary="Open a self-assessment round (leader, org_admin)",
           tag="rounds", body=s.RoundCreate, response=s.RoundOut, status=201, errors=(403, 404))
def create_round(org: int, body: s.RoundCreate):
    user = current_api_user()
    organisation = permissions.organisation_or_404(user, org, permissions.can_lead)
    try:
        round_ = round_service.open_round(user, organisation, title=body.title, closes_on=body.closes_on,
                                          instrument_slug=body.instrument, participant_ids=body.participant_ids)
    except NotFound as exc:  # an unknown instrument is a bad field, not a missing resource
        raise ApiError(422, "unknown_instrument", exc.message, {"instrument": body.instrument}) from None
    return round_out(round_, user)


@operation("/organisations/<int:org>/rounds", summary="The organisation's rounds, newest first (members)",
           tag="rounds", response=list[s.RoundOut], errors=(404,))
def list_rounds(org: int):
    user = current_api_user()
    organisation = permissions.organisation_or_404(
        user, org, lambda u, o: permissions.member_role(u, o) is not None)
    return rounds_out(list(db.session.scalars(round_service.rounds_for(organisation))), user)


@operation("/rounds/<int:round_id>", summary="One round with the number invited and submitted (members)",
           tag="rounds", response=s.RoundOut, errors=(404,))
def get_round(round_id: int):
    user = current_api_user()
    return round_out(_round_or_404(round_id, user), user)


@operation("/rounds/<int:round_id>/participants", summary="Who is invited and who has submitted (leaders)",
           tag="rounds", response=list[s.ParticipantOut], errors=(403, 404))
def list_participants(round_id: int):
    round_, _user = _leading(round_id)
    rows = db.session.execute(
        sa.select(User.id, User.name, Response.state)
        .select_from(RoundParticipant).join(User, User.id == RoundParticipant.user_id)
        .outerjoin(Response, sa.and_(Response.round_id == round_.id, Response.user_id == User.id))
        .where(RoundParticipant.round_id == round_.id).order_by(User.name, User.id)
    ).all()
    return [{"user_id": uid, "name": name, "submitted": state == ResponseState.submitted}
            for uid, name, state in rows]


@operation("/rounds/<int:round_id>/close", "POST", summary="Close the round (leader, org_admin)", tag="rounds",
           response=s.RoundOut, errors=(403, 404, 409))
def close_round(round_id: int):
    round_, user = _leading(round_id)
    round_service.close_round(user, round_)
    return round_out(round_, user)


@operation("/rounds/<int:round_id>/reopen", "POST", summary="Reopen a closed round without a consensus (leaders)",
           tag="rounds", response=s.RoundOut, errors=(403, 404, 409))
def reopen_round(round_id: int):
    round_, user = _leading(round_id)
    round_service.reopen_round(user, round_)
    return round_out(round_, user)


# --- my response ---------------------------------------------------------------------------------

def my_response_out(round_: Round, response: Response | None,
                    answers: dict[str, AreaAssessment] | None = None) -> dict:
    """The caller's answers and scores; ``answers`` when the caller holds them (read once)."""
    if answers is None:
        answers = round_service.answers_of(response)
    result = round_service.response_result(response, round_, answers)
    levels = {a["code"]: len(a["steps"]) for a in round_service.round_areas(round_)}
    for row in result["areas"]:
        row["hint"] = assessments.hint(answers.get(row["area"]), levels.get(row["area"], 5))
    result["submitted_at"] = _iso(response.submitted_at) if response else None
    result["answers"] = [assessments.as_dict(answers[row["area"]]) for row in result["areas"]
                         if row["area"] in answers]
    return result


@operation("/rounds/<int:round_id>/my-response", summary="The caller's own answers and scores (participant)",
           tag="rounds", response=s.MyResponseOut, errors=(403, 404))
def get_my_response(round_id: int):
    round_, user = _participating(round_id)
    return my_response_out(round_, round_service.response_of(round_, user))


@operation("/rounds/<int:round_id>/my-response", "PUT",
           summary="Save answers for some or all areas of the caller's draft (participant)", tag="rounds",
           body=s.ResponseSave, response=s.MyResponseOut, errors=(403, 404, 409))
def save_my_response(round_id: int, body: s.ResponseSave):
    round_, user = _participating(round_id, lock=True)
    response = round_service.locked_response(round_, user, round_locked=True)
    try:
        answers = round_service.save_answers(
            user, response, [a.to_data() for a in body.answers if a.answered],
            unanswered=[a.to_data() for a in body.answers if not a.answered], locked=True)
    except assessments.StaleVersion as exc:
        return _stale(exc)
    return my_response_out(round_, response, answers)


def _stale(exc: assessments.StaleVersion):
    """409 stale_version: nothing was saved; ``current`` holds each stale area as stored now (null:
    no answer any more), so the client can show both versions and let the person choose."""
    db.session.rollback()
    response = jsonify({"error": {"code": exc.code, "message": exc.message, "fields": exc.fields,
                                  "current": exc.current}})
    response.status_code = 409
    return response


@operation("/rounds/<int:round_id>/my-response/submit", "POST",
           summary="Submit the caller's response; it is locked afterwards (participant)", tag="rounds",
           response=s.MyResponseOut, errors=(403, 404, 409))
def submit_my_response(round_id: int):
    round_, user = _participating(round_id, lock=True)
    response = round_service.locked_response(round_, user, round_locked=True)
    round_service.submit_response(user, response, locked=True)
    return my_response_out(round_, response)


# --- leading: summary, consensus, results --------------------------------------------------------

MAX_COMMENTS = 1000


def summary_out(round_: Round, comments: int | None = None) -> dict:
    """``round_summary`` of the released snapshot: every figure of a withheld area is null, its count too.

    ``comments`` (optional) keeps at most that many comments per released area and adds
    ``comments_total``; without it every comment is returned, as documented.
    """
    summary = round_service.round_summary(round_)
    summary["released_at"] = _iso(summary["released_at"])
    summary.pop("stale_close_at", None)
    summary.pop("closed_unreleased", None)
    for area in summary["areas"]:
        area["released_at"] = _iso(area["released_at"])
        if comments is not None:
            found = area.get("comments")
            area["comments_total"] = len(found) if found is not None else None
            area["comments"] = found[:comments] if found is not None else None
    return summary


def _comments_limit() -> int | None:
    raw = request.args.get("comments")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) > MAX_COMMENTS:
        raise ApiError(422, "validation_failed", _("Some fields are missing or invalid."),
                       {"comments": f"0–{MAX_COMMENTS}"})
    return int(raw)


@operation("/rounds/<int:round_id>/summary",
           summary="Aggregates per area from the snapshot released at close; null while withheld (leader, org_admin)",
           tag="rounds", response=s.SummaryOut, errors=(403, 404, 422),
           query={"comments": Query.integer("at most this many comments per area (default: all)", 0, MAX_COMMENTS)})
def get_summary(round_id: int):
    round_, _user = _leading(round_id)
    return summary_out(round_, _comments_limit())


def consensus_out(round_: Round) -> dict:
    result = round_service.consensus_result(round_)
    recorded = round_service.consensus_of(round_)
    result["assessments"] = [assessments.as_dict(recorded[row["area"]]) for row in result["areas"]
                             if row["area"] in recorded]
    prefill = round_service.consensus_prefill(round_)
    result["prefill"] = {area: found["steps_met"] for area, found in prefill.items()}
    result["prefill_evidence"] = {area: {str(step): ids for step, ids in found["evidence"].items()}
                                  for area, found in prefill.items()}
    return result


@operation("/rounds/<int:round_id>/consensus", summary="The agreed scoring, with the prefill from the median",
           tag="rounds", response=s.ConsensusOut, errors=(403, 404))
def get_consensus(round_id: int):
    round_, _user = _leading(round_id)
    return consensus_out(round_)


@operation("/rounds/<int:round_id>/consensus", "PUT",
           summary="Record the consensus for one or more areas (leader, org_admin; round closed)", tag="rounds",
           body=s.ConsensusSave, response=s.ConsensusOut, errors=(403, 404, 409))
def save_consensus(round_id: int, body: s.ConsensusSave):
    round_, user = _leading(round_id)
    try:
        round_service.record_consensus(user, round_, [a.to_data() for a in body.areas])
    except assessments.StaleVersion as exc:
        return _stale(exc)
    return consensus_out(round_)


@operation("/rounds/<int:round_id>/results",
           summary="Consensus per area, staff median and change since the previous round "
                   "(leaders; every member once the consensus is recorded)",
           tag="rounds", response=s.ResultsOut, errors=(403, 404))
def get_results(round_id: int):
    user = current_api_user()
    round_ = _round_or_404(round_id, user)
    if not permissions.can_see_round_results(user, round_):
        raise ApiError(403, "forbidden", _("The results are shown to members once the consensus is recorded."))
    return round_service.round_results(round_)
