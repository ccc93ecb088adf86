"""Planning external reviews: who reviews whom, when and how; changing and cancelling a plan.

Only network coordinators (and admins) plan. Every rule is checked before anything is written, and
all problems are reported at once (``RuleViolation`` with ``fields``), so a refused plan changes
nothing. The rules that matter most:

* conflict of interest — a revisor who is a member of the organisation (in any role) may not
  review it;
* the visit has a start and an end, in that order, at most ``MAX_VISIT_DAYS`` long;
* a video visit needs an http(s) meeting link; an on-site visit keeps none;
* the optional starting round is a closed round of the same organisation with a recorded consensus;
* a follow-up may cover chosen areas; a certification or recertification covers them all.

Revisors and the organisation's leaders are mailed with a calendar invitation
(``seqf.services.review_invitations``); a change re-sends it with a higher SEQUENCE, a cancellation
sends ``METHOD:CANCEL``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g
from flask_babel import gettext as _

from seqf import permissions, workflow
from seqf.extensions import db
from seqf.models import (
    AreaAssessment,
    GlobalRole,
    MemberRole,
    Membership,
    Organisation,
    Review,
    ReviewKind,
    ReviewMode,
    ReviewRevisor,
    ReviewState,
    RevisorRole,
    Round,
    RoundState,
    User,
    UserRole,
    VisitSlot,
)
from seqf.services import audit, locks
from seqf.services import instruments as instrument_service
from seqf.services import review_invitations as invitations
from seqf.services.errors import Conflict, Forbidden, NotFound, RuleViolation
from seqf.text import shorten

MAX_REVISORS = 6
MAX_VISIT_DAYS = 31
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
MAX_URL = 500
MAX_REASON = 1000
LEADING_ROLES = (MemberRole.leader, MemberRole.org_admin)
# a review whose report is out: the next review of the organisation builds on it
PUBLISHED_STATES = (ReviewState.published, ReviewState.decided)


@dataclass
class Plan:
    """The checked plan, ready to be written."""

    revisors: list[User]
    mode: ReviewMode
    meeting_url: str
    visit_starts_on: dt.date
    visit_ends_on: dt.date
    round_id: int | None
    areas: list[str]


@dataclass
class _Problems:
    """Every rule broken, collected so the caller hears about all of them at once."""

    items: list[tuple[str, str, str]] = field(default_factory=list)  # (field, message, code)

    def add(self, name: str, message: str, code: str) -> None:
        self.items.append((name, message, code))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        fields: dict[str, str] = {}
        for name, message, _code in self.items:
            fields[name] = f"{fields[name]} {message}" if name in fields else message
        messages = list(dict.fromkeys(message for _name, message, _code in self.items))
        raise RuleViolation(" ".join(messages), fields=fields, code=self.items[0][2])


# --- parsing the plain values ------------------------------------------------------------------

def parse_kind(value) -> ReviewKind:
    try:
        return ReviewKind(getattr(value, "value", value))
    except ValueError:
        allowed = ", ".join(k.value for k in ReviewKind)
        raise RuleViolation(_("Unknown kind of review. Allowed: %(allowed)s.", allowed=allowed),
                            fields={"kind": allowed}, code="unknown_kind") from None


def _mode(value, problems: _Problems) -> ReviewMode | None:
    try:
        return ReviewMode(getattr(value, "value", value))
    except ValueError:
        problems.add("mode", _("Choose on site or video."), "unknown_mode")
        return None


def _instrument(slug: str):
    try:
        return instrument_service.current_instrument(slug)
    except NotFound as exc:
        raise RuleViolation(exc.message, fields={"instrument": exc.message}, code="unknown_instrument") from None


# --- the rules ---------------------------------------------------------------------------------

def _revisors(organisation: Organisation, revisor_ids: list, problems: _Problems) -> list[User]:
    """The revisors in the order given (lead first): active, with the revisor role, not members."""
    ids = list(revisor_ids or [])
    if not ids:
        problems.add("revisor_ids", _("Choose a lead revisor."), "no_revisor")
        return []
    if len(ids) > MAX_REVISORS:
        problems.add("revisor_ids", _("At most %(n)d revisors on one review.", n=MAX_REVISORS), "too_many_revisors")
        return []
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        problems.add("revisor_ids", _("Revisors are given by their id."), "unknown_revisor")
        return []
    if len(set(ids)) != len(ids):
        problems.add("revisor_ids", _("The same revisor is chosen twice. Choose each person once."),
                     "duplicate_revisor")
        return []
    pool = {u.id: u for u in db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(ids), User.active.is_(True), UserRole.role == GlobalRole.revisor))}
    unknown = [i for i in ids if i not in pool]
    if unknown:
        problems.add("revisor_ids", _("Not an active revisor: %(ids)s.", ids=", ".join(map(str, unknown))),
                     "unknown_revisor")
        return []
    members = set(db.session.scalars(sa.select(Membership.user_id).where(
        Membership.organisation_id == organisation.id, Membership.user_id.in_(ids))))
    for user_id in ids:
        if user_id in members:
            problems.add("revisor_ids", _("%(name)s is a member of %(org)s and cannot review it "
                                          "(conflict of interest).", name=pool[user_id].name,
                                          org=organisation.name), "conflict_of_interest")
    return [pool[i] for i in ids]


def _dates(starts: dt.date | None, ends: dt.date | None, problems: _Problems) -> None:
    if starts is None:
        problems.add("visit_starts_on", _("Enter the first day of the visit."), "missing_date")
    if ends is None:
        problems.add("visit_ends_on", _("Enter the last day of the visit."), "missing_date")
    if starts is None or ends is None:
        return
    for name, day in (("visit_starts_on", starts), ("visit_ends_on", ends)):
        if not EARLIEST <= day <= LATEST:
            problems.add(name, _("Choose a date between %(first)s and %(last)s.", first=EARLIEST.isoformat(),
                                 last=LATEST.isoformat()), "date_out_of_range")
            return
    if ends < starts:
        problems.add("visit_ends_on", _("The visit cannot end before it starts."), "visit_order")
    elif (ends - starts).days + 1 > MAX_VISIT_DAYS:
        problems.add("visit_ends_on", _("A visit lasts at most %(n)d days.", n=MAX_VISIT_DAYS), "visit_too_long")


def clean_meeting_url(mode: ReviewMode | None, url: str | None, problems: _Problems) -> str:
    """A video visit's link must be http(s); it may follow later (API.md plans a review without it,
    and the invitation then says the link follows). On site the link is dropped."""
    if mode != ReviewMode.video:
        return ""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url) if len(url) <= MAX_URL else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(c.isspace() or ord(c) < 32 for c in url)):
        problems.add("meeting_url", _("Enter the meeting link as a web address starting with https://."),
                     "meeting_url_invalid")
        return ""
    return url


def _round(organisation: Organisation, instrument, round_id, problems: _Problems) -> int | None:
    if round_id in (None, ""):
        return None
    round_ = db.session.get(Round, round_id) if isinstance(round_id, int) and 0 < round_id < 2**31 else None
    if (round_ is None or round_.organisation_id != organisation.id or round_.state != RoundState.closed
            or round_.consensus_recorded_at is None or round_.instrument.slug != instrument.slug):
        problems.add("round_id", _("Choose a closed round of this organisation with a recorded consensus."),
                     "unusable_round")
        return None
    return round_.id


def _areas(kind: ReviewKind, instrument, areas, problems: _Problems) -> list[str]:
    """The covered areas in instrument order; an empty list means every area."""
    chosen = [str(a).strip() for a in (areas or [])]
    if not chosen:
        return []
    if kind != ReviewKind.follow_up:
        problems.add("areas", _("A certification or recertification covers every area; choose areas only for "
                                "a follow-up."), "areas_not_allowed")
        return []
    codes = [a["code"] for a in instrument_service.instrument_areas(instrument)]
    unknown = [a for a in chosen if a not in codes]
    if unknown:
        problems.add("areas", _("Unknown quality area: %(areas)s.", areas=", ".join(shorten(a, 20) for a in unknown)),
                     "unknown_area")
        return []
    wanted = set(chosen)
    return [] if wanted == set(codes) else [c for c in codes if c in wanted]


def check_plan(organisation: Organisation, instrument, kind: ReviewKind, *, revisor_ids, mode, meeting_url,
               visit_starts_on, visit_ends_on, round_id, areas) -> Plan:
    """Every rule of a plan; raises one ``RuleViolation`` naming every problem, or returns the plan."""
    problems = _Problems()
    revisors = _revisors(organisation, revisor_ids, problems)
    _dates(visit_starts_on, visit_ends_on, problems)
    parsed_mode = _mode(mode, problems)
    url = clean_meeting_url(parsed_mode, meeting_url, problems)
    chosen_round = _round(organisation, instrument, round_id, problems)
    covered = _areas(kind, instrument, areas, problems)
    problems.raise_if_any()
    return Plan(revisors=revisors, mode=parsed_mode, meeting_url=url, visit_starts_on=visit_starts_on,
                visit_ends_on=visit_ends_on, round_id=chosen_round, areas=covered)


def _lock(review: Review) -> None:
    """Lock the review's row for this change; one cancelled meanwhile by someone else is gone (404)."""
    try:
        locks.lock(review)
        gone = db.session.scalar(sa.select(Review.id).where(Review.id == review.id)) is None
    except sa.exc.InvalidRequestError:  # SQLite: the refresh after the lock found no row
        gone = True
    if gone:
        raise NotFound(_("No such review."))


def _require_coordinator(actor: User) -> None:
    if not permissions.oversees_network(actor):
        raise Forbidden(_("Only a network coordinator plans reviews."))


# --- writing -----------------------------------------------------------------------------------

def _assign(review: Review, revisors: list[User]) -> None:
    """Lead first, then the co-revisors, keeping the rows of people who stay (their drafts stay theirs)."""
    existing = {r.user_id: r for r in review.revisors}
    rows = []
    for position, user in enumerate(revisors):
        row = existing.get(user.id) or ReviewRevisor(user=user)
        row.role = RevisorRole.lead if position == 0 else RevisorRole.co
        row.position = position
        rows.append(row)
    review.revisors = rows


def _apply(review: Review, plan: Plan) -> None:
    _assign(review, plan.revisors)
    review.mode = plan.mode
    review.meeting_url = plan.meeting_url
    review.visit_starts_on = plan.visit_starts_on
    review.visit_ends_on = plan.visit_ends_on
    review.round_id = plan.round_id
    review.areas = plan.areas


def organisation_leaders(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role.in_(LEADING_ROLES),
               User.active.is_(True)).order_by(User.name)))


def _recipients(review: Review) -> list[User]:
    """The assigned revisors, then the organisation's leaders and org admins (each once)."""
    people = [r.user for r in review.revisors if r.user.active] + organisation_leaders(review.organisation_id)
    return list({u.id: u for u in people}.values())


def _plan_data(review: Review) -> dict:
    return {"kind": review.kind.value, "organisation": review.organisation.name,
            "starts": review.visit_starts_on.isoformat() if review.visit_starts_on else None,
            "ends": review.visit_ends_on.isoformat() if review.visit_ends_on else None,
            "mode": review.mode.value, "revisors": [r.user.name for r in review.revisors],
            "areas": list(review.areas or [])}


def plan_review(actor: User, organisation: Organisation, *, kind, instrument_slug: str = "seqf",
                revisor_ids: list[int], mode, meeting_url: str = "", visit_starts_on: dt.date | None,
                visit_ends_on: dt.date | None, round_id: int | None = None,
                areas: list[str] | None = None) -> Review:
    """Plan a review of ``organisation`` (coordinators only); mails revisors and leaders an invitation."""
    _require_coordinator(actor)
    review_kind = parse_kind(kind)
    instrument = _instrument(instrument_slug)
    plan = check_plan(organisation, instrument, review_kind, revisor_ids=revisor_ids, mode=mode,
                      meeting_url=meeting_url, visit_starts_on=visit_starts_on, visit_ends_on=visit_ends_on,
                      round_id=round_id, areas=areas)
    previous = latest_published_review(organisation.id)
    review = Review(organisation=organisation, instrument=instrument, kind=review_kind, state=ReviewState.planned,
                    previous_review_id=previous.id if previous else None, created_by_id=actor.id, version=1)
    _apply(review, plan)
    db.session.add(review)
    db.session.flush()
    audit.record(actor, "review.planned", review,
                 f"{review_kind.value} review of {organisation.name} planned for "
                 f"{plan.visit_starts_on.isoformat()}–{plan.visit_ends_on.isoformat()}", organisation.id,
                 data=_plan_data(review))
    invitations.send_plan(review, _recipients(review))
    return review


def plan_follow_up(actor: User, review: Review, *, revisor_ids: list[int], mode="video", meeting_url: str = "",
                   visit_starts_on: dt.date | None, visit_ends_on: dt.date | None,
                   areas: list[str] | None = None, round_id: int | None = None,
                   version: int | None = None) -> Review:
    """A due follow-up gets revisors, mode and dates: due → planned (transition ``plan``)."""
    _require_coordinator(actor)
    _lock(review)
    if version is not None and version != review.version:
        raise Conflict(_("Someone else changed this review meanwhile. Reload the page and try again."),
                       code="stale_version")
    if review.state != ReviewState.due:
        raise Conflict(_("This follow-up is already planned."), code="wrong_state")
    plan = check_plan(review.organisation, review.instrument, review.kind, revisor_ids=revisor_ids, mode=mode,
                      meeting_url=meeting_url, visit_starts_on=visit_starts_on, visit_ends_on=visit_ends_on,
                      round_id=round_id, areas=areas)
    workflow.apply_transition("review", review, "plan", actor)
    _apply(review, plan)
    if review.previous_review_id is None:
        previous = latest_published_review(review.organisation_id, exclude_id=review.id)
        review.previous_review_id = previous.id if previous else None
    review.version += 1
    db.session.flush()
    audit.record(actor, "review.planned", review,
                 f"follow_up review of {review.organisation.name} planned for "
                 f"{plan.visit_starts_on.isoformat()}–{plan.visit_ends_on.isoformat()}", review.organisation_id,
                 data=_plan_data(review))
    invitations.send_plan(review, _recipients(review))
    return review


UNSET = object()


def edit_plan(actor: User, review: Review, version: int, *, revisor_ids=UNSET, mode=UNSET, meeting_url=UNSET,
              visit_starts_on=UNSET, visit_ends_on=UNSET, round_id=UNSET, areas=UNSET) -> Review:
    """Change a plan (fields left out stay). A stale ``version`` answers 409 and changes nothing.

    A due follow-up is planned by this (``plan_follow_up``). When the visit's revisors, dates, mode
    or link change, everyone is mailed an updated invitation; revisors taken off get a cancellation.
    """
    if review.state == ReviewState.due:
        def given(value, default):
            return default if value is UNSET else value
        return plan_follow_up(actor, review, revisor_ids=given(revisor_ids, []), mode=given(mode, "video"),
                              meeting_url=given(meeting_url, ""), visit_starts_on=given(visit_starts_on, None),
                              visit_ends_on=given(visit_ends_on, None), areas=given(areas, None),
                              round_id=given(round_id, None), version=version)
    _require_coordinator(actor)
    _lock(review)
    workflow.check_action("review", review, "edit_plan", actor)
    if version != review.version:
        raise Conflict(_("Someone else changed this review meanwhile. Reload the page and try again."),
                       code="stale_version")
    current = {
        "revisor_ids": [r.user_id for r in review.revisors], "mode": review.mode, "meeting_url": review.meeting_url,
        "visit_starts_on": review.visit_starts_on, "visit_ends_on": review.visit_ends_on,
        "round_id": review.round_id, "areas": list(review.areas or []),
    }
    given = {"revisor_ids": revisor_ids, "mode": mode, "meeting_url": meeting_url,
             "visit_starts_on": visit_starts_on, "visit_ends_on": visit_ends_on, "round_id": round_id, "areas": areas}
    values = {k: current[k] if v is UNSET else v for k, v in given.items()}
    plan = check_plan(review.organisation, review.instrument, review.kind, **values)
    before = _plan_data(review) | {"meeting_url": review.meeting_url, "round_id": review.round_id}
    removed = [r.user for r in review.revisors if r.user_id not in {u.id for u in plan.revisors}]
    _apply(review, plan)
    db.session.flush()
    after = _plan_data(review) | {"meeting_url": review.meeting_url, "round_id": review.round_id}
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return review
    review.version += 1
    audit.record(actor, "review.plan_changed", review, f"Review {review.id}: plan changed ({', '.join(changed)})",
                 review.organisation_id, data=after | {"what": changed})
    if set(changed) & {"starts", "ends", "mode", "revisors", "meeting_url", "areas"}:
        invitations.send_plan(review, _recipients(review), changed=True)
        active_removed = [u for u in removed if u.active]
        if active_removed:
            invitations.send_cancellation(review, active_removed, "", removed=True)
    return review


def findings_count(review: Review) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AreaAssessment)
                             .where(AreaAssessment.review_id == review.id)) or 0


def agenda_count(review: Review) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VisitSlot)
                             .where(VisitSlot.review_id == review.id)) or 0


def cancel_review(actor: User, review: Review, reason: str = "") -> dict:
    """Delete a planned or due review that has no findings; the people involved are told.

    A review with findings is no longer only a plan: it is refused (409 ``has_findings``) rather
    than deleted with the revisors' work. The visit agenda (if any) goes with the review. Returns
    what the audit event keeps, for the caller's message.
    """
    _require_coordinator(actor)
    if len(reason or "") > MAX_REASON:
        raise RuleViolation(_("Write the reason in at most %(n)d characters.", n=MAX_REASON),
                            fields={"reason": f"≤ {MAX_REASON}"}, code="reason_too_long")
    reason = "".join(c for c in (reason or "") if c in "\n\t" or ord(c) >= 32).strip()
    _lock(review)
    workflow.check_action("review", review, "cancel", actor)
    if findings_count(review):
        raise Conflict(_("Findings are already recorded for this review, so it cannot be cancelled."),
                       code="has_findings")
    data = _plan_data(review) | {"reason": reason, "state": review.state.value}
    recipients = _recipients(review)
    invitations.send_cancellation(review, recipients, reason)
    audit.record(actor, "review.cancelled", review, f"Review {review.id} of {review.organisation.name} cancelled",
                 review.organisation_id, data=data)
    db.session.delete(review)
    db.session.flush()
    return data


# --- queries -----------------------------------------------------------------------------------

def revisor_pool() -> list[User]:
    """Everyone who may be assigned: active users with the revisor role, by name."""
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == GlobalRole.revisor, User.active.is_(True)).order_by(User.name, User.id)))


def latest_published_review(organisation_id: int, exclude_id: int | None = None) -> Review | None:
    """The organisation's latest review whose report is published (or decided), of any kind."""
    query = (sa.select(Review).where(Review.organisation_id == organisation_id,
                                     Review.state.in_(PUBLISHED_STATES))
             .order_by(Review.published_at.desc().nulls_last(), Review.id.desc()).limit(1))
    if exclude_id is not None:
        query = query.where(Review.id != exclude_id)
    return db.session.scalar(query)


# what a list shows of each review, loaded for the whole page at once
_LIST_LOADS = (so.selectinload(Review.organisation), so.selectinload(Review.instrument),
               so.selectinload(Review.suggested_lead))


def reviews_for(user: User, organisation_id: int | None = None, loads=_LIST_LOADS) -> sa.Select:
    """The reviews on the caller's list: a coordinator's every review not yet decided, the reviews a
    revisor is assigned to, and the reviews of the organisations the caller leads. Unfinished first,
    then by visit (or due) date. ``loads`` are the loader options for what the page shows."""
    query = _reviews_on_list(user.id, permissions.oversees_network(user), loads)
    if organisation_id is not None:
        query = query.where(Review.organisation_id == organisation_id)
    return query


@functools.cache
def reviews_for_bound(oversees_network: bool) -> sa.Select:
    """``reviews_for`` without loader options, built once per kind of caller with the caller's id as
    the ``user_id`` parameter, for a statement run on every page (the dashboard's card)."""
    return _reviews_on_list(sa.bindparam("user_id"), oversees_network, ())


def _reviews_on_list(user_id, oversees_network: bool, loads) -> sa.Select:
    """The list's rule, in one place: ``user_id`` is the caller's id or a parameter for it."""
    assigned = sa.select(ReviewRevisor.review_id).where(ReviewRevisor.user_id == user_id)
    led = sa.select(Membership.organisation_id).where(Membership.user_id == user_id,
                                                      Membership.role.in_(LEADING_ROLES))
    # one list of ids, found through the indexes of the revisors and of the organisation's reviews;
    # as two conditions joined by OR, PostgreSQL tested every unfinished review in the network
    mine = [Review.id.in_(sa.union(assigned, sa.select(Review.id).where(Review.organisation_id.in_(led))))]
    if oversees_network:
        mine.append(Review.state != ReviewState.decided)
    when = sa.func.coalesce(Review.visit_starts_on, Review.due_on)
    return (sa.select(Review).where(sa.or_(*mine)).options(*loads)
            .order_by(sa.case((Review.state == ReviewState.decided, 1), else_=0), when.asc().nulls_last(),
                      Review.id))


def reviews_of_organisation(organisation_id: int) -> sa.Select:
    when = sa.func.coalesce(Review.visit_starts_on, Review.due_on)
    return (sa.select(Review).where(Review.organisation_id == organisation_id).options(*_LIST_LOADS)
            .order_by(when.desc().nulls_last(), Review.id.desc()))


def closed_rounds_with_consensus(organisation_id: int) -> list[Round]:
    """Rounds a review may start from, newest first."""
    return list(db.session.scalars(
        sa.select(Round).where(Round.organisation_id == organisation_id, Round.state == RoundState.closed,
                               Round.consensus_recorded_at.is_not(None))
        .order_by(Round.consensus_recorded_at.desc(), Round.id.desc())))


def member_ids(organisation_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Membership.user_id).where(Membership.organisation_id == organisation_id)))


def leads_anything(user: User) -> bool:
    """For the main menu: is the caller a leader or org admin anywhere? (asked once per request)

    The answer is kept on ``g`` for the request: the login's user loader puts it there from the
    session query (``sessions.live_session``), so the menu costs no statement of its own; a service
    that changes a membership during the request forgets it (``forget_leads_anything``)."""
    cache = g.setdefault("leads_anything", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.role.in_(LEADING_ROLES)).limit(1)) is not None
    return cache[user.id]


def note_leads_anything(user: User, leads: bool) -> None:
    """Remember for this request what the session query found out (see ``leads_anything``)."""
    g.setdefault("leads_anything", {})[user.id] = leads


def forget_leads_anything() -> None:
    """A membership changed: ask the database again if the menu is drawn in this request."""
    g.pop("leads_anything", None)
