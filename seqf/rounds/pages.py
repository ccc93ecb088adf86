"""What the round pages show, gathered from the services (views stay short, templates stay simple)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import Evidence, Response, ResponseState, Round, RoundParticipant, RoundState
from seqf.rounds import evidence_picker, forms
from seqf.services import assessments, round_consensus, round_progress, round_readers, round_summary, rounds
from seqf.services import evidence as evidence_service
from seqf.services.assessments import AreaData, StepData
from seqf.services.instruments import localized
from seqf.services.round_guards import is_participant, know_participant


def lang() -> str:
    return str(get_locale() or "nb")


def area_title(area: dict) -> str:
    return localized(area["title"], lang())


def area_label(area: dict) -> str:
    """“3 People management”: the code and the title in the page's language."""
    return f"{area['code']} {area_title(area)}"


def hint_text(assessment) -> str:
    """What to do next in one area, from the progressive rule."""
    if assessment is None or assessment.claimed == 0:
        return _("Tick the indicators your service meets. A step is met when all its indicators are ticked.")
    hint = assessments.hint(assessment)
    if hint is None:
        return _("Every met step below your level is documented.")
    return _("Link evidence to step %(step)d to raise the documented score to %(reaches)d.",
             step=hint["step"], reaches=hint["reaches"])


def progress_text(answered: int, total: int) -> str:
    return _("Areas done: %(done)d of %(total)d", done=answered, total=total)


def is_locked(round_: Round, response: Response | None) -> bool:
    if response is None:
        return round_.state != RoundState.open
    return not workflow.allowed("response", response, "edit", current_user)


def picker_for(round_: Round, area: dict, data: AreaData,
               library: evidence_picker.Library | None = None) -> evidence_picker.Picker:
    """The evidence picker of one area: the library once, each step's linked and tagged evidence."""
    from flask import url_for

    labels = {step["level"]: _("Step %(n)d", n=step["level"]) for step in area["steps"]}
    detail = url_for("evidence.detail", org_id=round_.organisation_id, evidence_id=0)
    texts = {"open": _("Open"), "new_tab": _("new tab"), "link": _("link"), "choose": _("Choose from the library"),
             "detail_prefix": detail[:-1]}  # ".../evidence/0" without its id: the rows add theirs
    return evidence_picker.build_picker(round_.organisation_id, area,
                                        {step.level: step.evidence_ids for step in data.steps}, labels, texts,
                                        library=library)


def evidence_items(round_: Round, ids) -> dict[int, evidence_picker.LibraryItem]:
    """id → (id, title, url) of the organisation's evidence among ``ids``, archived included: one statement."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return {row[0]: evidence_picker.LibraryItem(*row) for row in db.session.execute(
        sa.select(Evidence.id, Evidence.title, Evidence.url)
        .where(Evidence.id.in_(ids), Evidence.organisation_id == round_.organisation_id))}


def evidence_by_id(round_: Round, data: AreaData) -> dict:
    """Evidence already linked in ``data`` that the library no longer lists (archived) stays visible."""
    return evidence_items(round_, [i for step in data.steps for i in step.evidence_ids])


def _none_yet(assessment) -> bool:
    """A stored answer with nothing ticked was the explicit "none of these steps yet"."""
    return assessment is not None and not any(s.indicators or s.met for s in assessment.steps)


def fill_context(round_: Round, areas: list[dict], index: int, response: Response | None,
                 posted: AreaData | None = None, errors: dict | None = None, conflict=None,
                 not_answered: bool = False) -> dict:
    """One area of the fill form: the stored answer, or what was posted when it was refused.

    ``conflict`` (a ``StaleVersion``) shows the other window's version beside the typed one; the
    form then carries the stored version, so saving again keeps what was typed on purpose.
    """
    from flask import request

    area = areas[index]
    answers = rounds.answers_of(response)
    assessment = answers.get(area["code"])
    current = posted or forms.data_from_assessment(assessment, area["code"])
    stored_version = assessment.version if assessment is not None else 0
    if posted is not None and conflict is None and posted.version is not None:
        version = posted.version
    else:
        version = stored_version
    none_yet = request.form.get("none_yet") == "1" if posted is not None else _none_yet(assessment)
    return {
        "round": round_, "organisation": round_.organisation, "areas": areas, "area": area, "index": index,
        "previous_area": areas[index - 1] if index > 0 else None,
        "next_area": areas[index + 1] if index + 1 < len(areas) else None,
        "answers": answers, "assessment": assessment, "current": current,
        "steps": forms.steps_by_level(current), "hint": hint_text(assessment),
        "progress": progress_text(len(answers), len(areas)), "answered": len(answers),
        "picker": picker_for(round_, area, current), "linked": evidence_by_id(round_, current),
        "locked": is_locked(round_, response), "response": response,
        "submitted": response is not None and response.state == ResponseState.submitted,
        "version": version, "none_yet": none_yet, "errors": errors or {}, "not_answered": not_answered,
        "theirs": conflict.current.get(area["code"]) if conflict is not None else None,
        "conflict": conflict is not None,
        "max_file_bytes": evidence_service.max_file_bytes(),
    }


def autosave_body(round_: Round, response: Response | None, area: dict,
                  answers: dict | None = None) -> dict:
    """The JSON the autosave script shows: time saved, the area's scores and steps, progress.

    ``area_answered`` is false when nothing is ticked and "none yet" is not chosen: the area then
    has no answer, and ``notice`` tells the person how to answer it. ``answers`` (what
    ``save_answers`` returned) saves reading them again.
    """
    answers = rounds.answers_of(response) if answers is None else answers
    assessment = answers.get(area["code"])
    area_count = len(rounds.round_areas(round_))
    steps = {s.level: s.met for s in assessment.steps} if assessment else {}
    return {
        "state": response.state.value if response else ResponseState.draft.value,
        "area": area["code"],
        "area_answered": assessment is not None,
        "version": assessment.version if assessment else 0,
        "notice": "" if assessment else not_answered_text(),
        "saved_at": _("Saved %(time)s", time=format_time(clock.now(), "HH:mm")),
        "claimed": assessment.claimed if assessment else 0,
        "score": assessment.score if assessment else 0,
        "steps": [{"level": s["level"], "met": steps.get(s["level"], False),
                   "label": _("Met") if steps.get(s["level"]) else _("Not met")} for s in area["steps"]],
        "hint": hint_text(assessment),
        "answered": len(answers),
        "area_count": area_count,
        "progress": progress_text(len(answers), area_count),
    }


def not_answered_text() -> str:
    return _("This area is not answered yet. Tick the indicators your service meets, or choose "
             "“None of these steps yet”.")


def conflict_body(round_: Round, area: dict, exc) -> dict:
    """409 for autosave: the stored answer, its version, and the fragment showing it."""
    from flask import render_template, url_for

    theirs = exc.current.get(area["code"])
    return {"error": {
        "code": exc.code, "message": exc.message, "current": theirs,
        "current_version": theirs["version"] if theirs else 0,
        "html": render_template("rounds/_conflict.html", area=area, theirs=theirs, round=round_,
                                back_url=url_for("rounds.fill", round_id=round_.id, area=area["code"])),
    }}


def my_participation(round_list: list[Round]) -> dict[int, str]:
    """round id → "new", "draft" or "submitted" for the rounds the caller is asked to answer."""
    ids = [r.id for r in round_list]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(RoundParticipant.round_id, Response.state).select_from(RoundParticipant)
        .outerjoin(Response, sa.and_(Response.round_id == RoundParticipant.round_id,
                                     Response.user_id == RoundParticipant.user_id))
        .where(RoundParticipant.round_id.in_(ids), RoundParticipant.user_id == current_user.id)
    ).all()
    return {round_id: state.value if state else "new" for round_id, state in rows}


def _own_status(round_: Round) -> dict:
    participant = is_participant(round_, current_user)
    response = rounds.response_of(round_, current_user) if participant else None
    return {"participant": participant, "response": response,
            "result": rounds.response_result(response, round_) if participant else None,
            "own_locked": is_locked(round_, response)}


def summary_context(round_: Round) -> dict:
    """The leader's view: how many have submitted, a page of who (never what), aggregates per area.

    The names come a page at a time (``?who=not_submitted``, ``?q=`` searches), so the page costs
    the same whatever the number of participants.
    """
    from flask import request

    who = round_progress.clean_filter(request.args.get("who"))
    search = round_progress.clean_search(request.args.get("q"))
    page = request.args.get("page", 1, type=int) or 1
    readers = round_readers.readers_since_open(round_)
    counts = round_progress.summary_counts(round_, readers, current_user.id)
    know_participant(round_, current_user, counts.participant)  # the workflow checks below ask it
    progress = counts.progress
    return {
        "round": round_, "organisation": round_.organisation,
        "areas": {a["code"]: a for a in rounds.round_areas(round_)},
        "progress": progress, "who": who, "q": search,
        "names": round_progress.names_page(round_, page, who, search, invited=progress.invited),
        "summary": rounds.round_summary(round_, readers=readers, progress=(progress.invited, progress.submitted)),
        "can_close": workflow.allowed("round", round_, "close", current_user),
        "can_reopen": workflow.allowed("round", round_, "reopen", current_user),
        "can_consensus": workflow.allowed("round", round_, "record_consensus", current_user),
        "staff_participants": (counts.others >= round_.anonymity_threshold, counts.others),
        **_own_status(round_),
    }


def member_context(round_: Round) -> dict:
    """A staff member's or viewer's view: their own status only."""
    return {"round": round_, "organisation": round_.organisation, **_own_status(round_)}


def _prefill(area: dict, steps_met: int, evidence: dict[int, list[int]] | None = None) -> AreaData:
    """The suggestion: steps met from the staff median, and per step the evidence staff linked."""
    return AreaData(area=area["code"], steps=[
        StepData(level=s["level"], met=s["level"] <= steps_met, evidence_ids=list((evidence or {}).get(s["level"], [])))
        for s in area["steps"]])


def _staff_linked(evidence: dict[int, list[int]], items: dict[int, evidence_picker.LibraryItem]) -> dict[int, list]:
    """step → the evidence staff linked to it in the released snapshot (shown as "linked by staff")."""
    return {step: [items[i] for i in found if i in items] for step, found in evidence.items()}


def _consensus_version(assessment, posted: AreaData | None, conflict, area: dict) -> dict:
    stored = assessment.version if assessment is not None else 0
    keep_posted = posted is not None and conflict is None and posted.version is not None
    return {"version": posted.version if keep_posted else stored, "conflict": conflict is not None,
            "theirs": conflict.current.get(area["code"]) if conflict is not None else None}


def consensus_context(round_: Round, areas: list[dict], index: int, posted: AreaData | None,
                      conflict=None) -> dict:
    """One area of the consensus: the stored agreement, else the suggestion from the staff median.

    ``conflict`` (a ``StaleVersion``: another leader saved first) shows their version beside the
    typed one, and the form then carries the stored version so saving again is a deliberate choice.
    """
    area = areas[index]
    recorded, stored = round_consensus.consensus_page_data(round_, area["code"])
    snapshots = round_summary.latest_snapshots(round_)  # read once for the summary and the pre-fill
    in_force = round_summary.release_in_force(round_, snapshots=snapshots)
    counts = round_progress.summary_counts(round_, user_id=current_user.id)
    know_participant(round_, current_user, counts.participant)  # the workflow check below asks it
    summary = rounds.round_summary(round_, in_force=in_force, snapshots=snapshots,
                                   progress=(counts.progress.invited, counts.progress.submitted))
    entry = next(e for e in summary["areas"] if e["area"] == area["code"])
    staff_ids = round_summary.prefill_candidates(in_force)
    posted_ids = [i for step in posted.steps for i in step.evidence_ids] if posted is not None else []
    stored_ids = [i for step in stored.data.steps for i in step.evidence_ids] if stored is not None else []
    # the library with its tags in this area, and the evidence linked by staff, in the form or stored
    # (archived too): one statement
    library = evidence_picker.read_library(round_.organisation_id, area["code"], {*staff_ids, *posted_ids, *stored_ids})
    items = library.wanted
    suggested = None
    prefill = rounds.consensus_prefill(round_, in_force, existing=set(items)).get(area["code"])
    if posted is not None:
        current = posted
    elif stored is not None:
        current = stored.data
    else:
        suggested = prefill["steps_met"] if prefill else 0
        current = _prefill(area, suggested, prefill["evidence"] if prefill else None)
    chosen = {i for step in current.steps for i in step.evidence_ids}
    assessment = stored
    return {
        "round": round_, "organisation": round_.organisation, "areas": areas, "area": area, "index": index,
        "previous_area": areas[index - 1] if index > 0 else None,
        "next_area": areas[index + 1] if index + 1 < len(areas) else None,
        "recorded": recorded, "assessment": assessment, "current": current,
        "steps": forms.steps_by_level(current), "suggested": suggested,
        "summary": summary, "entry": entry,
        "can_record": workflow.allowed("round", round_, "record_consensus", current_user),
        **_consensus_version(assessment, posted, conflict, area),
        "picker": picker_for(round_, area, current, library),
        "linked": {i: item for i, item in items.items() if i in chosen},
        "staff_linked": _staff_linked(prefill["evidence"] if prefill else {}, items),
    }
