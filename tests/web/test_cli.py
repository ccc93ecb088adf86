"""The ``seqf`` command: create-admin, demo-data, send-mail, tick, and ``db upgrade`` on both databases."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from seqf.extensions import db
from seqf.models import Membership, Organisation, User
from tests.conftest import PG_URL, ROOT
from tests.web.helpers import count

SEQF = str(Path(sys.executable).parent / "seqf")


# --- create-admin -------------------------------------------------------------------------------

def test_create_admin(runner):
    result = runner.invoke(args=["create-admin", "--email", "Drift@Example.no", "--password",
                                 "et-langt-drifts-passord", "--name", "Drift Admin"])
    assert result.exit_code == 0, result.output
    assert "drift@example.no" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "drift@example.no"))
    assert user.is_admin and user.name == "Drift Admin"


def test_create_admin_can_log_in(runner, client):
    runner.invoke(args=["create-admin", "--email", "drift@example.no", "--password", "et-langt-drifts-passord",
                        "--name", "Drift"])
    response = client.post("/login", data={"email": "drift@example.no", "password": "et-langt-drifts-passord"})
    assert response.status_code == 302
    assert client.get("/admin/outbox").status_code == 200


def _message(app, text: str, **values) -> str:
    """``text`` in the language the command line speaks (the default, Norwegian Bokmål)."""
    from flask_babel import gettext

    with app.test_request_context():
        return gettext(text, **values)


def test_create_admin_with_an_existing_email_fails_with_a_message(app, runner, make_user):
    make_user(email="finnes@example.no")
    result = runner.invoke(args=["create-admin", "--email", "FINNES@example.no", "--password",
                                 "et-langt-drifts-passord", "--name", "Dup"])
    assert result.exit_code != 0
    assert _message(app, "A user with this e-mail address already exists.") in result.output
    assert count(User) == 1


def test_create_admin_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["create-admin", "--email", "svak@example.no", "--password", "kort",
                                 "--name", "Svak"])
    assert result.exit_code != 0
    assert _message(app, "The password must be at least %(n)d characters.", n=10) in result.output
    assert count(User) == 0


def test_create_admin_needs_every_option(runner):
    result = runner.invoke(args=["create-admin", "--email", "x@example.no"])
    assert result.exit_code != 0
    assert count(User) == 0


# --- demo-data ----------------------------------------------------------------------------------

def _row_counts() -> dict[str, int]:
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_demo_data_is_idempotent_and_prints_the_logins(runner, client):
    from seqf import demo

    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    counts = _row_counts()
    assert counts["users"] == len(demo.USERS)
    assert counts["organisations"] >= 2
    assert counts["memberships"] >= 8

    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    assert _row_counts() == counts
    for output in (first.output, second.output):
        assert demo.PASSWORD in output
        for email, _name, _roles in demo.USERS:
            assert email in output

    # the printed logins work
    response = client.post("/login", data={"email": "leder@jobbvei.demo", "password": demo.PASSWORD})
    assert response.status_code == 302


def test_demo_data_gives_a_network(runner):
    runner.invoke(args=["demo-data"])
    coordinator = db.session.scalar(sa.select(User).where(User.email == "koordinator@seno.demo"))
    revisor = db.session.scalar(sa.select(User).where(User.email == "revisor@seno.demo"))
    assert coordinator.is_coordinator and revisor.is_revisor
    jobbvei = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Jobbvei AS"))
    roles = {m.role.value for m in db.session.scalars(
        sa.select(Membership).where(Membership.organisation_id == jobbvei.id))}
    assert {"leader", "staff"} <= roles


# --- send-mail and tick --------------------------------------------------------------------------

def test_send_mail_without_smtp_says_so(runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "SEQF_SMTP_HOST" in result.output


def test_tick_runs_and_is_repeatable(runner):
    assert runner.invoke(args=["tick"]).exit_code == 0
    assert runner.invoke(args=["tick"]).exit_code == 0


# --- db upgrade on empty databases -----------------------------------------------------------------

@pytest.fixture
def empty_database(backend, tmp_path):
    """A brand-new, empty database of the backend under test; dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"seqf_migr_{secrets.token_hex(4)}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _seqf(*args: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SEQF_DATABASE_URL": url, "SEQF_SECRET_KEY": "cli-test"}
    env.pop("FLASK_APP", None)
    return subprocess.run([SEQF, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)


def _schema_differences(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from seqf import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_db_upgrade_builds_the_schema_of_the_models(empty_database, tmp_path):
    result = _seqf("db", "upgrade", url=empty_database, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _schema_differences(empty_database) == []

    again = _seqf("db", "upgrade", url=empty_database, tmp_path=tmp_path)  # nothing left to do
    assert again.returncode == 0, again.stderr


def test_upgraded_database_takes_the_demo_and_an_admin(empty_database, tmp_path):
    assert _seqf("db", "upgrade", url=empty_database, tmp_path=tmp_path).returncode == 0
    demo = _seqf("demo-data", url=empty_database, tmp_path=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "admin@seqf.demo" in demo.stdout
    admin = _seqf("create-admin", "--email", "drift@example.no", "--password", "et-langt-drifts-passord",
                  "--name", "Drift", url=empty_database, tmp_path=tmp_path)
    assert admin.returncode == 0, admin.stderr
    duplicate = _seqf("create-admin", "--email", "drift@example.no", "--password", "et-langt-drifts-passord",
                      "--name", "Drift", url=empty_database, tmp_path=tmp_path)
    assert duplicate.returncode != 0
    assert "Error:" in duplicate.stderr + duplicate.stdout


def test_migrations_never_import_the_app():
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        source = path.read_text()
        assert "from seqf" not in source and "import seqf" not in source, path.name
