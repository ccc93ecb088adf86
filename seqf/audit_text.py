"""The audit log in the reader's language, built from an event's ``action`` and ``data``.

Every ``audit.record(…)`` stores an English ``summary`` (kept for the API and for old events) and,
since migration 0003, the facts behind it in ``data``. ``MESSAGES`` maps each action to a lazy
translatable message; ``event_text`` formats it with the event's data in the current locale. An
action with no entry, or an event whose data lacks a key the message needs (events written before
``data`` existed), falls back to the stored summary, so the log never breaks.

An entry is either a lazy string formatted with ``%(key)s`` from the prepared data, or a function
``(data, event) -> str`` for messages that need a plural or a choice. ``tests/web/test_audit_text.py``
checks that every action recorded anywhere in ``seqf/`` has an entry here.

Data keys used: ``title``, ``code``, ``email``, ``name``, ``role`` / ``old_role`` (member-role values,
shown translated), ``roles`` (list of platform-role values), ``threshold``, ``participants`` (count),
``deadline`` (ISO date, shown as a Norwegian date), ``areas`` (list of area codes), ``version``,
``filename``, ``url``, ``kind`` (``file``/``link``), ``changed`` (list of field names), ``organisation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from seqf.audit_texts import MESSAGES as PLAN_MESSAGES
from seqf.labels import role_label

FIELD_LABELS = {
    "title": _l("title"),
    "description": _l("description"),
    "url": _l("address"),
    "tags": _l("tags"),
}


def _list(values) -> str:
    return ", ".join(str(v) for v in values) if values else "–"


def _prepare(data: dict) -> dict:
    """The data with values made readable: roles translated, dates in Norwegian, lists joined."""
    out = dict(data)
    for key in ("role", "old_role"):
        if key in out:
            out[key] = role_label(out[key])
    if "roles" in out:
        roles = out["roles"]
        roles = [r.strip() for r in roles.split(",") if r.strip()] if isinstance(roles, str) else list(roles or [])
        out["roles"] = _list(role_label(r) for r in roles) if roles else _("no platform roles")
    if "deadline" in out:
        try:
            out["deadline"] = format_date(dt.date.fromisoformat(str(out["deadline"])), "medium")
        except ValueError:
            pass
    if "areas" in out:
        out["areas"] = _list(out["areas"])
    if "changed" in out:
        out["changed"] = _list(FIELD_LABELS.get(f, f) for f in out["changed"])
    return out


def _evidence_created(d: dict, _event) -> str:
    if d.get("kind") == "link":
        return _("Added the link “%(title)s” (%(url)s)", title=d["title"], url=d["url"])
    return _("Added the evidence “%(title)s” (file %(filename)s)", title=d["title"], filename=d["filename"])


def _round_opened(d: dict, _event) -> str:
    return ngettext("Opened the round “%(title)s” with %(num)d participant, deadline %(deadline)s",
                    "Opened the round “%(title)s” with %(num)d participants, deadline %(deadline)s",
                    int(d["participants"]), title=d["title"], deadline=d["deadline"])


def _counted(singular: str, plural: str, key: str) -> Callable:
    """A message with a count in ``data[key]`` (participants told, sessions ended …)."""
    def text(d: dict, _event) -> str:
        return ngettext(singular, plural, int(d[key]), **{k: v for k, v in d.items() if k != "num"})
    return text


def _round_state(message, message_titled) -> Callable:
    """Workflow transitions (``round.close`` …) carry no data of their own: name the round if we can."""
    def text(d: dict, event) -> str:
        if "title" in d:
            return str(message_titled) % {"title": d["title"]}
        return str(message) % {"id": event.object_id or ""}
    return text


def _review_decided(d: dict, _event) -> str:
    day = format_date(dt.date.fromisoformat(str(d["date"])), "medium")
    if d["decision"] == "approved":
        return _("Approved %(organisation)s after the review (decided %(date)s)",
                 organisation=d["organisation"], date=day)
    return _("Did not approve %(organisation)s after the review (decided %(date)s)",
             organisation=d["organisation"], date=day)
def _review_dates(d: dict) -> str:
    try:
        starts, ends = (format_date(dt.date.fromisoformat(str(d[k])), "medium") for k in ("starts", "ends"))
    except (TypeError, ValueError):
        return "–"
    return starts if starts == ends else f"{starts} – {ends}"


def _review_planned(d: dict, _event) -> str:
    from seqf.review_labels import kind_label

    return _("Planned a review of %(organisation)s (%(kind)s), visit %(dates)s",
             organisation=d["organisation"], kind=kind_label(d["kind"]), dates=_review_dates(d))


REVIEW_FIELDS = {
    "starts": _l("first day"), "ends": _l("last day"), "mode": _l("on site or video"),
    "meeting_url": _l("meeting link"), "revisors": _l("revisors"), "areas": _l("areas"),
    "round_id": _l("starting round"),
}


def _review_plan_changed(d: dict, _event) -> str:
    what = _list([REVIEW_FIELDS.get(f, f) for f in d.get("what", [])])
    return _("Changed the plan of the review of %(organisation)s: %(what)s", organisation=d["organisation"],
             what=what)


def _review_state(message) -> Callable:
    def text(_d: dict, event) -> str:
        return str(message) % {"id": event.object_id or ""}
    return text


MESSAGES: dict[str, object] = {
    # organisations and members
    "organisation.created": _l("Created the organisation %(name)s"),
    "organisation.threshold_changed": _l("Set the anonymity threshold to %(threshold)s"),
    "membership.added": _l("Added %(email)s as %(role)s"),
    "membership.changed": _l("Changed the role of %(email)s from %(old_role)s to %(role)s"),
    "membership.removed": _l("Removed %(email)s (%(role)s)"),
    "invitation.sent": _l("Invited %(email)s as %(role)s"),
    "invitation.revoked": _l("Withdrew the invitation to %(email)s"),
    "invitation.accepted": _l("%(email)s accepted the invitation to %(organisation)s"),
    # accounts
    "user.created": _l("Created the account %(email)s (platform roles: %(roles)s)"),
    "user.created_from_invitation": _l("%(email)s chose a password from an invitation"),
    "user.roles_changed": _l("Set the platform roles of %(email)s: %(roles)s"),
    "user.activated": _l("Activated the account %(email)s"),
    "user.deactivated": _l("Deactivated the account %(email)s"),
    "user.profile_changed": _l("Changed the name on the account %(email)s"),
    "user.password_changed": _l("Changed the password of %(email)s"),
    "user.password_reset": _l("Set a new password for %(email)s with a reset link"),
    "user.password_reset_requested": _l("Sent a link to reset the password to %(email)s"),
    "session.ended": _l("Logged out a session (%(device)s)"),
    "session.ended_others": _counted("Logged out everywhere else (%(num)d session or token ended)",
                                     "Logged out everywhere else (%(num)d sessions and tokens ended)", "count"),
    "api_token.revoked": _l("Revoked API token %(token_id)s"),
    # instruments and own quality areas
    "instrument.imported": _l("Imported version %(version)s of the instrument %(slug)s"),
    "own_area.created": _l("Added the own quality area %(code)s “%(title)s”"),
    "own_area.updated": _l("Changed the own quality area %(code)s “%(title)s”"),
    "own_area.deactivated": _l("Deactivated the own quality area %(code)s “%(title)s”"),
    "own_area.reactivated": _l("Reactivated the own quality area %(code)s “%(title)s”"),
    # evidence library
    "evidence.created": _evidence_created,
    "evidence.file_replaced": _l("Uploaded version %(version)s of “%(title)s” (%(filename)s)"),
    "evidence.updated": _l("Changed the evidence “%(title)s”: %(changed)s"),
    "evidence.archived": _l("Archived the evidence “%(title)s”"),
    "evidence.restored": _l("Restored the evidence “%(title)s”"),
    # rounds (the transitions come from workflows/*.yaml: "<workflow>.<transition>")
    "round.opened": _round_opened,
    "round.close": _round_state(_l("Closed round %(id)s"), _l("Closed the round “%(title)s”")),
    "round.reopen": _round_state(_l("Reopened round %(id)s"), _l("Reopened the round “%(title)s”")),
    "round.consensus_recorded": _l("Recorded the consensus for area(s) %(areas)s"),
    "round.deleted": _counted("Deleted the round “%(title)s” (opened by mistake); %(num)d participant was told",
                              "Deleted the round “%(title)s” (opened by mistake); %(num)d participants were told",
                              "participants"),
    "round.reminded": _counted("Reminded %(num)d participant about the round “%(title)s”",
                               "Reminded %(num)d participants about the round “%(title)s”", "count"),
    "round.results_ready": _counted("The results of “%(title)s” are ready; %(num)d participant was told",
                                    "The results of “%(title)s” are ready; %(num)d participants were told", "count"),
    "round.results_released": _l("Released the combined results of “%(title)s” (areas %(areas)s)"),
    "round.results_withheld": _l("Closed “%(title)s” without new combined results: too few answers from staff"),
    # certification (issue 7)
    "review.decide": _round_state(_l("Recorded the certification decision on review %(id)s"),
                                  _l("Recorded the certification decision on review %(id)s")),
    "review.decided": _review_decided,
    "certificate.issued": _l("Issued a certificate valid from %(valid_from)s until %(valid_until)s"),
    "certificate.withdrawn": _l("Withdrew the certificate %(number)s: %(reason)s"),
    # reviews: planning (seqf/services/reviews.py)
    "review.planned": _review_planned,
    "review.plan": _review_state(_l("Planned follow-up %(id)s (it was due)")),
    "review.plan_changed": _review_plan_changed,
    "review.cancelled": _l("Cancelled the review of %(organisation)s"),
    # review findings, comment round and report (issue 7, findings)
    "review.start_drafting": _l("Started drafting the findings"),
    "review.open_comment_round": _l("Opened the comment round on the draft report"),
    "review.publish": _l("Published the report"),
    "review.finding_saved": _l("Saved the finding for area %(area)s (score %(score)s)"),
    "review.overall_saved": _l("Saved the overall picture"),
    "review.comment_saved": _l("Commented on area %(area)s of the draft report"),
    "review.comment_removed": _l("Removed the comment on area %(area)s of the draft report"),
    "review.published": _l("Published the report (total %(total)s)"),
    "review.corrected": _l("Corrected the report: version %(number)s (%(reason)s)"),
    "response.started": _l("Started a response"),
    "response.submit": _l("Submitted a response"),
    # reviews: the pre-visit package and the visit agenda (never the text of a note)
    "review.package_downloaded": _l("Downloaded the pre-visit package"),
    "review.slot_added": _l("Added a time slot to the visit agenda (%(day)s %(starts_at)s–%(ends_at)s)"),
    "review.slot_updated": _l("Changed a time slot of the visit agenda (%(day)s %(starts_at)s–%(ends_at)s)"),
    "review.slot_deleted": _l("Deleted a time slot of the visit agenda (%(day)s %(starts_at)s–%(ends_at)s)"),
    "review.note_saved": _l("Saved the note of a visit time slot (%(day)s %(starts_at)s)"),
}
MESSAGES.update(PLAN_MESSAGES)  # the action plan keeps its messages in seqf/audit_texts/


def event_text(event) -> str:
    """The event in the current locale, or its stored English summary when that cannot be done."""
    message = MESSAGES.get(event.action)
    if message is None:
        return event.summary
    data = _prepare(event.data or {})
    try:
        if callable(message):
            return message(data, event)
        return str(message) % data
    except (KeyError, TypeError, ValueError):
        return event.summary
