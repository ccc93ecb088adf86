"""Helpers for the package and agenda tests: a review whose organisation has a consensus round,
evidence (a file and a link), another organisation's evidence, and a previous published review."""

from __future__ import annotations

from types import SimpleNamespace

from seqf.extensions import db
from seqf.models import ReportVersion, ReviewState
from seqf.services import evidence as evidence_service
from seqf.services import rounds as round_service
from tests.web.review_helpers import make_review, review_cast
from tests.web.round_helpers import answer, close, fully_documented, link_evidence, open_round

WITHHELD_AREA = "3"  # only one member of staff answered it: its figures are never released
LONE_SCORE = 4  # what that one person answered (must never appear as a staff figure)


def consensus_round(c, evidence):
    """Three staff answer areas 1 and 2 (released); one of them also area 3 (withheld)."""
    round_ = open_round(c.leader, c.org, title="Høstrunden")
    for i, person in enumerate(c.staff):
        scores = {"1": 3, "2": 2}
        if i == 0:
            scores[WITHHELD_AREA] = LONE_SCORE
        answer(person, round_, scores, comments={"1": "Hemmelig kommentar fra en ansatt"}, evidence_id=evidence.id)
    close(c.leader, round_)
    agreed = []
    for code, level in (("1", 3), ("2", 2), (WITHHELD_AREA, 2)):
        data = fully_documented(code, level, evidence.id)
        data.justification = f"Begrunnelse for område {code}"
        agreed.append(data)
    round_service.record_consensus(c.leader, round_, agreed)
    db.session.commit()
    return round_


def visit_world(make_org, make_user, *, state=ReviewState.planned, with_previous=True):
    c = review_cast(make_org, make_user)
    c.link = link_evidence(c.leader, c.org, title="Rutine for oppfølging")
    c.file = evidence_service.add_file_evidence(c.leader, c.org, title="Årsrapport 2025", filename="årsrapport.txt",
                                                data=b"Rapport om kvalitetsarbeidet\n", tags=["1", "2.1"])
    c.archived = evidence_service.add_link_evidence(c.leader, c.org, title="Gammel rutine", url="https://example.no/g")
    evidence_service.archive_evidence(c.leader, c.archived)
    db.session.commit()
    c.round = consensus_round(c, c.link)
    c.other_org = make_org(name="Annen Arbeid AS")
    c.other_leader = make_user(org=c.other_org, member_role="leader", name="Annen Leder")
    c.foreign = evidence_service.add_file_evidence(c.other_leader, c.other_org, title="Fremmed dokument",
                                                   filename="fremmed.txt", data=b"ikke deres\n")
    db.session.commit()
    previous = None
    if with_previous:
        previous = make_review(c.org, c.lead, state=ReviewState.published, starts_in_days=-900)
        from seqf.reports.review_report import build_content

        base = build_content(previous)  # the full shape the report templates expect

        def version(number: int, total: int, overall: str, score: int, justification: str, recommendation: str,
                    **extra) -> ReportVersion:
            first = {**base["areas"][0], "score": score, "justification": justification,
                     "recommendations": [{"number": "1.1", "text": recommendation}]}
            return ReportVersion(review_id=previous.id, number=number, total=total, **extra,
                                 content={**base, "total": total, "overall": overall,
                                          "areas": [first, *base["areas"][1:]]})

        db.session.add(version(1, 20, "Godt arbeid.", 3, "Tidligere begrunnelse", "Skriv en rutine"))
        db.session.add(version(2, 21, "Godt arbeid (rettet).", 4, "Rettet begrunnelse", "Skriv en bedre rutine",
                               reason="Retting"))
        db.session.commit()
    c.previous = previous
    c.review = make_review(c.org, c.lead, co=[c.co], state=state,
                           previous_review_id=previous.id if previous else None)
    return SimpleNamespace(**vars(c))
