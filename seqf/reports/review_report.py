"""The review report: its content (frozen into ``ReportVersion.content`` at publication), the radar
chart, and the typeset PDF.

``build_content`` reads the current findings, overall picture and comments; publication and
corrections store its result and never touch it again. The HTML page and the PDF both render
from that dict, so a published version reads the same years later whatever changes in the
findings. A draft (before publication, or the lead's correction draft) is the same dict built
live and never stored.

Content contract (other slices read it): ``{"kind", "organisation": {"id","name"}, "visit_starts_on",
"visit_ends_on", "mode", "revisors": [{"name","role"}], "instrument": {"slug","version"}, "areas": [{"code",
"title": {nb,en}, "score", "claimed", "justification", "strengths", "improvements",
"recommendations": [{"number","text"}], "change_reason", "consensus_score", "consensus_claimed",
"staff_median", "previous_score", "steps": [{"step","met","evidence": [titles]}]}], "total", "claimed_total",
"max_total", "overall", "comments": {area|"overall": text}, "outcome", "previous_review_id",
"previous_total", "action_plan": [{"goal_id","title","state","health","areas","owner","due_on",
"updates": [{"at","health","note","author"}], "tasks_done","tasks_open","comment"}] (follow-ups; else [])}``.
Versions stored before issue 8 have no ``action_plan``: readers use ``content.get("action_plan") or []``.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from seqf.extensions import db
from seqf.markdown import render_markdown
from seqf.models import ReportVersion, Review
from seqf.reports import radar
from seqf.services import findings as finding_service
from seqf.services import plan_follow_up, review_scope


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def build_content(review: Review) -> dict[str, Any]:
    """Everything the report shows, as JSON-able data (see the module docstring)."""
    from seqf.services.review_comments import comments_of

    found = finding_service.findings_of(review)
    consensus = finding_service.consensus_of(review)
    staff = finding_service.staff_view(review)
    previous = finding_service.previous_findings(review)
    areas = []
    for area in review_scope.review_areas(review):
        code = area["code"]
        f = found.get(code)
        compared = finding_service.comparison(review, code, consensus=consensus, staff=staff, previous=previous)
        previous_score = compared["previous"]["score"] if compared["previous"] else None
        score = f.score if f else 0
        areas.append({
            "code": code,
            "title": dict(area["title"]),
            "score": score,
            "claimed": f.claimed if f else 0,
            "justification": f.justification if f else "",
            "strengths": f.strengths if f else "",
            "improvements": f.improvements if f else "",
            "recommendations": finding_service.numbered(code, list(f.recommendations or [])) if f else [],
            "change_reason": (f.change_reason if f and previous_score is not None and previous_score != score
                              else ""),
            "consensus_score": compared["consensus"]["score"] if compared["consensus"] else None,
            "consensus_claimed": compared["consensus"]["claimed"] if compared["consensus"] else None,
            "staff_median": (compared["staff"]["median"] if compared["staff"] and not compared["staff"]["withheld"]
                             else None),
            "previous_score": previous_score,
            "steps": ([{"step": s.level, "met": s.met, "evidence": sorted(e.title for e in s.evidence)}
                       for s in sorted(f.steps, key=lambda s: s.level)] if f else []),
        })
    previous_version = finding_service.latest_report(review.previous_review)
    content = {
        "review_id": review.id,
        "kind": review.kind.value,
        "mode": review.mode.value,
        "organisation": {"id": review.organisation_id, "name": review.organisation.name},
        "visit_starts_on": _iso(review.visit_starts_on),
        "visit_ends_on": _iso(review.visit_ends_on),
        "revisors": [{"name": r.user.name, "role": r.role.value} for r in review.revisors],
        "instrument": {"slug": review.instrument.slug, "version": review.instrument.version},
        "areas": areas,
        "total": sum(a["score"] for a in areas),
        "claimed_total": sum(a["claimed"] for a in areas),
        "max_total": review_scope.max_total(review),
        "overall": review.overall or "",
        "comments": {area: c.text for area, c in sorted(comments_of(review).items())},
        "outcome": review.outcome.value if review.outcome else None,
        "previous_review_id": review.previous_review_id,
        "previous_total": previous_version.total if previous_version else None,
    }
    content.update(_action_plan(review))
    return content


def _action_plan(review: Review) -> dict[str, Any]:
    """The plan as the report shows it. Once published it stays as first published (a correction
    changes findings, not the plan's history), so later plan changes never look like a correction."""
    if review.state in finding_service.FROZEN:
        latest = finding_service.latest_report(review)
        if latest is not None:
            return {"action_plan": latest.content["action_plan"]} if "action_plan" in latest.content else {}
    return {"action_plan": plan_follow_up.report_rows(review)}


def versions(review: Review, with_content: bool = True) -> list[ReportVersion]:
    """Every published version, newest first; without ``with_content`` a version's content is loaded
    when read (a page lists every version but shows one)."""
    return list(db.session.scalars(_versions_query(with_content), {"review_id": review.id}))


@functools.cache
def _versions_query(with_content: bool) -> sa.Select:
    """``versions``' statement, built once per shape with the review as a parameter."""
    query = (sa.select(ReportVersion).where(ReportVersion.review_id == sa.bindparam("review_id"))
             .order_by(ReportVersion.number.desc()))
    return query if with_content else query.options(so.defer(ReportVersion.content))


def latest_version(review: Review) -> ReportVersion | None:
    return finding_service.latest_report(review)


def version_of(review: Review, number: int) -> ReportVersion | None:
    return db.session.scalar(sa.select(ReportVersion).where(ReportVersion.review_id == review.id,
                                                            ReportVersion.number == number))


def area_title(area: dict, language: str) -> str:
    title = area.get("title") or {}
    return title.get(language) or title.get("nb") or title.get("en") or area["code"]


def radar_chart(content: dict, language: str, id_prefix: str = "report-radar", size: int = 520,
                font_size: int | None = None, compact: bool = False) -> str | None:
    """Review against self-assessment against previous review; None with fewer than three areas.

    ``compact`` labels the axes with the area codes only (a phone; the summary table names them)."""
    areas = content.get("areas", [])
    if len(areas) < 3:
        return None
    axes = [a["code"] if compact else f"{a['code']} {area_title(a, language)}" for a in areas]
    series = [(_("Review"), [a["score"] for a in areas], "primary")]
    if any(a.get("consensus_score") is not None for a in areas):
        series.append((_("Self-assessment (consensus)"), [a.get("consensus_score") for a in areas], "secondary"))
    if any(a.get("previous_score") is not None for a in areas):
        series.append((_("Previous review"), [a.get("previous_score") for a in areas], "muted"))
    return _radar_svg(tuple(axes), tuple((label, tuple(values), style) for label, values, style in series),
                      size, _("Scores per quality area"), id_prefix, font_size)


@functools.lru_cache(maxsize=256)
def _radar_svg(axes: tuple, series: tuple, size: int, title: str, id_prefix: str, font_size: int | None) -> str:
    """``radar.radar_svg`` remembered: it is a pure function of these values (scores and words
    included in the key), and drawing the chart twice per report page cost more than the rest of it."""
    return radar.radar_svg(list(axes), [(label, list(values), style) for label, values, style in series],
                           max_value=5, size=size, title=title, id_prefix=id_prefix, font_size=font_size)


@functools.lru_cache(maxsize=512)
def prose(text: str | None) -> Markup:
    """A report text (justification, strengths, overall picture) as sanitised HTML, remembered.

    ``render_markdown`` is a pure function of the text and a published version's texts never change,
    so the same text always gives the same HTML: caching by the text itself is correct for everyone
    who may read it, needs no invalidation, and saves the Markdown pass (about a third of the page's
    CPU) on every view of a report. Bounded to 512 texts per worker."""
    return render_markdown(text)


def render_context(content: dict, language: str, *, version: ReportVersion | None = None,
                   draft: bool = False, id_prefix: str = "report-radar", compact: bool = False) -> dict[str, Any]:
    """What ``_report_body.html`` needs; ``compact`` adds the phone's radar (area codes only)."""
    chart = radar_chart(content, language, id_prefix=id_prefix)
    small = (radar_chart(content, language, id_prefix=id_prefix + "-compact", size=320, font_size=12, compact=True)
             if compact else None)
    return {"content": content, "report_language": language, "version": version, "draft": draft,
            "radar": Markup(chart) if chart else None,  # built from escaped parts (seqf.reports.radar)
            "radar_compact": Markup(small) if small else None,
            "visit_starts": _date(content.get("visit_starts_on")), "visit_ends": _date(content.get("visit_ends_on")),
            "area_title": lambda area: area_title(area, language), "iso_date": _date, "prose": prose}


def render_pdf_bytes(content: dict, language: str, version: ReportVersion | None = None, draft: bool = False) -> bytes:
    from seqf.reports.pdf import render_pdf

    with force_locale(language):
        context = render_context(content, language, version=version, draft=draft, id_prefix="pdf-radar")
    return render_pdf("pdf/report.html", language=language, **context)


def report_pdf(version: ReportVersion) -> bytes:
    """The version's PDF, typeset once and cached in ``ReportVersion.pdf`` (it never changes)."""
    if version.pdf:
        return version.pdf
    started = time.perf_counter()
    data = render_pdf_bytes(version.content, version.language, version=version)
    version.pdf = data
    db.session.flush()
    current_app.logger.info("report PDF for review %s v%s typeset in %.2f s", version.review_id, version.number,
                            time.perf_counter() - started)
    return data


def draft_pdf(review: Review, language: str) -> bytes:
    """A draft's PDF, built live and never cached (the findings may change any moment)."""
    return render_pdf_bytes(build_content(review), language, draft=True)


def pdf_download(review: Review, version: ReportVersion | None) -> tuple[bytes, str]:
    """The PDF and its file name: a published version (cached), or the current draft (never stored)."""
    from seqf.services import publication

    if version is None:
        return draft_pdf(review, publication.report_language(review)), f"report-{review.id}-draft.pdf"
    return report_pdf(version), f"report-{review.id}-v{version.number}.pdf"
