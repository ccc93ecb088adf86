"""A round's aggregates: one snapshot per close, released under disclosure control.

Leaders never read aggregates computed live. When a round is closed, ``take_snapshot`` counts the
submitted responses that answered at least one area, lets ``seqf.disclosure.decide_release``
judge what may be released, and stores the result. Every aggregate view of the round — the summary
page and API, the CSV/XLSX export, the consensus pre-fill and the staff median in the results —
reads the release in force from that stored snapshot, so two views are either the same or differ by
at least the threshold number of answers from staff. While a round is open, only its progress is
shown (invited, submitted, who); a reopened round shows the release it already had.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
import sqlalchemy.orm as so

from seqf import aggregation, clock, disclosure
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Evidence,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    RoundSnapshot,
    RoundState,
    StepAssessment,
    User,
)
from seqf.models.assessments import step_evidence
from seqf.services import audit, round_readers, snapshot_areas
from seqf.services import instruments as instrument_service

READER_ROLES = round_readers.READER_ROLES  # they read aggregates: their answers are known
EMPTY_AREA = {"responses": None, "distribution": None, "median": None, "spread": None, "disagreement": None,
              "withheld": True, "released_at": None}


def _areas(round_: Round) -> list[dict]:
    instrument = instrument_service.light_instrument(round_.instrument_id)
    return instrument_service.areas_for_round(instrument, round_.own_areas or [])


def submitted_by_staff(round_: Round) -> int:
    """Submitted responses of participants who cannot read the aggregates (the close page's count).

    Only submission and role go into it, both of which the leader already sees in the list of who
    has submitted, so it tells nothing about what anyone answered."""
    readers = _readers(round_)
    return sum(1 for uid in db.session.scalars(sa.select(Response.user_id).where(
        Response.round_id == round_.id, Response.state == ResponseState.submitted)) if uid not in readers)


# --- taking the snapshot at close --------------------------------------------------------------

def _answers(round_: Round) -> list[tuple[int, int, str, int, str]]:
    """(response id, user id, area, score, comment) of every answered area of a submitted response."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Response.id, Response.user_id, AreaAssessment.area, AreaAssessment.score, AreaAssessment.comment)
        .join(AreaAssessment, AreaAssessment.response_id == Response.id)
        .where(Response.round_id == round_.id, Response.state == ResponseState.submitted)
    ).all()]


def _readers(round_: Round) -> set[int]:
    """Users who could read the round's aggregates at any moment since it opened (``round_readers``)."""
    return round_readers.readers_since_open(round_)


def _evidence_links(round_: Round) -> list[tuple[int, str, int, int]]:
    """(response id, area, step, evidence id) the participants of submitted responses linked."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Response.id, AreaAssessment.area, StepAssessment.level, step_evidence.c.evidence_id)
        .join(AreaAssessment, AreaAssessment.response_id == Response.id)
        .join(StepAssessment, StepAssessment.assessment_id == AreaAssessment.id)
        .join(step_evidence, step_evidence.c.step_id == StepAssessment.id)
        .where(Response.round_id == round_.id, Response.state == ResponseState.submitted)
    ).all()]


def _area_release(code: str, ids: frozenset[int], answers: list[tuple], links: list[tuple], levels: int,
                  at: dt.datetime) -> dict:
    """The stored release of one area: figures, shuffled comments, evidence per step, who is behind it."""
    scores = [score for rid, _uid, area, score, _c in answers if area == code and rid in ids]
    comments = [comment for rid, _uid, area, _s, comment in answers if area == code and rid in ids]
    evidence: dict[str, set[int]] = {}
    for rid, area, level, evidence_id in links:
        if area == code and rid in ids:
            evidence.setdefault(str(level), set()).add(evidence_id)
    entry = aggregation.summarise_area(code, scores, levels=levels).as_dict()
    entry.pop("area")
    entry.update(comments=aggregation.shuffled_comments(comments), released_at=at.isoformat(),
                 evidence={step: sorted(found) for step, found in sorted(evidence.items())},
                 response_ids=sorted(ids))
    return entry


def compute_snapshot(round_: Round, previous: RoundSnapshot | None = None) -> RoundSnapshot:
    """The snapshot a close would take now, given the release in force (not added to the session)."""
    at = clock.now()
    answers = _answers(round_)
    readers = _readers(round_)
    by_response: dict[int, tuple[int, set[str]]] = {}
    for rid, uid, area, _score, _comment in answers:
        by_response.setdefault(rid, (uid, set()))[1].add(area)
    counted = [disclosure.Counted(rid, uid in readers, frozenset(areas)) for rid, (uid, areas) in by_response.items()]
    areas = _areas(round_)
    before = dict(previous.areas) if previous is not None else {}
    decision = disclosure.decide_release(
        counted, aggregation.effective_threshold(round_.anonymity_threshold),
        previous.response_ids if previous is not None else None,
        {code: entry["response_ids"] for code, entry in before.items()}, [a["code"] for a in areas])
    links = _evidence_links(round_) if decision.changed else []
    released = dict(before)
    for area in areas:
        if area["code"] in decision.changed:
            released[area["code"]] = _area_release(area["code"], decision.areas[area["code"]], answers, links,
                                                   len(area["steps"]), at)
    snapshot = RoundSnapshot(round_id=round_.id, taken_at=at, released=decision.released, counted=len(counted),
                             eligible=sum(1 for c in counted if not c.reader), needed=decision.needed,
                             response_ids=sorted(decision.response_ids), areas=released)
    snapshot.changed = sorted(decision.changed)  # not stored: what the audit event names
    return snapshot


def take_snapshot(actor: User, round_: Round) -> RoundSnapshot:
    """Called when the round is closed: store what this close releases (possibly nothing new)."""
    snapshot = compute_snapshot(round_, _snapshots(round_, released_only=True))
    db.session.add(snapshot)
    db.session.flush()
    if snapshot.released:
        changed = snapshot.changed
        audit.record(actor, "round.results_released", round_,
                     f"Results of round “{round_.title}” released (areas {', '.join(changed) or 'none'})",
                     round_.organisation_id, data={"title": round_.title, "areas": changed})
    else:
        audit.record(actor, "round.results_withheld", round_,
                     f"Results of round “{round_.title}” not released: too few new answers from staff",
                     round_.organisation_id, data={"title": round_.title})
    return snapshot


# --- reading the release in force --------------------------------------------------------------

def _snapshots(round_: Round, released_only: bool) -> RoundSnapshot | None:
    query = sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_.id)
    if released_only:
        query = query.where(RoundSnapshot.released.is_(True))
    return db.session.scalar(query.order_by(RoundSnapshot.id.desc()).limit(1))


@functools.cache
def _latest_snapshots_statement() -> sa.Select:
    """``latest_snapshots``' statement, built once per process (building it cost more than running it)."""
    def newest(*conditions):
        return sa.select(sa.func.max(RoundSnapshot.id)).where(
            RoundSnapshot.round_id == sa.bindparam("round_id"), *conditions).scalar_subquery()

    return (sa.select(RoundSnapshot).options(so.defer(RoundSnapshot.response_ids), so.defer(RoundSnapshot.areas))
            .where(sa.or_(RoundSnapshot.id == newest(), RoundSnapshot.id == newest(RoundSnapshot.released.is_(True)))))


def latest_snapshots(round_: Round) -> tuple[RoundSnapshot | None, RoundSnapshot | None]:
    """(the latest released snapshot, the latest snapshot) in one statement.

    Usually they are the same row; a page needs both (the release in force, and whether a later
    close released nothing new). The snapshot's own list of counted responses (up to thousands of
    ids, only a close needs it) is not read, nor are its areas: ``snapshot_areas`` keeps them
    parsed, and reads them only for a snapshot it does not hold yet."""
    rows = db.session.scalars(_latest_snapshots_statement(), {"round_id": round_.id}).all()
    released = max((r for r in rows if r.released), key=lambda r: r.id, default=None)
    latest = max(rows, key=lambda r: r.id, default=None)
    return released, latest


def released_snapshot(round_: Round, snapshots: tuple | None = None) -> RoundSnapshot | None:
    """The latest released snapshot. A round closed before snapshots existed gets one computed on the fly.

    ``snapshots`` is ``latest_snapshots(round_)`` when the caller has read it already."""
    found, latest = latest_snapshots(round_) if snapshots is None else snapshots
    if found is None and round_.state == RoundState.closed and latest is None:
        legacy = compute_snapshot(round_)
        return legacy if legacy.released else None
    return found


def areas_in_force(round_: Round, release: RoundSnapshot | None,
                   readers: set[int] | None = None) -> dict[str, dict]:
    """The released areas that may be shown now.

    A release was judged with the readers known at its close. Someone who answered as staff and has
    become a leader or organisation admin since then knows her own answer, so an area whose answers
    from people who never read aggregates have fallen below the threshold is withheld again.
    """
    if release is None:
        return {}
    threshold = aggregation.effective_threshold(round_.anonymity_threshold)
    known = round_readers.reader_response_ids(round_, readers)
    parsed = snapshot_areas.parsed_areas(release)
    return {code: entry for code, entry in parsed.areas.items()
            if len(parsed.response_ids[code] - known if known else parsed.response_ids[code]) >= threshold}


def _progress(round_: Round) -> tuple[int, int]:
    """(invited, submitted) in one statement."""
    invited = sa.select(sa.func.count()).select_from(RoundParticipant).where(
        RoundParticipant.round_id == round_.id).scalar_subquery()
    submitted = sa.select(sa.func.count()).select_from(Response).where(
        Response.round_id == round_.id, Response.state == ResponseState.submitted).scalar_subquery()
    found = db.session.execute(sa.select(invited, submitted)).one()
    return found[0], found[1]


def release_in_force(round_: Round, readers: set[int] | None = None, snapshots: tuple | None = None
                     ) -> tuple[RoundSnapshot | None, dict[str, dict]]:
    """The released snapshot and its areas that may be shown now (``areas_in_force``), read once.

    A page that shows both the summary and the consensus pre-fill (the consensus page) passes this
    to both, instead of each reading the snapshot and the readers' responses again. It is read in
    the same request as what it is passed to, so it cannot be stale. ``snapshots``: see
    ``released_snapshot``.
    """
    release = released_snapshot(round_, snapshots)
    return release, areas_in_force(round_, release, readers)


def round_summary(round_: Round, with_comments: bool = True, readers: set[int] | None = None,
                  in_force: tuple[RoundSnapshot | None, dict[str, dict]] | None = None,
                  snapshots: tuple | None = None, progress: tuple[int, int] | None = None,
                  count_progress: bool = True) -> dict:
    """What leaders see: live progress, and the aggregates of the release in force (or why there are none).

    ``withheld`` is true while nothing is released; a withheld area has every figure null, its
    number of answers included. ``needed`` (after a close without any release) says how many more
    answers from staff the first release needs; ``stale_close_at`` is set when the latest close
    released nothing new, so the page can say why the older figures still apply. ``readers``
    (``round_readers.readers_since_open``, read in the same request) saves reading them again, and
    so does ``in_force`` (``release_in_force``, read in the same request), ``snapshots``
    (``latest_snapshots``) and ``progress`` ((invited, submitted), counted in the same request).
    ``count_progress=False`` leaves ``invited`` and ``submitted`` None, for views that do not show them.
    """
    if progress is None:
        progress = _progress(round_) if count_progress else (None, None)
    invited, submitted = progress
    threshold = aggregation.effective_threshold(round_.anonymity_threshold)
    snapshots = latest_snapshots(round_) if snapshots is None else snapshots
    release, stored = release_in_force(round_, readers, snapshots) if in_force is None else in_force
    if release is not None and not stored:
        release = None  # every area withheld again since (``areas_in_force``): as if nothing was released
    latest = snapshots[1]
    summary = {
        "round_id": round_.id, "invited": invited, "submitted": submitted, "threshold": threshold,
        "withheld": release is None, "released_at": release.taken_at if release else None,
        "counted": release.counted if release else None,
        "needed": latest.needed if latest is not None and release is None else None,
        "closed_unreleased": latest is not None and release is None,
        "stale_close_at": (latest.taken_at if latest is not None and release is not None and latest.id != release.id
                           and round_.state == RoundState.closed else None),
        "areas": [],
    }
    for area in _areas(round_):
        code = area["code"]
        entry = {"area": code, "own": bool(area.get("own"))}
        found = stored.get(code)
        if found is None:
            entry.update(EMPTY_AREA)
            if with_comments:
                entry["comments"] = None
        else:
            entry.update({key: found[key] for key in ("responses", "distribution", "median", "spread",
                                                      "disagreement")},
                         withheld=False, released_at=dt.datetime.fromisoformat(found["released_at"]))
            if with_comments:
                entry["comments"] = list(found["comments"])
        summary["areas"].append(entry)
    return summary


def prefill_candidates(in_force: tuple[RoundSnapshot | None, dict[str, dict]]) -> set[int]:
    """Every evidence id staff linked in the released areas (some may have been deleted since)."""
    return {int(i) for entry in in_force[1].values() for ids in entry.get("evidence", {}).values() for i in ids}


def consensus_prefill(round_: Round, in_force: tuple[RoundSnapshot | None, dict[str, dict]] | None = None,
                      existing: set[int] | None = None) -> dict[str, dict]:
    """Per released area: steps met from the staff median (rounded down) and, per step, the evidence staff linked.

    ``{area: {"steps_met": n, "evidence": {step: [evidence ids]}}}``; withheld areas are absent.
    Evidence deleted since the close is left out. ``in_force``: see ``release_in_force``.
    ``existing``: ids of the organisation's evidence, read in this request, that include every
    ``prefill_candidates`` id still there (saves reading them again).
    """
    in_force = release_in_force(round_) if in_force is None else in_force
    if not in_force[1]:
        return {}
    if existing is None:
        linked = prefill_candidates(in_force)
        existing = set(db.session.scalars(sa.select(Evidence.id).where(
            Evidence.id.in_(linked), Evidence.organisation_id == round_.organisation_id))) if linked else set()
    in_force = in_force[1]
    levels = {a["code"]: len(a["steps"]) for a in _areas(round_)}
    prefill = {}
    for code, entry in in_force.items():
        if code not in levels:
            continue
        evidence = {int(step): [i for i in ids if i in existing] for step, ids in entry.get("evidence", {}).items()}
        prefill[code] = {"steps_met": aggregation.consensus_prefill(entry["median"], levels[code]),
                         "evidence": {step: ids for step, ids in sorted(evidence.items()) if ids}}
    return prefill


def _latest_earlier_with_consensus(select: sa.Select) -> sa.Select:
    """``previous_round``'s rule on ``select`` (over ``Round``): the organisation's latest round before
    the bound ``round_id`` with a consensus, on the instrument with the bound ``slug``."""
    from seqf.models import Instrument

    return (select.join(Instrument, Instrument.id == Round.instrument_id).where(
        Round.organisation_id == sa.bindparam("organisation_id", type_=sa.Integer),
        Round.consensus_recorded_at.is_not(None), Round.id < sa.bindparam("round_id", type_=sa.Integer),
        Instrument.slug == sa.bindparam("slug", type_=Instrument.slug.type),
    ).order_by(Round.id.desc()).limit(1))


def _previous_params(round_: Round) -> dict:
    return {"organisation_id": round_.organisation_id, "round_id": round_.id, "slug": round_.instrument.slug}


@functools.cache
def _previous_round_statement() -> sa.Select:
    """``previous_round``'s statement, built once per process."""
    return _latest_earlier_with_consensus(sa.select(Round))


def previous_round(round_: Round) -> Round | None:
    """The organisation's latest earlier round with a consensus, on the same instrument."""
    return db.session.scalar(_previous_round_statement(), _previous_params(round_))


@functools.cache
def _results_figures_statement(with_texts: bool) -> sa.Select:
    """The round and its ``previous_round``, each with its consensus per area (one row per area, or one
    row of nulls for a round without any), built once per process with bound parameters."""
    previous = _latest_earlier_with_consensus(sa.select(Round.id)).scalar_subquery()
    columns = [AreaAssessment.area, AreaAssessment.claimed, AreaAssessment.score]
    if with_texts:
        columns += [AreaAssessment.justification, AreaAssessment.strengths, AreaAssessment.recommendations]
    return (sa.select(Round, *columns).outerjoin(AreaAssessment, AreaAssessment.consensus_round_id == Round.id)
            .where(sa.or_(Round.id == sa.bindparam("round_id", type_=sa.Integer), Round.id == previous)))


def _results_figures(round_: Round, with_texts: bool
                     ) -> tuple[Round | None, dict[int, dict[str, tuple[int, int]]], dict[str, sa.Row]]:
    """(``previous_round``, claimed and score per area of both rounds' consensus, what this round's group
    wrote per area (``with_texts``)): one statement for the results page."""
    rows = db.session.execute(_results_figures_statement(with_texts), _previous_params(round_)).all()
    previous = next((row.Round for row in rows if row.Round.id != round_.id), None)
    scores: dict[int, dict[str, tuple[int, int]]] = {round_.id: {}, **({previous.id: {}} if previous else {})}
    texts: dict[str, sa.Row] = {}
    for row in rows:
        if row.area is None:
            continue  # a round without any consensus area
        scores[row.Round.id][row.area] = (row.claimed, row.score)
        if with_texts and row.Round.id == round_.id:
            texts[row.area] = row
    return previous, scores, texts


def round_results(round_: Round, texts: dict | None = None) -> dict:
    """Everything the results page shows: consensus, staff medians (from the release), change since last round.

    ``texts`` (a dict), when given, is filled with what the group wrote per area (as
    ``rounds.consensus_texts``), read in the same statement as the scores."""
    from seqf.services.rounds import consensus_result

    previous, scores, found = _results_figures(round_, with_texts=texts is not None)
    if texts is not None:
        texts.update(found)
    result = consensus_result(round_, scores[round_.id])
    summary = round_summary(round_, with_comments=False, count_progress=False)
    medians = {a["area"]: a["median"] for a in summary["areas"]}
    before = consensus_result(previous, scores[previous.id]) if previous else None
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
