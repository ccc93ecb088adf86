"""An organisation's trend: the scores of published reviews (latest report version, follow-ups only
for their areas), recorded self-assessment consensus, the change since the last review with its
reason — and who may read it."""

from __future__ import annotations

import datetime as dt

import pytest

from seqf import clock
from seqf.extensions import db
from seqf.models import AreaAssessment, ReviewKind, ReviewState, Round, RoundState
from seqf.services import instruments as instrument_service
from seqf.services import trend as trend_service
from tests.web.network_helpers import report
from tests.web.review_helpers import make_review, review_cast


def consensus_round(org, leader, scores: dict[str, int], recorded: dt.datetime | None) -> Round:
    """A closed round with the given consensus scores (``recorded`` None: not recorded yet)."""
    round_ = Round(organisation=org, instrument=instrument_service.current_instrument("seqf"), title="Runde",
                   closes_on=clock.today(), state=RoundState.closed, created_by_id=leader.id,
                   closed_at=clock.now(), consensus_recorded_at=recorded)
    db.session.add(round_)
    db.session.flush()
    for code, score in scores.items():
        db.session.add(AreaAssessment(consensus_round_id=round_.id, area=code, claimed=score, score=score))
    db.session.commit()
    return round_


@pytest.fixture
def history(make_org, make_user):
    """A certification two years ago (corrected once), a follow-up of areas 1–2 last year, a
    recertification this year, and two rounds (one recorded, one not), plus a draft review."""
    cast = review_cast(make_org, make_user, staff=1)
    org, lead = cast.org, cast.lead
    first = make_review(org, lead, state=ReviewState.decided, starts_in_days=-730)
    report(first, {str(n): 1 for n in range(1, 10)})
    report(first, {**{str(n): 2 for n in range(1, 10)}}, number=2)  # the correction counts
    follow_up = make_review(org, lead, state=ReviewState.published, kind=ReviewKind.follow_up,
                            starts_in_days=-365, areas=["1", "2"])
    report(follow_up, {"1": 3, "2": 3, "3": 5})  # area 3 is not the follow-up's: left out
    recert = make_review(org, lead, state=ReviewState.decided, kind=ReviewKind.recertification,
                         starts_in_days=-10)
    report(recert, {**{str(n): 4 for n in range(1, 10)}, "1": 2}, reasons={"1": "Færre ansatte",
                                                                          "5": "Nye rutiner"})
    draft = make_review(org, lead, state=ReviewState.drafting, starts_in_days=-1)
    report(draft, {"1": 0})  # not published: never in the trend
    recorded = consensus_round(org, cast.leader, {"1": 3, "5": 2}, clock.now() - dt.timedelta(days=400))
    consensus_round(org, cast.leader, {"1": 5}, None)
    cast.reviews = (first, follow_up, recert)
    cast.round = recorded
    return cast


def _area(trend: list[dict], code: str) -> dict:
    return next(a for a in trend if a["area"] == code)


def test_points_per_area_in_date_order(app, history):
    first, follow_up, recert = history.reviews
    trend = trend_service.organisation_trend(history.leader, history.org)
    assert [a["area"] for a in trend][:9] == [str(n) for n in range(1, 10)]
    area1 = _area(trend, "1")
    assert [(p["source"], p.get("review_id") or p.get("round_id"), p["score"]) for p in area1["points"]] == [
        ("review", first.id, 2), ("self_assessment", history.round.id, 3), ("review", follow_up.id, 3),
        ("review", recert.id, 2)]
    assert area1["points"][0]["kind"] == "certification"
    assert area1["points"][0]["date"] == first.visit_starts_on
    area3 = _area(trend, "3")
    assert [p["score"] for p in area3["points"]] == [2, 4]  # not the follow-up's area
    assert area3["title"]["en"]


def test_change_since_the_last_review_with_the_reason(app, history):
    trend = trend_service.organisation_trend(history.leader, history.org)
    assert _area(trend, "1")["change"] == {"from": 3, "to": 2, "reason": "Færre ansatte",
                                           "review_id": history.reviews[2].id}
    assert _area(trend, "5")["change"]["reason"] == "Nye rutiner"
    assert _area(trend, "5")["change"]["from"] == 2


def test_previous_score_in_the_report_wins(app, make_org, make_user):
    cast = review_cast(make_org, make_user, staff=0)
    only = make_review(cast.org, cast.lead, state=ReviewState.published, starts_in_days=-3)
    report(only, {"1": 4}, previous={"1": 1}, reasons={"1": "Bedre"})
    trend = trend_service.organisation_trend(cast.leader, cast.org)
    assert _area(trend, "1")["change"] == {"from": 1, "to": 4, "reason": "Bedre", "review_id": only.id}
    assert _area(trend, "2")["change"] is None and _area(trend, "2")["points"] == []


@pytest.mark.parametrize("who", ["leader", "org_admin", "staff", "coordinator"])
def test_members_and_coordinators_read_the_trend(client, auth, history, who):
    user = history.staff[0] if who == "staff" else getattr(history, who)
    auth.login(user)
    response = client.get(f"/organisations/{history.org.id}/trend")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 9
    assert "Færre ansatte" in page
    assert "<table" in page and "<title" in page and "<desc" in page


@pytest.mark.parametrize("who", ["lead", "other_revisor"])
def test_outsiders_get_404(client, auth, history, who):
    auth.login(getattr(history, who))
    assert client.get(f"/organisations/{history.org.id}/trend").status_code == 404


def test_unknown_organisation_is_404(client, auth, history):
    auth.login(history.coordinator)
    assert client.get("/organisations/999999/trend").status_code == 404


def test_an_organisation_without_history_says_so(client, auth, make_org, make_user):
    org = make_org(name="Ny AS")
    leader = make_user(org=org, member_role="leader")
    auth.login(leader)
    page = client.get(f"/organisations/{org.id}/trend").get_data(as_text=True)
    assert "Nothing to show yet" in page or "Ingenting å vise" in page


def test_the_organisation_menu_links_the_trend(client, auth, history):
    auth.login(history.staff[0])
    page = client.get(f"/organisations/{history.org.id}/").get_data(as_text=True)
    assert f'href="/organisations/{history.org.id}/trend"' in page


def test_the_trend_costs_the_same_statements_for_more_history(app, history):
    from flask import g

    from seqf.models import Organisation, User
    from tests.web.test_summary_queries import counting

    org_id, leader_id = history.org.id, history.leader.id

    def measure() -> int:
        """Statements of one cold reading (empty session and request cache)."""
        db.session.expunge_all()
        g.pop("member_roles", None)
        org, leader = db.session.get(Organisation, org_id), db.session.get(User, leader_id)
        with counting() as statements:
            trend_service.organisation_trend(leader, org)
        return len(statements)

    before = measure()
    for days in (900, 1200):
        extra = make_review(db.session.get(Organisation, org_id), history.lead, state=ReviewState.decided,
                            starts_in_days=-days)
        report(extra, {"1": 1})
    consensus_round(db.session.get(Organisation, org_id), db.session.get(User, leader_id), {"1": 1},
                    clock.now() - dt.timedelta(days=800))
    assert measure() == before
