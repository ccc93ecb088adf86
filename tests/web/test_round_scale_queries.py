"""Round pages cost the same for a small and a larger organisation (issue 9).

The summary shows counts and one page of names (never what anyone answered); the fill and
consensus forms list the evidence library once per page, not once per step. Statement counts are
asserted equal for a small and a larger round (names per page lowered so that the larger one
spans several pages while the test world stays small).
"""

from __future__ import annotations

import re

import pytest

from seqf.extensions import db
from seqf.models import Round
from seqf.services import evidence as evidence_service
from seqf.services import round_participants, round_progress
from seqf.services import rounds as round_service
from tests.web.helpers import text
from tests.web.round_helpers import answer, open_round
from tests.web.test_summary_queries import counting

PER_PAGE = 4


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(round_progress, "NAMES_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(round_participants, "UNFLAGGED_PER_PAGE", PER_PAGE)


def _world(make_org, make_user, staff: int, library: int, submitted: int = 1):
    """An open round: a leader who takes part, ``staff`` staff, ``library`` documents, ``submitted`` answers."""
    org = make_org()
    leader = make_user(org=org, member_role="leader")
    people = [make_user(org=org, member_role="staff", name=f"Ansatt {i:02d}") for i in range(staff)]
    for n in range(library):
        evidence_service.add_link_evidence(leader, org, title=f"Dokument {n}", url=f"https://example.no/{n}")
    round_ = open_round(leader, org, participant_ids=[leader.id, *[u.id for u in people]])
    for user in people[:submitted]:
        answer(user, round_, {"1": 2}, comments={"1": f"Hemmelig svar fra {user.name}"})
    db.session.commit()
    return leader.email, round_.id, people


def _count(client, path: str) -> int:
    db.session.expunge_all()
    with counting() as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)


PAGES = ["/rounds/{id}", "/rounds/{id}/summary", "/rounds/{id}/summary?who=not_submitted",
         "/rounds/{id}/summary?q=Ansatt&page=2", "/rounds/{id}/fill", "/rounds/{id}/fill?area=3",
         "/rounds/{id}/fill?people=2", "/rounds/{id}/submit"]


def test_round_pages_run_as_many_statements_for_3_as_for_12_participants(client, auth, make_org, make_user):
    small = _world(make_org, make_user, staff=3, library=1)
    large = _world(make_org, make_user, staff=12, library=10, submitted=6)
    counts = []
    for leader, round_id, _people in (small, large):
        auth.logout()
        assert auth.login(leader).status_code == 302
        for path in PAGES:  # warm (first use of an instrument in this process parses it)
            client.get(path.format(id=round_id))
        counts.append({path: _count(client, path.format(id=round_id)) for path in PAGES})
    assert counts[0] == counts[1], counts


def test_summary_shows_counts_and_a_page_of_names_never_answers(client, auth, make_org, make_user):
    leader, round_id, people = _world(make_org, make_user, staff=6, library=0, submitted=2)
    auth.login(leader)
    page = text(client.get(f"/rounds/{round_id}/summary"))
    counts = re.sub(r"\s+", " ", page[page.index("progress-counts"):page.index("</dl>", page.index("progress-counts"))])
    assert re.findall(r"<dd>(\d+)</dd>", counts) == ["7", "2", "5"]  # invited, submitted, not submitted (no drafts)
    assert page.count('class="people__item"') == PER_PAGE
    assert "Hemmelig svar" not in page  # who has submitted, never what
    assert 'class="pagination"' in page
    second = text(client.get(f"/rounds/{round_id}/summary?page=2"))
    assert second.count('class="people__item"') == 7 - PER_PAGE
    waiting = text(client.get(f"/rounds/{round_id}/summary?who=not_submitted"))
    assert people[0].name not in waiting and people[1].name not in waiting
    assert people[2].name in waiting
    found = text(client.get(f"/rounds/{round_id}/summary?q=ansatt 05"))
    assert found.count('class="people__item"') == 1 and "Ansatt 05" in found
    nobody = text(client.get(f"/rounds/{round_id}/summary?q=%25"))
    assert nobody.count('class="people__item"') == 0


def test_a_staff_member_cannot_read_the_summary(client, auth, make_org, make_user):
    _leader, round_id, people = _world(make_org, make_user, staff=2, library=0)
    auth.login(people[1])
    assert client.get(f"/rounds/{round_id}/summary").status_code == 403


def test_the_library_is_listed_once_and_the_form_works_without_javascript(client, auth, make_org, make_user):
    leader, round_id, _people = _world(make_org, make_user, staff=1, library=3, submitted=0)
    round_ = db.session.get(Round, round_id)
    chosen = next(iter(db.session.scalars(evidence_service.evidence_for(round_.organisation))))
    auth.login(leader)
    page = text(client.get(f"/rounds/{round_id}/fill?area=2"))
    assert page.count(f'<span class="pick-item__label">{chosen.title}') == 1
    assert len(re.findall(rf'name="step-\d-evidence" value="{chosen.id}"', page)) == 5  # one per step, one row
    assert page.count('id="library-list"') == 1
    codes = [i["code"] for i in next(a for a in round_service.round_areas(round_) if a["code"] == "2")
             ["steps"][0]["indicators"]]
    response = client.post(f"/rounds/{round_id}/fill?area=2", data={
        "step-1-indicators": codes, "step-1-evidence": [str(chosen.id)], "action": "save"})
    assert response.status_code == 302
    again = text(client.get(f"/rounds/{round_id}/fill?area=2"))
    # now linked to step 1: listed in step 1, and offered in the library for the other four steps only
    assert len(re.findall(rf'name="step-1-evidence" value="{chosen.id}" checked', again)) == 1
    assert len(re.findall(rf'name="step-\d-evidence" value="{chosen.id}"', again)) == 5


def test_api_summary_limits_comments_only_when_asked(api, make_org, make_user):
    from tests.web.round_helpers import close

    org = make_org()
    leader = make_user(org=org, member_role="leader")
    staff = [make_user(org=org, member_role="staff") for _ in range(3)]
    round_ = open_round(leader, org, participant_ids=[u.id for u in staff])
    for i, user in enumerate(staff):
        answer(user, round_, {"1": 1}, comments={"1": f"Kommentar {i}"})
    close(leader, round_)
    api.token(leader)
    whole = api.get(f"/api/v1/rounds/{round_.id}/summary", leader).get_json()
    area = next(a for a in whole["areas"] if a["area"] == "1")
    assert len(area["comments"]) == 3 and "comments_total" not in area
    limited = api.get(f"/api/v1/rounds/{round_.id}/summary?comments=2", leader).get_json()
    area = next(a for a in limited["areas"] if a["area"] == "1")
    assert len(area["comments"]) == 2 and area["comments_total"] == 3
    withheld = next(a for a in limited["areas"] if a["area"] == "2")
    assert withheld["comments"] is None and withheld["comments_total"] is None
    assert api.get(f"/api/v1/rounds/{round_.id}/summary?comments=x", leader).status_code == 422


def _autosave_statements(client, round_id: int, codes: list[str]) -> int:
    url = f"/rounds/{round_id}/fill/1/autosave"
    headers = {"X-CSRFToken": client.csrf_token(), "Accept": "application/json"}
    first = client.post(url, data={"step-1-indicators": codes[:1]}, csrf=False, headers=headers)
    assert first.status_code == 200, first.get_json()
    db.session.expunge_all()
    with counting() as statements:
        second = client.post(url, data={"step-1-indicators": codes, "version": str(first.get_json()["version"])},
                             csrf=False, headers=headers)
    assert second.status_code == 200, second.get_json()
    assert second.get_json()["claimed"] == 1 and second.get_json()["answered"] == 1
    return len(statements)


def test_autosave_runs_as_many_statements_for_3_as_for_12_participants(client, auth, make_org, make_user):
    counts = []
    for staff, library in ((3, 1), (12, 10)):
        email, round_id, _people = _world(make_org, make_user, staff=staff, library=library)
        round_ = db.session.get(Round, round_id)
        codes = [i["code"] for i in round_service.round_areas(round_)[0]["steps"][0]["indicators"]]
        auth.logout()
        assert auth.login(email).status_code == 302
        counts.append(_autosave_statements(client, round_id, codes))
    assert counts[0] == counts[1], counts


def test_the_participant_list_shows_every_flagged_person_and_pages_the_rest(client, auth, make_org, make_user):
    """The defence against invented colleagues: the flagged people are on every page, the rest are paged."""
    leader, round_id, people = _world(make_org, make_user, staff=9, library=0, submitted=0)
    people[8].active = False  # left: flagged
    people[0].language = "en"
    db.session.commit()
    auth.login(people[0])

    def listed(path):
        page = text(client.get(path))
        return re.search(r'<details class="panel participants".*?</details>', page, re.S).group(0)

    first, second, beyond = (listed(f"/rounds/{round_id}/fill{q}") for q in ("", "?people=2&area=2", "?people=9"))
    for page in (first, second, beyond):
        assert "no longer a member" in page and "Ansatt 08" in page  # flagged: always listed
        assert "reads the results" in page  # the leader takes part
        assert "10 participants in this round" in page
        assert "And 8 members from before the round" in page
    assert first.count('class="people__item"') == 2 + PER_PAGE
    assert second.count('class="people__item"') == 2 + PER_PAGE
    assert "Ansatt 00" in first and "Ansatt 00" not in second and "Ansatt 04" in second
    assert "people=2" in first and "area=2" in second and "Page 2 of 2" in second
    assert beyond.count('class="people__item"') == 2 + 8 - PER_PAGE  # past the end: the last page
    submit = listed(f"/rounds/{round_id}/submit?people=2")
    assert "Ansatt 04" in submit and "Ansatt 00" not in submit
