"""The pre-visit package: what the assigned revisors read before the visit, as a page, JSON and a ZIP.

It holds the organisation's latest consensus self-assessment (the review's round, else the latest
round with a recorded consensus) with the staff median and distribution from the round's RELEASED
snapshot only — a withheld area stays withheld, nothing is ever computed from the responses; the
evidence library (not archived); the previous review's findings from its latest report version; and
the action plan (``plan_follow_up.package_plan``: goals with health, last update and tasks).

``contents`` is the short list of titles the organisation's leaders see ("What the revisors
receive"); it never carries files.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from seqf import workflow
from seqf.extensions import db
from seqf.models import Evidence, ReportVersion, Review, Round, User
from seqf.paging import Page
from seqf.reports import exports
from seqf.services import audit, plan_follow_up, review_guards, review_scope, round_summary
from seqf.services import evidence as evidence_service
from seqf.services import instruments as instrument_service
from seqf.services import rounds as round_service
from seqf.services.errors import NotFound, ServiceError
from seqf.services.review_guards import PUBLISHED

DEFAULT_ZIP_MAX = 200 * 1024 * 1024
LEVELS = range(0, 6)


class PackageTooLarge(ServiceError):
    code = "package_too_large"
    status = 413


def require_package(review: Review, user: User) -> None:
    """The package: assigned revisors, in the states ``read_package`` allows; anyone else gets 404."""
    review_guards.require_revisor(review, user)
    if not workflow.allowed("review", review, "read_package", user):
        raise NotFound(_("No such review."))


# --- the self-assessment -------------------------------------------------------------------------

def source_round(review: Review) -> Round | None:
    """The review's round if it has a recorded consensus, else the organisation's latest such round."""
    if review.round_id is not None:
        chosen = db.session.get(Round, review.round_id)
        if (chosen is not None and chosen.organisation_id == review.organisation_id
                and chosen.consensus_recorded_at is not None):
            return chosen
    return db.session.scalar(
        sa.select(Round).where(Round.organisation_id == review.organisation_id,
                               Round.consensus_recorded_at.is_not(None))
        .order_by(Round.consensus_recorded_at.desc(), Round.id.desc()).limit(1))


def self_assessment(review: Review) -> dict | None:
    """Per covered area: the consensus and the released staff figures (None while withheld)."""
    round_ = source_round(review)
    if round_ is None:
        return None
    consensus = round_service.consensus_of(round_)
    summary = round_summary.round_summary(round_, with_comments=False)
    released = {entry["area"]: entry for entry in summary["areas"] if not entry["withheld"]}
    areas = []
    for area in review_scope.review_areas(review):
        code = area["code"]
        agreed = consensus.get(code)
        figures = released.get(code)
        areas.append({
            "area": code, "title": area["title"], "recorded": agreed is not None,
            "claimed": agreed.claimed if agreed else None, "score": agreed.score if agreed else None,
            "justification": agreed.justification if agreed else "",
            "withheld": figures is None,
            "staff_median": figures["median"] if figures else None,
            "distribution": ({str(level): figures["distribution"].get(str(level), 0) for level in LEVELS}
                             if figures else None),
            "responses": figures["responses"] if figures else None,
        })
    recorded = [a for a in areas if a["recorded"]]
    return {"round_id": round_.id, "title": round_.title,
            "closed_at": round_.closed_at, "consensus_recorded_at": round_.consensus_recorded_at,
            "withheld": summary["withheld"], "total": sum(a["score"] for a in recorded),
            "max_total": review_scope.max_total(review), "areas": areas}


# --- evidence ------------------------------------------------------------------------------------

EVIDENCE_PER_PAGE = 50  # the package pages show the library a page at a time (the ZIP and the API hold it all)


def _active_evidence(review: Review) -> sa.Select:
    return sa.select(Evidence).where(Evidence.organisation_id == review.organisation_id,
                                     Evidence.archived.is_(False))


def evidence_list(review: Review) -> list[Evidence]:
    """The organisation's evidence that is not archived, titles in order."""
    return list(db.session.scalars(
        _active_evidence(review).options(so.selectinload(Evidence.files)).order_by(Evidence.title, Evidence.id)))


EvidencePage = Page  # one page of the package's evidence, in title order, and how much there is in all


def evidence_page(review: Review, page: int = 1, per_page: int = EVIDENCE_PER_PAGE) -> EvidencePage:
    """Two statements (count and page, plus the page's files and tags) however large the library:
    an organisation with 1,000 documents is not one page."""
    page = max(1, page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_active_evidence(review).subquery()))
    items = list(db.session.scalars(
        _active_evidence(review).options(so.selectinload(Evidence.files)).order_by(Evidence.title, Evidence.id)
        .limit(per_page).offset((page - 1) * per_page)))
    return EvidencePage(items, page, per_page, total or 0)


def evidence_entry(evidence: Evidence) -> dict:
    file = evidence.current_file
    return {
        "id": evidence.id, "title": evidence.title, "description": evidence.description,
        "kind": "link" if evidence.is_link else "file", "url": evidence.url,
        "tags": [evidence_service.tag_code(*t) for t in evidence_service.tags_of(evidence)],
        "file": ({"filename": file.filename, "size": file.size, "sha256": file.sha256, "version": file.version,
                  "content_type": file.content_type} if file else None),
        "updated_at": evidence.updated_at,
    }


def package_evidence(review: Review, evidence_id: int) -> Evidence | None:
    """One piece of the package's evidence; None when it is unknown, archived or of another organisation."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.organisation_id != review.organisation_id or evidence.archived:
        return None
    return evidence


# --- the previous review -------------------------------------------------------------------------

def latest_report(review: Review) -> ReportVersion | None:
    return db.session.scalar(sa.select(ReportVersion).where(ReportVersion.review_id == review.id)
                             .order_by(ReportVersion.number.desc()).limit(1))


def previous_review(review: Review) -> dict | None:
    """The previous published review of the organisation with its latest report's findings."""
    previous = review.previous_review
    if previous is None or previous.organisation_id != review.organisation_id or previous.state not in PUBLISHED:
        return None
    version = latest_report(previous)
    content = (version.content or {}) if version is not None else {}
    areas = [{
        "area": str(a.get("code", "")), "title": a.get("title") or {}, "score": a.get("score"),
        "justification": a.get("justification") or "",
        "recommendations": [{"number": str(r.get("number", "")), "text": r.get("text", "")}
                            if isinstance(r, dict) else {"number": "", "text": str(r)}
                            for r in (a.get("recommendations") or [])],
    } for a in content.get("areas", []) if isinstance(a, dict)]
    return {"id": previous.id, "kind": previous.kind.value, "state": previous.state.value,
            "visit_starts_on": previous.visit_starts_on, "visit_ends_on": previous.visit_ends_on,
            "published_at": previous.published_at,
            "report_version": version.number if version else None,
            "total": version.total if version else None, "max_total": content.get("max_total"),
            "overall": content.get("overall") or "", "areas": areas}


# --- the package ---------------------------------------------------------------------------------

def package(review: Review, evidence: EvidencePage | None = None) -> dict:
    """Everything the revisors receive (caller checked ``require_revisor``); with ``evidence`` (the
    page) only that page of the library, as the HTML page shows it."""
    items = evidence.items if evidence is not None else evidence_list(review)
    return {"review_id": review.id, "organisation": {"id": review.organisation_id, "name": review.organisation.name},
            "self_assessment": self_assessment(review),
            "evidence": [evidence_entry(e) for e in items],
            "previous_review": previous_review(review),
            "action_plan": plan_follow_up.package_plan(review.organisation_id)}


def contents(review: Review, evidence: EvidencePage | None = None) -> dict:
    """Titles only, for the organisation's leaders: what the revisors receive, without any file
    (with ``evidence``: that page of the library only)."""
    round_ = source_round(review)
    previous = previous_review(review)
    items = evidence.items if evidence is not None else evidence_list(review)
    return {"self_assessment": {"round_id": round_.id, "title": round_.title} if round_ else None,
            "evidence": [{"id": e.id, "title": e.title, "kind": "link" if e.is_link else "file"}
                         for e in items],
            "previous_review": ({"id": previous["id"], "report_version": previous["report_version"]}
                                if previous else None),
            "action_plan": [{"goal_id": g["goal_id"], "title": g["title"]}
                            for g in plan_follow_up.package_plan(review.organisation_id)]}


# --- the ZIP -------------------------------------------------------------------------------------

def safe_name(name: str, fallback: str = "file") -> str:
    """A file name without any directory part, control characters or leading dots; at most 100 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE)
    name = name.lstrip("._-")
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 100 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:100]
    return name or fallback


def zip_limit() -> int:
    return int(current_app.config.get("PACKAGE_ZIP_MAX_BYTES", DEFAULT_ZIP_MAX))


def _title(text: dict | str) -> str:
    if isinstance(text, dict):
        from flask_babel import get_locale

        return instrument_service.localized(text, str(get_locale() or "nb"))
    return str(text or "")


def self_assessment_csv(assessment: dict) -> bytes:
    header = [_("Area"), _("Title"), _("Claimed (consensus)"), _("Score (consensus)"), _("Staff median"),
              _("Responses"), *[_("Level %(n)d", n=level) for level in LEVELS], _("Justification")]
    withheld = _("withheld")
    rows = []
    for a in assessment["areas"]:
        figures = ([withheld] * (2 + len(LEVELS)) if a["withheld"]
                   else [a["staff_median"], a["responses"], *[a["distribution"][str(lv)] for lv in LEVELS]])
        rows.append([a["area"], _title(a["title"]), a["claimed"], a["score"], *figures, a["justification"]])
    return exports.to_csv(header, rows)


def _readme(review: Review, data: dict, names: list[str], missing_report: bool) -> str:
    lines = [_("Pre-visit package for %(org)s (review %(id)d)", org=review.organisation.name, id=review.id), "",
             _("Contents:")]
    if data["self_assessment"]:
        lines.append("- self-assessment.csv: " + _(
            "the consensus per area from the round “%(title)s”, with the staff median and distribution where "
            "they were released (withheld areas say so).", title=data["self_assessment"]["title"]))
    else:
        lines.append("- " + _("No self-assessment with a recorded consensus yet."))
    lines.append("- evidence/: " + _("the latest version of every document in the evidence library; "
                                      "links are listed in evidence/links.txt."))
    if data["previous_review"] and not missing_report:
        lines.append("- previous-review/report.pdf: " + _("the report of the previous review (latest version)."))
    elif data["previous_review"]:
        lines.append("- " + _("The previous review's report could not be added; read it in seqf."))
    lines.append("- " + _("No action plan yet."))
    lines += ["", _("Files:"), *[f"  {n}" for n in names], "",
              _("Do not share this package outside the review. It contains no information about participants.")]
    return "\r\n".join(lines) + "\r\n"


def report_renderer_available() -> bool:
    """Whether the report PDF can be rendered in this build (``seqf.reports.review_report``)."""
    try:
        from seqf.reports import review_report  # noqa: F401
    except ImportError:
        return False
    return True


def previous_report_pdf(review: Review) -> bytes | None:
    previous = review.previous_review
    if previous is None or previous.organisation_id != review.organisation_id or previous.state not in PUBLISHED:
        return None
    try:
        from seqf.reports import review_report
    except ImportError:  # the report slice is not merged in this build
        return None
    version = review_report.latest_version(previous)
    return review_report.report_pdf(version) if version is not None else None


def package_zip(review: Review) -> bytes:
    """The package as a ZIP built in memory; 413 ``package_too_large`` above the configured size."""
    data = package(review)
    limit = zip_limit()
    files = [e for e in evidence_list(review) if not e.is_link and e.current_file is not None]
    if sum(e.current_file.size for e in files) > limit:
        raise PackageTooLarge(_("The package is too large to download at once. Download the documents one by one."))
    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if data["self_assessment"]:
            archive.writestr("self-assessment.csv", self_assessment_csv(data["self_assessment"]))
            names.append("self-assessment.csv")
        for evidence in files:
            file = evidence_service.evidence_file(evidence)
            name = f"evidence/{evidence.id}-{safe_name(file.filename)}"
            archive.writestr(name, file.data)
            names.append(name)
            db.session.expire(file, ["data"])  # one file's bytes in memory at a time
        links = [e for e in evidence_list(review) if e.is_link]
        if links:
            archive.writestr("evidence/links.txt", "\r\n".join(
                f"{e.id}\t{e.title}\t{e.url}" for e in links) + "\r\n")
            names.append("evidence/links.txt")
        pdf = previous_report_pdf(review) if data["previous_review"] else None
        if pdf:
            archive.writestr("previous-review/report.pdf", pdf)
            names.append("previous-review/report.pdf")
        archive.writestr("README.txt", _readme(review, data, names, missing_report=pdf is None).encode("utf-8"))
    return buffer.getvalue()


def record_download(actor: User, review: Review) -> None:
    audit.record(actor, "review.package_downloaded", review, f"Pre-visit package of review {review.id} downloaded",
                 review.organisation_id, data={"review_id": review.id})
