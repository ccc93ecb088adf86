"""Rounds, participants, responses and their answers in bulk.

Answers follow ``bench.run._answer`` (steps met up to a random level, scores by ``seqf.scoring``).
A closed round gets the snapshot a close would have stored: the released figures per area computed
with ``seqf.aggregation`` from the same scores (no evidence links; every responder is staff, so all
answers count). The measured rounds are closed through the services instead (``showcase``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.national import bulk
from bench.run import COMMENTS, _answer
from seqf import aggregation, clock
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    Response,
    ResponseState,
    Round,
    RoundParticipant,
    RoundSnapshot,
    RoundState,
)
from seqf.services import instruments as instrument_service

AREA_COLUMNS = ["id", "response_id", "area", "claimed", "score", "comment", "justification", "strengths",
                "recommendations", "improvements", "change_reason", "updated_at", "version"]
STEP_COLUMNS = ["assessment_id", "level", "met", "indicators"]


@dataclass
class Counts:
    rounds: int = 0
    open_rounds: int = 0
    responses: int = 0
    drafts: int = 0
    area_answers: int = 0
    step_answers: int = 0
    drafts_by_user: list[tuple[int, int]] = field(default_factory=list)  # (user id, round id) of drafts

    def add(self, other: Counts) -> None:
        for name in ("rounds", "open_rounds", "responses", "drafts", "area_answers", "step_answers"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.drafts_by_user += other.drafts_by_user


class Instrument:
    """The current instrument's areas and step indicator codes, read once."""

    def __init__(self):
        self.model = instrument_service.current_instrument("seqf")
        areas = instrument_service.instrument_areas(self.model)
        self.codes = {a["code"]: [[i["code"] for i in step["indicators"]] for step in a["steps"]] for a in areas}
        self.levels = {a["code"]: len(a["steps"]) for a in areas}


class AnswerSink:
    """Area and step answers waiting to be written: one COPY per many rounds, not per round (PostgreSQL
    answers each COPY with a round trip; 7,474 rounds would spend minutes on them)."""

    LIMIT = 60_000

    def __init__(self):
        self.areas: list[list] = []
        self.steps: list[tuple] = []  # (index into areas, level, met, indicators)

    def flush(self) -> None:
        if not self.areas:
            return
        if bulk.is_postgres():
            ids = bulk.next_ids("area_assessments", len(self.areas))
            bulk.copy("area_assessments", AREA_COLUMNS, ([aid, *row] for aid, row in zip(ids, self.areas, strict=True)))
            bulk.copy("step_assessments", STEP_COLUMNS, ((ids[k], *rest) for k, *rest in self.steps))
        else:
            ids = bulk.insert(AreaAssessment.__table__, [dict(zip(AREA_COLUMNS[1:], row, strict=True))
                                                        for row in self.areas])
            bulk.insert(AreaAssessment.metadata.tables["step_assessments"],
                        [dict(zip(STEP_COLUMNS, (ids[k], *rest), strict=True)) for k, *rest in self.steps])
        self.areas, self.steps = [], []


def write_answers(rng: random.Random, instrument: Instrument, response_ids: list[int], now: dt.datetime,
                  sink: AnswerSink, areas_answered: int | None = None
                  ) -> tuple[int, int, dict[int, dict[str, tuple[int, str]]]]:
    """Area and step answers for ``response_ids`` (all areas, or the first ``areas_answered``) into ``sink``.

    Returns (area rows, step rows, {response id: {area: (score, comment)}}).
    """
    means = {code: rng.uniform(1.5, 3.8) for code in instrument.codes}
    scores: dict[int, dict[str, tuple[int, str]]] = {}
    codes = list(instrument.codes)[:areas_answered] if areas_answered else list(instrument.codes)
    areas = steps = 0
    for response_id in response_ids:
        for code in codes:
            result, answered, _docs = _answer(rng, means[code], instrument.codes[code])
            comment = rng.choice(COMMENTS) if rng.random() < 0.15 else ""
            index = len(sink.areas)
            sink.areas.append([response_id, code, result.claimed, result.score, comment, "", "", [], "", "", now, 1])
            sink.steps += [(index, s["level"], s["met"], s["indicators"]) for s in answered]
            scores.setdefault(response_id, {})[code] = (result.score, comment)
            areas += 1
            steps += len(answered)
    if len(sink.areas) >= sink.LIMIT:
        sink.flush()
    return areas, steps, scores


def snapshot_row(round_id: int, instrument: Instrument, scores: dict[int, dict[str, tuple[int, str]]],
                 at: dt.datetime, threshold: int = 3) -> dict:
    """The snapshot ``round_summary.take_snapshot`` stores for a round whose responders are all staff."""
    ids = sorted(scores)
    released = len(ids) >= threshold
    areas = {}
    if released:
        for code, levels in instrument.levels.items():
            answered = [rid for rid in ids if code in scores[rid]]
            if len(answered) < threshold:
                continue
            entry = aggregation.summarise_area(code, [scores[r][code][0] for r in answered], levels=levels).as_dict()
            entry.pop("area")
            entry.update(comments=aggregation.shuffled_comments(scores[r][code][1] for r in answered),
                         released_at=at.isoformat(), evidence={}, response_ids=answered)
            areas[code] = entry
    return {"round_id": round_id, "taken_at": at, "released": released, "counted": len(ids), "eligible": len(ids),
            "needed": 0 if released else threshold - len(ids), "response_ids": ids if released else [],
            "areas": areas}


def round_rows(org_id: int, leader_id: int, instrument: Instrument, plans: list[tuple[str, dt.date]],
               now: dt.datetime) -> list[int]:
    """Insert the rounds of one organisation; ``plans``: (state, day it closes / closed)."""
    rows = []
    for n, (state, day) in enumerate(plans):
        closed = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC) if state == RoundState.closed else None
        rows.append({"organisation_id": org_id, "instrument_id": instrument.model.id,
                     "title": f"Runde {day.year} {n + 1}", "closes_on": day, "state": state,
                     "anonymity_threshold": 3, "own_areas": [], "created_by_id": leader_id, "closed_at": closed,
                     "consensus_recorded_at": None, "created_at": now, "updated_at": now})
    return bulk.insert(Round.__table__, rows)


def fill_round(rng: random.Random, instrument: Instrument, round_id: int, state: RoundState, leader_id: int,
               staff: list[int], responders: list[int], drafts: list[int], now: dt.datetime,
               snapshot: bool = True, invite: bool = True, sink: AnswerSink | None = None,
               snapshots: list[dict] | None = None) -> Counts:
    """Participants (leader and staff; unless ``invite`` is false), submitted responses of ``responders``,
    drafts of ``drafts``. Without a ``sink`` the answers are written before it returns; with one (and a
    ``snapshots`` list) they are written when the caller flushes."""
    counts = Counts()
    own_sink = sink is None
    sink = sink if sink is not None else AnswerSink()
    if invite:
        bulk.insert_plain(RoundParticipant.__table__, [{"round_id": round_id, "user_id": uid, "invited_at": now}
                                                       for uid in [leader_id, *staff]])
    submitted_at = now if state == RoundState.open else now - dt.timedelta(days=rng.randint(30, 900))
    submitted = bulk.insert(Response.__table__, [
        {"round_id": round_id, "user_id": uid, "state": ResponseState.submitted, "created_at": submitted_at,
         "updated_at": submitted_at, "submitted_at": submitted_at} for uid in responders])
    draft_ids = bulk.insert(Response.__table__, [
        {"round_id": round_id, "user_id": uid, "state": ResponseState.draft, "created_at": now, "updated_at": now,
         "submitted_at": None} for uid in drafts])
    areas, steps, scores = write_answers(rng, instrument, submitted, now, sink)
    d_areas, d_steps, _ = write_answers(rng, instrument, draft_ids, now, sink, areas_answered=3)
    if state == RoundState.closed and snapshot:
        row = snapshot_row(round_id, instrument, scores, submitted_at)
        if snapshots is None:
            bulk.insert(RoundSnapshot.__table__, [row])
        else:
            snapshots.append(row)
    if own_sink:
        sink.flush()
    counts.responses, counts.drafts = len(submitted), len(draft_ids)
    counts.area_answers, counts.step_answers = areas + d_areas, steps + d_steps
    counts.drafts_by_user = [(uid, round_id) for uid in drafts]
    return counts


def build(rng: random.Random, organisations, instrument: Instrument, total_rounds: int,
          skip: set[int]) -> Counts:
    """The rounds of every organisation except those in ``skip`` (built by ``showcase``).

    About one organisation in five has an open round; the other rounds are closed, spread back over
    four years; about three in four staff answer a closed round, one in three has a draft in an open one.
    """
    today, now = clock.today(), clock.now()
    regular = [o for o in organisations if o.id not in skip]
    with_open = {o.id for o in regular if rng.random() < 0.2}
    closed_total = max(len(regular), total_rounds - len(with_open))
    per_org = [closed_total // len(regular) + (1 if k < closed_total % len(regular) else 0)
               for k in range(len(regular))]
    counts = Counts()
    sink, snapshots = AnswerSink(), []
    for org, closed in zip(regular, per_org, strict=True):
        plans = [(RoundState.closed, today - dt.timedelta(days=60 + 400 * k + rng.randint(0, 90)))
                 for k in range(closed)]
        if org.id in with_open:
            plans.append((RoundState.open, today + dt.timedelta(days=rng.randint(3, 30))))
        for (state, _day), round_id in zip(plans, round_rows(org.id, org.leader_id, instrument, plans, now),
                                           strict=True):
            if state == RoundState.closed:
                responders = [uid for uid in org.staff_ids if rng.random() < 0.75]
                part = fill_round(rng, instrument, round_id, state, org.leader_id, org.staff_ids, responders, [],
                                  now, sink=sink, snapshots=snapshots)
            else:
                shuffled = rng.sample(org.staff_ids, len(org.staff_ids))
                third = len(shuffled) // 3
                part = fill_round(rng, instrument, round_id, state, org.leader_id, org.staff_ids,
                                  shuffled[:third], shuffled[third:2 * third], now, sink=sink,
                                  snapshots=snapshots)
                counts.open_rounds += 1
            counts.rounds += 1
            counts.add(part)
    sink.flush()
    bulk.insert(RoundSnapshot.__table__, snapshots)
    db.session.flush()
    return counts
