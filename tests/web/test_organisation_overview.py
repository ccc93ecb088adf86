"""The organisation's front page shows the open round, the latest agreed total and the library size."""

from __future__ import annotations

from seqf.extensions import db
from seqf.services import rounds as round_service
from tests.web.round_helpers import make_team, open_round


def test_overview_shows_round_progress_latest_result_and_library(client, auth, make_org, make_user):
    org, leader, staff = make_team(make_org, make_user, staff=3)
    auth.login(staff[0])
    page = client.get(f"/organisations/{org.id}/").get_data(as_text=True)
    assert "Ingen runde er åpen." in page and "Ingen konsensus er registrert ennå." in page

    done = open_round(leader, org, title="Høstrunden")
    round_service.close_round(leader, done)
    round_service.record_consensus(leader, done, [round_service.assessments.AreaData(
        area="1", steps=[round_service.assessments.StepData(level=1, met=True)])])
    db.session.commit()
    current = open_round(leader, org, title="Vårrunden")
    page = client.get(f"/organisations/{org.id}/").get_data(as_text=True)
    assert "Vårrunden" in page and "av 4 har sendt inn" in page  # 3 staff + the leader are invited
    assert f"/rounds/{current.id}" in page
    assert "Høstrunden" in page and f"/rounds/{done.id}/results" in page and "av 45" in page


def test_overview_for_a_network_coordinator_without_membership_has_no_status(client, auth, make_org, make_user):
    org = make_org()
    auth.login(make_user(roles=("coordinator",)))
    page = client.get(f"/organisations/{org.id}/").get_data(as_text=True)
    assert "Egenvurdering nå" not in page
