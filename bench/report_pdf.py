"""Time to typeset a full review report PDF (target ≤ 2 s).

Run from the repository root with ``python -m bench.report_pdf``. It builds a fresh SQLite database
in a temporary directory: an organisation, a published previous review, and a certification review
whose nine findings carry long justifications, strengths, what to improve, five recommendations each
and a change reason, plus the organisation's comments and an overall picture. The report is then
typeset ``RUNS`` times without the cache (``review_report.render_pdf_bytes``), and once through
``report_pdf`` (first render, stored) and again (served from ``ReportVersion.pdf``). The table goes
to stdout and into the report-PDF section of ``bench/README.md``. The tests check the PDF's text;
time is measured here.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from seqf import clock, create_app
from seqf.extensions import db
from seqf.models import (
    MemberRole,
    Membership,
    Organisation,
    Review,
    ReviewKind,
    ReviewRevisor,
    ReviewState,
    RevisorRole,
    User,
)
from seqf.passwords import hash_password
from seqf.reports import review_report
from seqf.services import assessments, publication
from seqf.services import evidence as evidence_service
from seqf.services import findings as finding_service
from seqf.services import instruments as instrument_service

README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- report-pdf:start -->", "<!-- report-pdf:end -->"
RUNS = 7
TARGET_S = 2.0
PARAGRAPH = ("Tjenesten har en skriftlig rutine for oppfølging av arbeidsgivere, og den brukes i praksis. "
             "Jobbspesialistene beskrev hvordan de planlegger første møte, og arbeidsgiverne bekreftet det. ")


def _user(name: str, email: str) -> User:
    user = User(name=name, email=email, password_hash=hash_password("benk-benk-benk-benk"), language="nb")
    db.session.add(user)
    return user


def _review(org: Organisation, lead: User, co: User, previous: Review | None) -> Review:
    starts = clock.today() - dt.timedelta(days=10)
    review = Review(organisation=org, instrument=instrument_service.current_instrument("seqf"),
                    kind=ReviewKind.certification, state=ReviewState.planned, visit_starts_on=starts,
                    visit_ends_on=starts + dt.timedelta(days=1), previous_review_id=previous.id if previous else None)
    review.revisors = [ReviewRevisor(user=lead, role=RevisorRole.lead, position=0),
                       ReviewRevisor(user=co, role=RevisorRole.co, position=1)]
    db.session.add(review)
    db.session.flush()
    return review


def _findings(review: Review, lead: User, evidence_id: int, level: int, change: bool) -> None:
    for n in range(1, 10):
        data = assessments.AreaData(
            area=str(n), justification=PARAGRAPH * 4, strengths=PARAGRAPH * 2,
            recommendations=[f"Anbefaling {i}: {PARAGRAPH[:140]}" for i in range(1, 6)],
            steps=[assessments.StepData(level=s, met=True, evidence_ids=[evidence_id]) for s in range(1, level + 1)])
        finding_service.record_finding(lead, review, data, improvements=PARAGRAPH * 2,
                                       change_reason="Nye rutiner er tatt i bruk siden forrige revisjon." if change
                                       else "")


def build() -> Review:
    org = Organisation(name="Benkmerke Jobbsenter AS")
    db.session.add(org)
    leader = _user("Lise Leder", "leder@benk.local")
    lead, co = _user("Rita Revisor", "rita@benk.local"), _user("Carl Medrevisor", "carl@benk.local")
    db.session.add(Membership(user=leader, organisation=org, role=MemberRole.leader))
    db.session.flush()
    item = evidence_service.add_link_evidence(leader, org, title="Rutine for arbeidsgiverkontakt",
                                              url="https://example.no/rutine")
    previous = _review(org, lead, co, None)
    _findings(previous, lead, item.id, 2, change=False)
    finding_service.save_overall(lead, previous, PARAGRAPH * 3)
    publication.publish(lead, previous)
    review = _review(org, lead, co, previous)
    _findings(review, lead, item.id, 4, change=True)
    finding_service.save_overall(lead, review, PARAGRAPH * 5)
    db.session.commit()
    return review


def main() -> None:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "SMTP_HOST": None, "RATELIMIT_STORAGE_URI": "memory://",
                          "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "BASE_URL": "http://bench.local"})
        with app.test_request_context("/"):
            db.create_all()
            review = build()
            version = publication.publish(review.lead, review)
            db.session.commit()
            times = []
            size = 0
            for _ in range(RUNS):
                started = time.perf_counter()
                size = len(review_report.render_pdf_bytes(version.content, version.language, version=version))
                times.append(time.perf_counter() - started)
            started = time.perf_counter()
            review_report.report_pdf(version)
            first = time.perf_counter() - started
            db.session.commit()
            db.session.expire_all()
            started = time.perf_counter()
            review_report.report_pdf(version)
            cached = time.perf_counter() - started
            db.session.remove()
    kb = f"{size / 1024:,.0f}"
    rows = [f"| typeset (no cache), {RUNS} runs | {min(times):.2f} | {statistics.median(times):.2f} | {kb} |",
            f"| `report_pdf()` first call (typeset + store) | {first:.2f} | {first:.2f} | {kb} |",
            f"| `report_pdf()` again (from `ReportVersion.pdf`) | {cached:.3f} | {cached:.3f} | {kb} |"]
    for row in rows:
        print(row, flush=True)
    verdict = "meets" if statistics.median(times) <= TARGET_S else "MISSES"
    section = "\n".join([
        START, "", "## Review report PDF", "",
        "Generated by `python -m bench.report_pdf`, which rewrites only this section. A certification "
        "report with nine long findings (justification, strengths, what to improve, five recommendations, "
        "change reason), a previous review, comments and the radar chart, typeset by WeasyPrint. "
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, run on "
        f"{time.strftime('%Y-%m-%d')}; load average (1 min) at start / end: {load[0]:.1f} / "
        f"{os.getloadavg()[0]:.1f}.", "",
        "| what | fastest s | median s | PDF KB |", "|---|---:|---:|---:|", *rows, "",
        f"The median {verdict} the target of {TARGET_S:.0f} s. A published version never changes, so it is "
        "typeset once and then served from the database.", "", END, ""])
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if START in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    README.write_text(text, encoding="utf-8")
    print(f"written to {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
