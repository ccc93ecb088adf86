"""The pre-visit package: contents, privacy (released aggregates only), other organisations' evidence,
the ZIP and its file names, and who may see what."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import AuditEvent, EvidenceFile, ReviewState
from seqf.services import review_package
from tests.web.visit_helpers import LONE_SCORE, WITHHELD_AREA, visit_world


@pytest.fixture
def world(app, make_org, make_user):
    with app.test_request_context():
        return visit_world(make_org, make_user)


def _package(world):
    with db.session.no_autoflush:
        return review_package.package(db.session.merge(world.review))


def test_package_holds_the_consensus_the_released_figures_and_an_empty_action_plan(app, world):
    with app.test_request_context():
        data = _package(world)
    sa_ = data["self_assessment"]
    assert sa_["round_id"] == world.round.id and sa_["title"] == "Høstrunden"
    areas = {a["area"]: a for a in sa_["areas"]}
    assert len(areas) == 9
    assert areas["1"]["score"] == 3 and areas["1"]["justification"] == "Begrunnelse for område 1"
    assert areas["1"]["withheld"] is False and areas["1"]["staff_median"] == 3 and areas["1"]["responses"] == 3
    assert areas["1"]["distribution"]["3"] == 3
    assert areas["5"]["recorded"] is False and areas["5"]["score"] is None
    assert data["action_plan"] == []


def test_a_withheld_area_stays_withheld_although_one_response_exists(app, world):
    with app.test_request_context():
        data = _package(world)
        zipped = review_package.package_zip(world.review)
    area = next(a for a in data["self_assessment"]["areas"] if a["area"] == WITHHELD_AREA)
    assert area["withheld"] is True
    assert area["staff_median"] is None and area["distribution"] is None and area["responses"] is None
    assert area["score"] == 2  # the consensus is the organisation's own agreed score
    # nothing derivable from the lone answer anywhere in the package, the JSON or the CSV
    assert "Hemmelig kommentar" not in json.dumps(data, default=str)
    csv = zipfile.ZipFile(io.BytesIO(zipped)).read("self-assessment.csv").decode("utf-8-sig")
    row = next(line.split(";") for line in csv.splitlines() if line.startswith(f"{WITHHELD_AREA};"))
    assert str(LONE_SCORE) not in row[2:-1]
    assert len(set(row[4:12])) == 1 and not row[4].isdigit()  # "withheld" in the page's language
    assert "Hemmelig kommentar" not in csv


def test_evidence_of_the_organisation_only_and_never_archived(app, world):
    with app.test_request_context():
        data = _package(world)
    titles = {e["title"] for e in data["evidence"]}
    assert titles == {"Rutine for oppfølging", "Årsrapport 2025"}
    file = next(e for e in data["evidence"] if e["kind"] == "file")
    assert file["file"]["size"] > 0 and len(file["file"]["sha256"]) == 64 and file["file"]["version"] == 1
    assert file["tags"] == ["1", "2.1"]


def test_previous_review_reads_the_latest_report_version(app, world):
    with app.test_request_context():
        previous = _package(world)["previous_review"]
    assert previous["id"] == world.previous.id and previous["report_version"] == 2 and previous["total"] == 21
    assert previous["areas"][0]["justification"] == "Rettet begrunnelse"
    assert previous["areas"][0]["recommendations"] == [{"number": "1.1", "text": "Skriv en bedre rutine"}]


def test_without_a_consensus_or_previous_review_the_package_says_so(app, make_org, make_user):
    from tests.web.review_helpers import make_review, review_cast

    with app.test_request_context():
        c = review_cast(make_org, make_user)
        review = make_review(c.org, c.lead)
        data = review_package.package(review)
    assert data["self_assessment"] is None and data["previous_review"] is None and data["evidence"] == []


@pytest.mark.parametrize("raw, safe", [
    ("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"), ("..", "file"), ("", "file"),
    (".bashrc", "bashrc"), ("rapport 2025 (endelig).pdf", "rapport_2025_endelig_.pdf"),
    ("årsrapport.txt", "årsrapport.txt"), ("a\x00b/c\nd.txt", "c_d.txt"),
])
def test_safe_names(raw, safe):
    assert review_package.safe_name(raw) == safe


def test_zip_contents_and_safe_names(app, world):
    with app.test_request_context():
        stored = db.session.scalar(sa.select(EvidenceFile).where(EvidenceFile.evidence_id == world.file.id))
        stored.filename = "../../../tmp/evil.txt"
        db.session.commit()
        archive = zipfile.ZipFile(io.BytesIO(review_package.package_zip(world.review)))
    names = archive.namelist()
    assert "README.txt" in names and "self-assessment.csv" in names and "evidence/links.txt" in names
    assert f"evidence/{world.file.id}-evil.txt" in names
    assert all(not n.startswith(("/", "..")) and "/../" not in n and "\\" not in n for n in names)
    assert archive.read(f"evidence/{world.file.id}-evil.txt") == b"Rapport om kvalitetsarbeidet\n"
    assert "https://example.no/rutine" in archive.read("evidence/links.txt").decode()
    assert not any("fremmed" in n.lower() for n in names)
    assert "Gammel rutine" not in archive.read("evidence/links.txt").decode()
    csv = archive.read("self-assessment.csv")
    assert csv.startswith("\ufeff".encode()) and b";" in csv


def test_zip_over_the_size_cap_is_refused(app, world):
    app.config["PACKAGE_ZIP_MAX_BYTES"] = 5
    with app.test_request_context(), pytest.raises(review_package.PackageTooLarge):
        review_package.package_zip(world.review)


def test_zip_carries_the_previous_report_pdf(app, world):
    review_report = pytest.importorskip("seqf.reports.review_report")
    with app.test_request_context():
        archive = zipfile.ZipFile(io.BytesIO(review_package.package_zip(world.review)))
        assert review_report.latest_version(world.previous) is not None
    assert archive.read("previous-review/report.pdf").startswith(b"%PDF")


# --- pages ---------------------------------------------------------------------------------------

def test_revisors_read_the_package_page(client, auth, world):
    for person in (world.lead, world.co):
        auth.login(person)
        page = client.get(f"/reviews/{world.review.id}/package")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "Årsrapport 2025" in html and "Begrunnelse for område 1" in html and "Fremmed dokument" not in html
        assert f"/reviews/{world.review.id}/package.zip" in html
        auth.logout()


@pytest.mark.parametrize("who", ["coordinator", "other_revisor", "leader", "org_admin", "staff", "other_leader"])
def test_everyone_else_gets_404_for_the_package_zip_and_files(client, auth, world, who):
    person = world.staff[0] if who == "staff" else getattr(world, who)
    auth.login(person)
    rid = world.review.id
    for path in (f"/reviews/{rid}/package", f"/reviews/{rid}/package.zip",
                 f"/reviews/{rid}/package/evidence/{world.file.id}", f"/reviews/{rid}/package/previous-report.pdf"):
        assert client.get(path).status_code == 404, path


def test_zip_download_is_audited(client, auth, world):
    auth.login(world.co)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "review.package_downloaded"))
    answer = client.get(f"/reviews/{world.review.id}/package.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "attachment" in answer.headers["Content-Disposition"]
    zipfile.ZipFile(io.BytesIO(answer.data)).testzip()
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "review.package_downloaded"))
    assert after == before + 1


def test_review_scoped_evidence_download(client, auth, world):
    auth.login(world.lead)
    rid = world.review.id
    ok = client.get(f"/reviews/{rid}/package/evidence/{world.file.id}")
    assert ok.status_code == 200 and ok.data == b"Rapport om kvalitetsarbeidet\n"
    assert "attachment" in ok.headers["Content-Disposition"]
    assert client.get(f"/reviews/{rid}/package/evidence/{world.foreign.id}").status_code == 404
    assert client.get(f"/reviews/{rid}/package/evidence/{world.archived.id}").status_code == 404
    assert client.get(f"/reviews/{rid}/package/evidence/{world.link.id}").status_code == 404
    assert client.get(f"/reviews/{rid}/package/evidence/999999").status_code == 404


def test_previous_report_pdf_route(client, auth, world):
    pytest.importorskip("seqf.reports.review_report")
    auth.login(world.lead)
    answer = client.get(f"/reviews/{world.review.id}/package/previous-report.pdf")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["leader", "org_admin", "coordinator", "lead"])
def test_what_the_revisors_receive_lists_titles_without_files(client, auth, world, who):
    auth.login(getattr(world, who))
    page = client.get(f"/reviews/{world.review.id}/package/contents")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Årsrapport 2025" in html and "Rutine for oppfølging" in html and "Høstrunden" in html
    assert "/package/evidence/" not in html and "Begrunnelse for område 1" not in html
    assert "Fremmed dokument" not in html and "Gammel rutine" not in html


@pytest.mark.parametrize("who, status", [("staff", 403), ("other_revisor", 404), ("other_leader", 404)])
def test_the_contents_list_is_refused_to_staff_and_outsiders(client, auth, world, who, status):
    auth.login(world.staff[0] if who == "staff" else getattr(world, who))
    assert client.get(f"/reviews/{world.review.id}/package/contents").status_code == status


def test_package_page_in_every_readable_state(client, auth, app, world):
    auth.login(world.lead)
    for state in ReviewState:
        world.review.state = state
        db.session.commit()
        expected = 404 if state == ReviewState.due else 200
        assert client.get(f"/reviews/{world.review.id}/package").status_code == expected, state


@pytest.mark.parametrize("roles, links, absent", [
    ({"lead"}, ["/package", "/agenda"], ["/package/contents"]),
    ({"co", "staff"}, ["/package", "/agenda"], ["/package/contents"]),
    ({"leader"}, ["/package/contents"], ["/agenda"]),
    ({"org_admin"}, ["/package/contents"], ["/agenda"]),
    ({"coordinator"}, ["/package/contents"], ["/package", "/agenda"]),
    ({"staff"}, [], ["/package", "/agenda"]),
])
def test_overview_partial_offers_each_role_its_links(app, world, roles, links, absent):
    from flask import render_template

    with app.test_request_context():
        html = render_template("reviews/_overview_visit.html", review=world.review, roles=roles)
    rid = world.review.id
    for link in links:
        assert f'href="/reviews/{rid}{link}"' in html
    for link in absent:
        assert f'href="/reviews/{rid}{link}"' not in html
