"""``seqf instruments list|validate|import``."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
import yaml

from seqf.extensions import db
from seqf.models import AuditEvent, Instrument, Round
from seqf.services import instruments as service
from tests.web.helpers import count
from tests.web.test_instruments import SEQF_YAML, changed_copy


def test_validate_a_good_file(runner):
    result = runner.invoke(args=["instruments", "validate", str(SEQF_YAML)])
    assert result.exit_code == 0, result.output
    assert re.match(r"^valid: seqf [0-9a-f]{12} [0-9a-f]{64}$", result.output.splitlines()[0])
    assert "9 areas" in result.output
    assert count(Instrument) == 0  # validating stores nothing


def test_validate_a_broken_file_names_file_and_problem(runner, tmp_path):
    data = yaml.safe_load(SEQF_YAML.read_text(encoding="utf-8"))
    data["areas"][2]["steps"][1]["indicators"] = []
    del data["title"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["instruments", "validate", str(broken)])
    assert result.exit_code == 1
    assert str(broken) in result.output
    assert "areas[2].steps[1].indicators" in result.output and "title" in result.output


def test_validate_not_yaml_and_missing_file(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: [unclosed\n", encoding="utf-8")
    result = runner.invoke(args=["instruments", "validate", str(bad)])
    assert result.exit_code == 1 and "bad.yaml" in result.output and "not valid YAML" in result.output
    result = runner.invoke(args=["instruments", "validate", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1 and "missing.yaml" in result.output


def test_import_stores_new_content_once(runner, tmp_path):
    path = changed_copy(tmp_path)
    result = runner.invoke(args=["instruments", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("new: seqf version ")
    again = runner.invoke(args=["instruments", "import", str(path)])
    assert again.exit_code == 0 and again.output.startswith("already known: seqf version ")
    assert count(Instrument) == 1
    assert count(AuditEvent, AuditEvent.action == "instrument.imported") == 1


def test_import_of_a_changed_copy_keeps_the_old_version(runner, tmp_path):
    old = service.current_instrument("seqf")
    db.session.commit()
    old_id, old_definition = old.id, old.definition
    result = runner.invoke(args=["instruments", "import", str(changed_copy(tmp_path))])
    assert result.exit_code == 0 and result.output.startswith("new:")
    db.session.expire_all()
    assert db.session.get(Instrument, old_id).definition == old_definition
    service.forget_request_cache()
    assert service.current_instrument("seqf").id != old_id


def test_import_refuses_a_broken_file(runner, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: seqf\ntitle: {nb: x, en: y}\nscale: progressive\nareas: []\n", encoding="utf-8")
    result = runner.invoke(args=["instruments", "import", str(broken)])
    assert result.exit_code == 1 and "broken.yaml" in result.output and "areas" in result.output
    assert count(Instrument) == 0


def test_list_shows_versions_and_rounds(runner, tmp_path, make_org):
    org = make_org()
    instrument = service.current_instrument("seqf")
    db.session.add(Round(organisation=org, instrument=instrument, title="Spring", closes_on=dt.date(2030, 1, 1)))
    db.session.commit()
    runner.invoke(args=["instruments", "import", str(changed_copy(tmp_path))])
    result = runner.invoke(args=["instruments", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["slug", "version", "title", "scale", "source", "rounds"]
    rows = [line for line in lines[1:] if "seqf" in line]
    assert len(rows) == 2
    assert instrument.version in rows[0] and "forms/seqf.yaml" in rows[0] and rows[0].rstrip().endswith("1")
    assert rows[1].startswith("*") and rows[1].rstrip().endswith("0") and "progressive" in rows[1]
    newest = db.session.scalar(sa.select(Instrument).order_by(Instrument.id.desc()))
    assert newest.version in rows[1]
