"""Publishing the report and correcting it: frozen ``ReportVersion`` snapshots.

Publishing (the lead revisor, from drafting or the comment round) needs a finding with a
justification for every covered area, and a follow-up needs its outcome; otherwise 422 names each
missing area in ``fields`` (``{"5": "missing finding"}``). It stores version 1 and tells the
organisation's members.

A published version never changes. A correction is made by the lead in two steps: edit the
findings (a correction draft nobody else sees, ``findings.is_correction_draft``), then
``correct_report`` with a reason, which freezes them into version n+1. Readers see the newest
version; older ones stay listed and readable.

The report's language is the organisation's: the language most of its leaders (leaders and
organisation admins) use, Bokmål on a tie or when it has none.
"""

from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _

from seqf import clock, workflow
from seqf.extensions import db
from seqf.models import MemberRole, ReportVersion, Review, ReviewKind, User
from seqf.reports import review_report
from seqf.services import audit, locks, mail, recommendations, review_scope
from seqf.services.assessments import MAX_TEXT
from seqf.services.errors import RuleViolation
from seqf.services.findings import finding_summaries
from seqf.services.review_comments import leaders_of
from seqf.urls import external_url

MEMBER_ROLES = (MemberRole.leader, MemberRole.org_admin, MemberRole.staff, MemberRole.viewer)


def report_language(review: Review) -> str:
    """The organisation's language: the majority of its leaders' languages; ``nb`` on a tie or none."""
    counts = Counter(user.language for user in leaders_of(review.organisation_id) if user.language in ("nb", "en"))
    ranked = counts.most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return "nb"
    return ranked[0][0]


def missing_areas(review: Review) -> dict[str, str]:
    """Covered areas without a finding or without a justification (code → what is missing)."""
    found = finding_summaries(review)
    missing = {}
    for area in review_scope.review_areas(review):
        f = found.get(area["code"])
        if f is None:
            missing[area["code"]] = "missing finding"
        elif not f.justification.strip():
            missing[area["code"]] = "missing justification"
    return missing


def readiness(review: Review) -> dict[str, str]:
    """What stops publication: missing areas, and ``outcome`` for a follow-up without one."""
    problems = missing_areas(review)
    if review.kind == ReviewKind.follow_up and review.outcome is None:
        problems["outcome"] = "missing outcome"
    return problems


def _freeze(actor: User, review: Review, number: int, reason: str = "") -> ReportVersion:
    content = review_report.build_content(review)
    version = ReportVersion(review_id=review.id, number=number, published_at=clock.now(), published_by_id=actor.id,
                            reason=reason, language=report_language(review), total=content["total"],
                            content=content)
    db.session.add(version)
    db.session.flush()
    recommendations.materialise(review, version)
    return version


def _tell_members(review: Review, version: ReportVersion) -> None:
    link = external_url("reviews.report", review_id=review.id)
    for user in leaders_of(review.organisation_id, MEMBER_ROLES):
        mail.queue_template(f"review-published:{review.id}:{version.number}:{user.id}", user, "review_published",
                            review=review, user=user, version=version, link=link)


def publish(actor: User, review: Review) -> ReportVersion:
    """Publish version 1 (lead revisor). Refused with 422 naming every missing area."""
    locks.lock(review)
    workflow.apply_transition("review", review, "publish", actor)
    problems = readiness(review)
    if problems:
        areas = [code for code in problems if code != "outcome"]
        parts = []
        if areas:
            parts.append(_("These areas have no finding with a justification yet: %(areas)s.", areas=", ".join(areas)))
        if "outcome" in problems:
            parts.append(_("Choose the outcome of the follow-up."))
        raise RuleViolation(" ".join(parts), fields=problems, code="not_ready")
    version = _freeze(actor, review, 1)
    review.published_at = version.published_at
    audit.record(actor, "review.published", review, f"Report published (total {version.total})",
                 review.organisation_id, data={"total": version.total, "number": 1})
    _tell_members(review, version)
    return version


def correct_report(actor: User, review: Review, reason: str) -> ReportVersion:
    """Freeze the corrected findings into the next version; the older versions stay as they were."""
    locks.lock(review)
    workflow.check_action("review", review, "correct_report", actor)
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Say what was corrected and why."), fields={"reason": _("A reason is required.")},
                            code="reason_required")
    if len(reason) > MAX_TEXT:
        raise RuleViolation(_("The text can be at most %(n)d characters.", n=MAX_TEXT),
                            fields={"reason": _("At most %(n)d characters.", n=MAX_TEXT)}, code="too_long")
    latest = review_report.latest_version(review)
    problems = missing_areas(review)
    if problems:
        raise RuleViolation(_("These areas have no finding with a justification yet: %(areas)s.",
                              areas=", ".join(problems)), fields=problems, code="not_ready")
    if latest is not None and review_report.build_content(review) == latest.content:
        raise RuleViolation(_("Nothing has changed since version %(n)d. Edit the findings first, then make the "
                              "correction.", n=latest.number), fields={"reason": _("Nothing to correct.")},
                            code="nothing_changed")
    version = _freeze(actor, review, (latest.number if latest else 0) + 1, reason)
    audit.record(actor, "review.corrected", review, f"Report corrected: version {version.number}",
                 review.organisation_id, data={"number": version.number, "reason": reason[:200]})
    _tell_members(review, version)
    return version


def has_correction_draft(review: Review) -> bool:
    """True when the findings differ from the newest published version (the lead has unsaved corrections)."""
    latest = review_report.latest_version(review)
    return latest is not None and review_report.build_content(review) != latest.content
