"""Self-assessment rounds: open, answer, submit, summarise, close, agree the consensus.

Individual answers never leave this module except to their own author: leaders get aggregates
(``round_summary``) and only once enough responses are in.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from seqf import aggregation, clock, ticks, workflow
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    MemberRole,
    Membership,
    Organisation,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    RoundState,
    User,
)
from seqf.services import assessments, audit, mail
from seqf.services import instruments as instrument_service
from seqf.services.errors import Conflict, NotFound, RuleViolation
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
    """The areas this round asks about: the instrument's, then the organisation's own."""
    return instrument_service.areas_for_round(round_.instrument, round_.own_areas or [])


def seqf_codes(round_: Round) -> list[str]:
    return [a["code"] for a in round_areas(round_) if not a.get("own")]


def participant_ids(round_: Round) -> set[int]:
    return set(db.session.scalars(
        sa.select(RoundParticipant.user_id).where(RoundParticipant.round_id == round_.id)
    ))


# --- responding --------------------------------------------------------------------------------

def response_of(round_: Round, user: User, create: bool = False) -> Response | None:
    response = db.session.scalar(
        sa.select(Response).where(Response.round_id == round_.id, Response.user_id == user.id)
    )
    if response is None and create:
        if user.id not in participant_ids(round_):
            raise NotFound(_("You are not a participant in this round."))
        response = Response(round=round_, user=user)
        db.session.add(response)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            # two first saves at once: the first wins, the second is told to try again (autosave does)
            raise Conflict(_("Your answers were being saved from another window. Try again."),
                           code="concurrent_save") from None
        audit.record(user, "response.started", response, f"Response started in round {round_.id}",
                     round_.organisation_id)
    return response


def answers_of(response: Response | None) -> dict[str, AreaAssessment]:
    if response is None:
        return {}
    rows = db.session.scalars(sa.select(AreaAssessment).where(AreaAssessment.response_id == response.id))
    return {a.area: a for a in rows}


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
            assessment = AreaAssessment(area=data.area, **owner)
            db.session.add(assessment)
            existing[data.area] = assessment
        assessments.apply(assessment, data, areas, organisation_id, actor)


def save_answers(actor: User, response: Response, answers: list[assessments.AreaData]) -> None:
    """Save (part of) a draft. Submitted responses and closed rounds answer 409."""
    workflow.check_action("response", response, "edit", actor)
    areas = assessments.areas_by_code(round_areas(response.round))
    _validate_all(answers, areas, response.round.organisation_id)
    _store(answers_of(response), answers, areas, response.round.organisation_id, actor, response_id=response.id)


def submit_response(actor: User, response: Response) -> None:
    workflow.apply_transition("response", response, "submit", actor)
    response.submitted_at = clock.now()


def response_result(response: Response | None, round_: Round) -> dict:
    """The participant's own scores: per area claimed/score, SEQF total, areas done."""
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


def _submitted_answers(round_: Round) -> sa.Select:
    """Area answers of the round's submitted responses (a select to add columns to)."""
    return (sa.select().select_from(AreaAssessment).join(Response, Response.id == AreaAssessment.response_id)
            .where(Response.round_id == round_.id, Response.state == ResponseState.submitted))


def round_summary(round_: Round, with_comments: bool = True) -> dict:
    """Aggregates per area from submitted responses; withheld below the anonymity threshold.

    The database counts responses per area and score, so the work and the number of queries stay
    the same whatever the number of responses; comments are read only when they will be shown.
    """
    invited = db.session.scalar(
        sa.select(sa.func.count()).select_from(RoundParticipant).where(RoundParticipant.round_id == round_.id)
    )
    submitted = db.session.scalar(
        sa.select(sa.func.count()).select_from(Response)
        .where(Response.round_id == round_.id, Response.state == ResponseState.submitted)
    )
    counts = db.session.execute(
        _submitted_answers(round_).add_columns(AreaAssessment.area, AreaAssessment.score, sa.func.count())
        .group_by(AreaAssessment.area, AreaAssessment.score)
    ).all()
    threshold = aggregation.effective_threshold(round_.anonymity_threshold)
    withheld = aggregation.is_withheld(submitted, threshold)
    comments: dict[str, list[str]] = {}
    if with_comments and not withheld:
        for area, comment in db.session.execute(
            _submitted_answers(round_).add_columns(AreaAssessment.area, AreaAssessment.comment)
            .where(AreaAssessment.comment != "")
        ):
            comments.setdefault(area, []).append(comment)
    scores: dict[str, list[int]] = {}
    for area, score, n in counts:
        scores.setdefault(area, []).extend([score] * n)
    summary = {"round_id": round_.id, "invited": invited, "submitted": submitted, "threshold": threshold,
               "withheld": withheld, "areas": []}
    for area in round_areas(round_):
        code = area["code"]
        values = scores.get(code, [])
        entry = {"area": code, "own": bool(area.get("own")), "responses": len(values)}
        if not withheld and not aggregation.is_withheld(len(values), threshold):
            entry.update(aggregation.summarise_area(code, values, levels=len(area["steps"])).as_dict())
            if with_comments:
                entry["comments"] = aggregation.shuffled_comments(comments.get(code, []))
        else:
            entry.update({"distribution": None, "median": None, "spread": None, "disagreement": None,
                          "withheld": True})
        summary["areas"].append(entry)
    return summary


def close_round(actor: User, round_: Round) -> None:
    workflow.apply_transition("round", round_, "close", actor)
    round_.closed_at = clock.now()


def reopen_round(actor: User, round_: Round) -> None:
    workflow.apply_transition("round", round_, "reopen", actor)
    round_.closed_at = None


def consensus_of(round_: Round) -> dict[str, AreaAssessment]:
    rows = db.session.scalars(sa.select(AreaAssessment).where(AreaAssessment.consensus_round_id == round_.id))
    return {a.area: a for a in rows}


def consensus_prefill(round_: Round) -> dict[str, int]:
    """Steps met per area suggested from the staff median (rounded down); empty when withheld."""
    summary = round_summary(round_, with_comments=False)
    if summary["withheld"]:
        return {}
    return {a["area"]: aggregation.consensus_prefill(a["median"]) for a in summary["areas"]
            if a.get("median") is not None}


def record_consensus(actor: User, round_: Round, areas_data: list[assessments.AreaData]) -> None:
    """Record or update the agreed scoring, area by area (round must be closed)."""
    workflow.check_action("round", round_, "record_consensus", actor)
    if not areas_data:
        raise RuleViolation(_("Give the consensus for at least one area."), fields={"areas": "≥ 1"})
    areas = assessments.areas_by_code(round_areas(round_))
    _validate_all(areas_data, areas, round_.organisation_id)
    _store(consensus_of(round_), areas_data, areas, round_.organisation_id, actor, consensus_round_id=round_.id)
    round_.consensus_recorded_at = clock.now()
    audit.record(actor, "round.consensus_recorded", round_,
                 f"Consensus recorded for area(s) {', '.join(d.area for d in areas_data)}", round_.organisation_id)


def consensus_result(round_: Round) -> dict:
    """Claimed and score per area, the SEQF total (own areas beside it, not in it)."""
    consensus = consensus_of(round_)
    rows = []
    for area in round_areas(round_):
        a = consensus.get(area["code"])
        rows.append({"area": area["code"], "own": bool(area.get("own")), "recorded": a is not None,
                     "claimed": a.claimed if a else 0, "score": a.score if a else 0})
    seqf_rows = [r for r in rows if not r["own"]]
    return {"areas": rows, "total": sum(r["score"] for r in seqf_rows),
            "claimed_total": sum(r["claimed"] for r in seqf_rows), "max_total": 5 * len(seqf_rows)}


def previous_round(round_: Round) -> Round | None:
    """The organisation's latest earlier round with a consensus, on the same instrument."""
    from seqf.models import Instrument

    return db.session.scalar(
        sa.select(Round).join(Instrument, Instrument.id == Round.instrument_id).where(
            Round.organisation_id == round_.organisation_id,
            Round.consensus_recorded_at.is_not(None), Round.id < round_.id,
            Instrument.slug == round_.instrument.slug,
        ).order_by(Round.id.desc()).limit(1)
    )


def round_results(round_: Round) -> dict:
    """Everything the results page shows: consensus, staff medians, change since last round."""
    result = consensus_result(round_)
    summary = round_summary(round_, with_comments=False)
    medians = {a["area"]: a.get("median") for a in summary["areas"]}
    previous = previous_round(round_)
    before = consensus_result(previous) if previous else None
    before_scores = {a["area"]: a["score"] for a in before["areas"]} if before else {}
    for row in result["areas"]:
        row["median"] = medians.get(row["area"])
        row["previous"] = before_scores.get(row["area"]) if before else None
        comparable = row["previous"] is not None and row["recorded"]
        row["change"] = row["score"] - row["previous"] if comparable else None
    result["previous"] = ({"round_id": previous.id, "title": previous.title, "total": before["total"],
                           "change": result["total"] - before["total"]} if previous else None)
    result["withheld"] = summary["withheld"]
    return result


# --- lookups -----------------------------------------------------------------------------------

def rounds_for(organisation: Organisation) -> sa.Select:
    return sa.select(Round).where(Round.organisation_id == organisation.id).order_by(Round.created_at.desc())


def open_rounds_for_user(user: User) -> list[tuple[Round, Response | None]]:
    """Open rounds the user takes part in, with their response (for the dashboard)."""
    rows = db.session.execute(
        sa.select(Round, Response).join(RoundParticipant, RoundParticipant.round_id == Round.id)
        .outerjoin(Response, sa.and_(Response.round_id == Round.id, Response.user_id == user.id))
        .where(RoundParticipant.user_id == user.id, Round.state == RoundState.open)
        .order_by(Round.closes_on)
    ).all()
    return [(r, resp) for r, resp in rows]


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


def answered_areas(response_ids: list[int]) -> dict[int, int]:
    """response id → number of areas with an answer saved (the dashboard's progress)."""
    if not response_ids:
        return {}
    return dict(db.session.execute(
        sa.select(AreaAssessment.response_id, sa.func.count()).where(AreaAssessment.response_id.in_(response_ids))
        .group_by(AreaAssessment.response_id)
    ).all())


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
