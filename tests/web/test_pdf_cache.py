"""Typeset PDFs are kept by the HTML they come from (``seqf.reports.typeset_cache``): the same plan,
meeting or report is typeset once; a change to the plan, or a new report version, gives new HTML and
so a new PDF — nothing to invalidate, nothing to forget."""

from __future__ import annotations

import pytest

from seqf.extensions import db
from seqf.reports import typeset_cache
from seqf.services import goal_updates
from tests.web.plan_helpers import add_goal, plan_cast


@pytest.fixture
def typesets(monkeypatch):
    """Count WeasyPrint runs (the cache starts empty)."""
    import weasyprint

    typeset_cache.clear()
    calls = []
    original = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    yield calls
    typeset_cache.clear()


def test_the_cache_is_keyed_by_the_html():
    typeset_cache.clear()
    made = []

    def make(text: str):
        return lambda: made.append(text) or text.encode()

    assert typeset_cache.typeset("<p>a</p>", make("a")) == b"a"
    assert typeset_cache.typeset("<p>a</p>", make("again")) == b"a"
    assert typeset_cache.typeset("<p>b</p>", make("b")) == b"b"
    assert made == ["a", "b"]
    typeset_cache.clear()


def test_the_cache_stays_within_its_bytes(monkeypatch):
    typeset_cache.clear()
    monkeypatch.setattr(typeset_cache._cache, "max_bytes", 100)
    for n in range(10):
        typeset_cache.typeset(f"<p>{n}</p>", lambda: b"x" * 20)
    assert typeset_cache.size() <= 100 and typeset_cache.entries() == 5
    typeset_cache.clear()


def test_a_plan_change_gives_a_new_plan_pdf(client, auth, make_org, make_user, typesets):
    cast = plan_cast(make_org, make_user)
    goal = add_goal(cast)
    auth.login(cast.leader)
    path = f"/organisations/{cast.org.id}/plan.pdf"
    first = client.get(path)
    assert first.status_code == 200 and len(typesets) == 1
    assert client.get(path).data == first.data and len(typesets) == 1  # unchanged plan: not typeset again
    goal_updates.add_update(cast.leader, goal, "at_risk", "Ny kontaktperson hos NAV")
    db.session.commit()
    changed = client.get(path)
    assert changed.status_code == 200 and len(typesets) == 2 and changed.data != first.data


def test_a_correction_gives_a_new_report_pdf_and_the_old_one_stays(make_org, make_user, typesets):
    from seqf.reports import review_report
    from seqf.services import findings as finding_service
    from seqf.services import publication
    from tests.web.findings_helpers import finding, record_all, setup

    cast = setup(make_org, make_user)
    record_all(cast.review, cast.lead, cast.evidence.id)
    first = publication.publish(cast.lead, cast.review)
    db.session.commit()
    before = review_report.report_pdf(first)
    assert len(typesets) == 1
    finding_service.record_finding(cast.lead, cast.review, finding("4", 1, cast.evidence.id, "Corrected text"))
    second = publication.correct_report(cast.lead, cast.review, "Area 4 corrected")
    db.session.commit()
    after = review_report.report_pdf(second)
    assert len(typesets) == 2 and after != before
    assert review_report.report_pdf(first) == before and len(typesets) == 2  # version 1 is kept as it was
