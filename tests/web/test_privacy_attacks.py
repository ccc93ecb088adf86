"""Privacy attacks: a curious leader or organisation admin tries to recover one person's answers.

The attacker has legitimate access, reads every view (summary page and API, CSV/XLSX, consensus
pre-fill, results, library, audit log) after every event, closes and reopens the round at will and
can add accounts of their own. Every attack here must fail: any two aggregate views the attacker
obtains are the same or differ by at least the threshold number of answers from staff.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from seqf.extensions import db
from seqf.models import Evidence, Membership, Round, RoundParticipant
from tests.web.helpers import text
from tests.web.round_helpers import answer, close, open_round, privacy_team, reopen

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def org(make_org, make_user):
    """An organisation admin, a leader who takes part, six staff; English UI."""
    return privacy_team(make_org, make_user, staff=6)


@pytest.fixture(params=["leader", "admin"])
def attacker(request, org, auth):
    """The attacker, logged in on the client (pages) and with an API token (JSON)."""
    who = getattr(org, request.param)
    auth.login(who)
    return who


def _round(org) -> Round:
    return db.session.get(Round, org.round.id)


def views(client, api, org, who) -> dict:
    """Every aggregate view the attacker can read now, reduced to its figures (no progress, no times)."""
    rid = org.round.id
    summary = api.get(f"/api/v1/rounds/{rid}/summary", who).get_json()
    page = text(client.get(f"/rounds/{rid}/summary"))
    found = re.search(r'<ul class="area-results">.*?</ul>\s*</section>', page, re.S)
    consensus = api.get(f"/api/v1/rounds/{rid}/consensus", who).get_json()
    results = api.get(f"/api/v1/rounds/{rid}/results", who).get_json()
    csv_response = client.get(f"/rounds/{rid}/export.csv")
    xlsx_response = client.get(f"/rounds/{rid}/export.xlsx")
    xlsx_rows = None
    if xlsx_response.status_code == 200:
        xlsx_rows = list(load_workbook(io.BytesIO(xlsx_response.data)).worksheets[0].iter_rows(values_only=True))
    return {
        "summary": [{k: v for k, v in a.items() if k != "released_at"} for a in summary["areas"]],
        "counted": summary["counted"],
        "page": found.group(0) if found else None,
        "prefill": (consensus["prefill"], consensus["prefill_evidence"]),
        "medians": [(a["area"], a["median"]) for a in results["areas"]],
        "csv": (csv_response.status_code, csv_response.data if csv_response.status_code == 200 else None),
        "xlsx": (xlsx_response.status_code, xlsx_rows),
    }


def nothing_shown(seen: dict) -> bool:
    return (all(a["responses"] is None and a["distribution"] is None and a["median"] is None
                and a["comments"] is None for a in seen["summary"])
            and seen["page"] is None and seen["prefill"] == ({}, {})
            and all(median is None for _area, median in seen["medians"])
            and seen["csv"][0] == 409 and seen["xlsx"][0] == 409)


def area(seen: dict, code: str) -> dict:
    return next(a for a in seen["summary"] if a["area"] == code)


# --- subtraction ---------------------------------------------------------------------------------

def test_reading_after_the_third_and_the_fourth_submission_tells_nothing(client, api, org, attacker):
    """The attack from the issue: summary after 3 submissions, again after the 4th, subtract."""
    for person, level in zip(org.staff[:3], (1, 2, 3), strict=True):
        answer(person, org.round, {"1": level}, comments={"1": f"Mening {level}"}, evidence_id=org.evidence.id)
        assert nothing_shown(views(client, api, org, attacker))
    third = views(client, api, org, attacker)
    answer(org.staff[3], org.round, {"1": 5}, comments={"1": "Davids hemmelighet"}, evidence_id=org.evidence.id)
    fourth = views(client, api, org, attacker)
    assert third == fourth and nothing_shown(fourth)
    assert "Davids hemmelighet" not in text(client.get(f"/rounds/{org.round.id}/summary"))
    assert "David Dale" in text(client.get(f"/rounds/{org.round.id}/summary"))  # who, never what

    close(org.leader, _round(org))
    released = views(client, api, org, attacker)
    assert area(released, "1")["responses"] == 4 and area(released, "1")["median"] == 2.5
    assert sorted(area(released, "1")["comments"]) == ["Davids hemmelighet", "Mening 1", "Mening 2", "Mening 3"]


def test_close_reopen_close_never_releases_fewer_than_the_threshold_new_answers(client, api, org, attacker):
    for person in org.staff[:3]:
        answer(person, org.round, {"1": 2}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    first = views(client, api, org, attacker)
    assert area(first, "1")["responses"] == 3

    for step, person in enumerate(org.staff[3:], start=1):
        reopen(org.leader, _round(org))
        assert views(client, api, org, attacker) == first  # a reopened round shows the old release
        answer(person, org.round, {"1": 5}, comments={"1": f"Ny {step}"}, evidence_id=org.evidence.id)
        assert views(client, api, org, attacker) == first
        close(org.leader, _round(org))
        now = views(client, api, org, attacker)
        if step < 3:
            assert now == first, f"released after {step} new answer(s)"
            assert "fewer than 3 new answers from staff" in text(client.get(f"/rounds/{org.round.id}/summary"))
        else:
            assert area(now, "1")["responses"] == 6 and area(now, "1")["median"] == 3.5
            assert sorted(area(now, "1")["comments"]) == ["Ny 1", "Ny 2", "Ny 3"]


def test_per_area_subtraction_with_partly_answered_responses(client, api, org, attacker):
    for person in org.staff[:3]:
        answer(person, org.round, {"1": 2, "2": 2, "3": 1}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    before = views(client, api, org, attacker)
    reopen(org.leader, _round(org))
    # three more: all answer area 1, two answer area 2, one answers area 3, one answers nothing at all
    answer(org.staff[3], org.round, {"1": 4, "2": 5, "3": 5}, evidence_id=org.evidence.id)
    answer(org.staff[4], org.round, {"1": 4, "2": 5}, evidence_id=org.evidence.id)
    answer(org.staff[5], org.round, {"1": 4}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    after = views(client, api, org, attacker)
    assert area(after, "1")["responses"] == 6  # grew by 3: released anew
    assert area(after, "2") == area(before, "2")  # grew by 2: the old release stays, 5 answers never shown
    assert area(after, "3") == area(before, "3")
    assert area(after, "4")["responses"] is None  # nobody answered: withheld, without a count


def test_area_withheld_shows_no_count(client, api, org, attacker):
    answer(org.staff[0], org.round, {"1": 2, "9": 5})
    answer(org.staff[1], org.round, {"1": 2, "9": 4})
    answer(org.staff[2], org.round, {"1": 2})
    close(org.leader, _round(org))
    seen = views(client, api, org, attacker)
    assert area(seen, "9") == {"area": "9", "own": False, "responses": None, "withheld": True,
                               "distribution": None, "median": None, "spread": None, "disagreement": None,
                               "comments": None}
    page = text(client.get(f"/rounds/{org.round.id}/summary"))
    block = re.search(r'id="area-9">(.*?)</li>', page, re.S).group(1)
    assert "fewer than 3 answers from staff in this area" in block
    assert not re.search(r"\d", block.split("</h3>")[1].replace("fewer than 3", ""))  # the threshold, no count
    row = next(r for r in seen["xlsx"][1] if r[0] == "9")
    assert row[3] == "withheld"


def test_a_leader_cannot_reach_the_threshold_with_her_own_answer(client, api, org, auth):
    auth.login(org.leader)
    answer(org.leader, org.round, {"1": 1}, evidence_id=org.evidence.id)
    answer(org.staff[0], org.round, {"1": 3}, evidence_id=org.evidence.id)
    answer(org.staff[1], org.round, {"1": 4}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    seen = views(client, api, org, org.leader)
    assert nothing_shown(seen)  # she would otherwise know the sum of the two others' answers
    assert "1 more answer from staff is needed" in text(client.get(f"/rounds/{org.round.id}/summary"))
    reopen(org.leader, _round(org))
    answer(org.staff[2], org.round, {"1": 5}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    seen = views(client, api, org, org.leader)
    assert area(seen, "1")["responses"] == 4  # her answer counts in the figures, not towards the threshold


def test_a_leaders_answer_after_a_release_changes_nothing(client, api, org, auth):
    auth.login(org.leader)
    for person in org.staff[:3]:
        answer(person, org.round, {"1": 2}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    first = views(client, api, org, org.leader)
    reopen(org.leader, _round(org))
    answer(org.leader, org.round, {"1": 5}, evidence_id=org.evidence.id)
    answer(org.staff[3], org.round, {"1": 4}, evidence_id=org.evidence.id)
    answer(org.staff[4], org.round, {"1": 4}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    assert views(client, api, org, org.leader) == first  # 3 new, but only 2 she did not write


def test_empty_responses_do_not_count(client, api, org, attacker):
    answer(org.staff[0], org.round, {"1": 2})
    answer(org.staff[1], org.round, {"1": 2})
    answer(org.staff[2], org.round, {})  # submitted with no area answered
    close(org.leader, _round(org))
    assert nothing_shown(views(client, api, org, attacker))


# --- sock puppets --------------------------------------------------------------------------------

def test_sock_puppets_are_shown_to_the_participants(client, auth, make_user, org):
    """An org admin invites two accounts of her own and opens a round with them and one real colleague.

    The threshold cannot tell a puppet from a colleague; the defence is that the colleague sees,
    before answering, who takes part, who is new in the organisation, and who reads the results.
    """
    year = dt.timedelta(days=365)  # an established organisation and staff; the puppets are new
    org.org.created_at -= year
    for membership in db.session.scalars(db.select(Membership).where(Membership.organisation_id == org.org.id)):
        membership.created_at -= year
    db.session.commit()
    puppets = [make_user(org=org.org, member_role="staff", name=f"Dukke {i}", language="en") for i in (1, 2)]
    round_ = open_round(org.admin, org.org, title="Puppet round",
                        participant_ids=[org.admin.id, org.staff[0].id, *(p.id for p in puppets)])
    auth.login(org.staff[0])
    for path in (f"/rounds/{round_.id}/fill", f"/rounds/{round_.id}/submit"):
        page = text(client.get(path))
        listed = re.search(r'<details class="panel participants".*?</details>', page, re.S).group(0)
        for puppet in puppets:
            item = re.search(rf"<li[^>]*><span>{puppet.name}</span>(.*?)</li>", listed, re.S).group(1)
            assert "member since" in item  # joined just before the round: marked
        admin_item = re.search(r"<li[^>]*><span>Ola Orgadmin</span>(.*?)</li>", listed, re.S).group(1)
        assert "reads the results" in admin_item and "member since" not in admin_item
        assert " open" in listed.split(">")[0]  # opened by itself because something needs attention


def test_the_org_admins_own_answer_does_not_count(client, api, make_user, org, auth):
    round_ = open_round(org.admin, org.org, title="Admin round",
                        participant_ids=[org.admin.id, org.leader.id, org.staff[0].id, org.staff[1].id])
    for person in (org.admin, org.leader, org.staff[0], org.staff[1]):
        answer(person, round_, {"1": 3}, evidence_id=org.evidence.id)
    close(org.admin, db.session.get(Round, round_.id))
    body = api.get(f"/api/v1/rounds/{round_.id}/summary", org.admin).get_json()
    assert body["withheld"] is True and body["needed"] == 1


def test_participants_see_changes_during_the_round(client, auth, org):
    opened = _round(org).created_at
    db.session.add(RoundParticipant(round_id=org.round.id, user_id=org.admin.id,
                                    invited_at=opened.replace(year=opened.year + 1)))  # added later
    org.staff[5].active = False  # left
    db.session.commit()
    auth.login(org.staff[0])
    page = text(client.get(f"/rounds/{org.round.id}/fill"))
    listed = re.search(r'<details class="panel participants".*?</details>', page, re.S).group(0)
    added = re.search(r"<li[^>]*><span>Ola Orgadmin</span>(.*?)</li>", listed, re.S).group(1)
    assert "added" in added and "reads the results" in added
    left = re.search(r"<li[^>]*><span>Frode Fu</span>(.*?)</li>", listed, re.S).group(1)
    assert "no longer a member" in left
    assert "see the changes" in listed


# --- side channels -------------------------------------------------------------------------------

def test_evidence_uploaded_from_the_fill_form_never_shows_its_uploader(client, auth, api, org, make_user):
    """The upload is tagged to the step it documents; with the uploader's name it would tell, even after
    the close, which step one named person documented (and the consensus pre-fill confirms the link)."""
    uploader = org.staff[0]
    auth.login(uploader)
    response = client.post(f"/rounds/{org.round.id}/fill?area=5", data={
        "action": "save", "none_yet": "1", "step-2-file": (io.BytesIO(PDF), "rutine.pdf"),
        "step-2-file-title": "Min rutine"},
        content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    evidence = db.session.scalar(db.select(Evidence).where(Evidence.title == "Min rutine"))
    assert evidence.round_id == org.round.id
    assert uploader.name in text(client.get(f"/organisations/{org.org.id}/evidence/{evidence.id}"))
    auth.logout()

    platform_admin = make_user(roles=("admin",), name="Ada Admin", language="en")
    for reader in (org.leader, org.admin):
        auth.login(reader)
        for path in (f"/organisations/{org.org.id}/evidence/", f"/organisations/{org.org.id}/evidence/{evidence.id}",
                     f"/organisations/{org.org.id}/audit"):
            page = text(client.get(path))
            assert "Min rutine" in page or "rutine.pdf" in page
            assert uploader.name not in page, path
        events = api.get(f"/api/v1/organisations/{org.org.id}/audit-events", reader).get_json()
        created = next(e for e in events if e["action"] == "evidence.created" and e["object_id"] == evidence.id)
        assert created["actor_id"] is None
        body = api.get(f"/api/v1/evidence/{evidence.id}", reader).get_data(as_text=True)
        assert uploader.name not in body and str(uploader.id) not in re.findall(r'"\w*_?id": (\d+)', body)
        auth.logout()
    auth.login(platform_admin)
    assert uploader.name in text(client.get("/admin/audit"))  # stored, and shown to platform admins
    auth.logout()

    for person in org.staff[1:4]:
        answer(person, org.round, {"5": 1}, evidence_id=org.evidence.id)
    answer(uploader, org.round, {"5": 2}, evidence_id=evidence.id)  # submitted: steps 1 and 2 link the upload
    close(org.leader, _round(org))
    consensus = api.get(f"/api/v1/rounds/{org.round.id}/consensus", org.leader).get_json()
    assert evidence.id in consensus["prefill_evidence"]["5"]["2"]  # linked by staff, by nobody named
    for reader in (org.leader, org.admin):
        auth.login(reader)
        for path in (f"/organisations/{org.org.id}/evidence/", f"/organisations/{org.org.id}/evidence/{evidence.id}",
                     f"/organisations/{org.org.id}/evidence/?q=Min"):
            assert uploader.name not in text(client.get(path)), path
        page = text(client.get(f"/organisations/{org.org.id}/audit"))  # she is named as having submitted only
        rows = re.findall(r"<tr.*?</tr>", page, re.S)
        assert any("Min rutine" in row for row in rows)
        assert not any(uploader.name in row and "Min rutine" in row for row in rows)
        events = api.get(f"/api/v1/organisations/{org.org.id}/audit-events", reader).get_json()
        about = [e for e in events if e["object_type"] == "evidence" and e["object_id"] == evidence.id]
        assert about and all(e["actor_id"] is None and uploader.name not in e["text"] + e["summary"]
                             for e in about)
        body = api.get(f"/api/v1/evidence/{evidence.id}", reader).get_data(as_text=True)
        assert uploader.name not in body and uploader.email not in body
        by_name = api.get(f"/api/v1/organisations/{org.org.id}/evidence?q={uploader.name.split()[0]}", reader)
        assert by_name.status_code == 200 and evidence.id not in [e["id"] for e in by_name.get_json()]
        auth.logout()
    auth.login(uploader)
    assert uploader.name in text(client.get(f"/organisations/{org.org.id}/evidence/{evidence.id}"))  # her own
    auth.logout()
    # what the leader does to it herself is hers to see, and her colleagues' to see
    from seqf.services import evidence as evidence_service
    evidence_service.archive_evidence(org.leader, db.session.get(Evidence, evidence.id))
    db.session.commit()
    auth.login(org.admin)
    events = api.get(f"/api/v1/organisations/{org.org.id}/audit-events", org.admin).get_json()
    assert any(e["action"] == "evidence.archived" and e["actor_id"] == org.leader.id for e in events)


def test_audit_log_names_no_area_for_a_persons_response(client, auth, api, org):
    from seqf.services import audit
    from seqf.services import rounds as round_service

    response = answer(org.staff[0], org.round, {"5": 3})
    # as a colleague's change might record it: which areas a named person saved
    audit.record(org.staff[0], "response.saved", response, "Answers saved for area 5 (steps 1–3 met)",
                 org.org.id, data={"areas": ["5"]})
    db.session.commit()
    assert round_service.response_of(_round(org), org.staff[0]) is not None
    auth.login(org.leader)
    page = text(client.get(f"/organisations/{org.org.id}/audit"))
    assert "steps 1–3 met" not in page and "A participant&#39;s response was changed" in page
    events = api.get(f"/api/v1/organisations/{org.org.id}/audit-events", org.leader).get_json()
    assert not any("area 5" in e["summary"] for e in events)
    assert any(e["action"] == "response.saved" for e in events)
    started = [e for e in events if e["action"] == "response.started"]
    assert started and all(e["actor_id"] is None and e["object_id"] is None for e in started)


def test_results_and_prefill_stay_empty_while_the_round_is_open(client, api, org, attacker):
    for person in org.staff[:4]:
        answer(person, org.round, {"1": 3, "2": 2}, evidence_id=org.evidence.id)
    seen = views(client, api, org, attacker)
    assert nothing_shown(seen)
    close(org.leader, _round(org))
    seen = views(client, api, org, attacker)
    prefill, evidence = seen["prefill"]
    assert prefill == {"1": 3, "2": 2}
    assert evidence["1"] == {str(level): [org.evidence.id] for level in (1, 2, 3)}
    assert dict(seen["medians"])["1"] == 3


def test_consensus_page_preselects_and_labels_evidence_linked_by_staff(client, org, attacker):
    for person in org.staff[:3]:
        answer(person, org.round, {"1": 2}, evidence_id=org.evidence.id)
    close(org.leader, _round(org))
    page = text(client.get(f"/rounds/{org.round.id}/consensus?area=1"))
    assert "Linked by staff:" in page and org.evidence.title in page
    step1 = re.search(r'id="step-1".*?</fieldset>', page, re.S).group(0)
    assert re.search(rf'value="{org.evidence.id}"[^>]*checked', step1)
