"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL server.

``app`` is parametrised over both backends. Tables are created once per backend and emptied
after each test. ``client`` posts forms with a valid CSRF token unless told otherwise, so the
token check stays switched on in every test.

Building the application (``create_app``) costs about 150 ms of CPU, most of it Werkzeug compiling
240 URL rules, and used to be paid by every one of the ~7,500 database test runs. So an application
is built once per backend and ``app_config`` and handed to the next test in the state it was built
in (``_Reusable``): the configuration restored, the rate limiter re-initialised with empty storage,
the instance folder the test's own. A test that changed the application itself (added a route,
a hook, an error handler, a Jinja global) leaves it behind, and the next test gets a new one.
"""

from __future__ import annotations

import copy
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from itsdangerous import URLSafeTimedSerializer

# The suite runs beside other work on two cores: a property test must fail on a wrong rule, never on a
# slow machine (no per-example deadline, no "input generation is slow" health check).
settings.register_profile("seqf", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("seqf")


ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("SEQF_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def pytest_sessionstart(session):
    """Compile the translations, as ``make`` does, so a bare ``pytest`` also has them."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile",
                    "-d", str(ROOT / "seqf" / "translations")], check=False, capture_output=True)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_database() -> str:
    """A database of this test run's own on the PostgreSQL server, so concurrent runs never meet.

    It is dropped again when the session ends (``_drop_postgres_database``).
    """
    name = f"seqf_test_{_worker()}_{os.getpid()}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:  # pragma: no cover - environment problem
        pytest.exit(f"PostgreSQL is not reachable at {PG_URL}: {exc}. Run `make test`, which starts it.",
                    returncode=3)
    finally:
        admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    urls = {
        "sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'seqf-test.db'}",
        "postgresql": _postgres_database(),
    }
    yield urls
    _drop_postgres_database(urls["postgresql"])


_prepared: set[str] = set()


def base_config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 64,
        "SMTP_HOST": None,
        "BASE_URL": "http://seqf.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change configuration."""
    return {}


@pytest.fixture
def app(backend, database_urls, app_config, tmp_path):
    from seqf.extensions import db
    from seqf.services import snapshot_areas

    url = database_urls[backend]
    app = _Reusable.take(url, {**base_config(url, tmp_path), **app_config})
    app.instance_path = str(tmp_path)
    try:
        with app.app_context():
            if url not in _prepared:
                db.drop_all()
                db.create_all()
                _prepared.add(url)
            yield app
            db.session.remove()
            _empty_tables(db)
            snapshot_areas.forget()  # kept by row id, and SQLite gives the next test the same ids
    finally:
        _Reusable.give_back(app)


class _Reusable:
    """Applications idle between tests, one per database and configuration.

    Handing one to the next test is as good as building it anew because everything a test can
    reach that ``create_app`` sets up is put back: ``app.config`` from a deep copy taken right
    after building, Flask's "first request handled" flag (so a test may still add a route), and
    the module-level ``limiter``, whose storage and switches ``init_app`` sets (it adds its request
    hooks only once per app). The database is emptied by the fixture as before. Whatever else a
    test may change on the app object itself is compared against a fingerprint taken after
    building; an app that differs is dropped rather than reused.
    """

    _idle: dict[tuple[str, str], object] = {}
    MAX_IDLE = 8

    @classmethod
    def take(cls, url: str, config: dict):
        from seqf import create_app

        key = (url, repr(sorted(config.items(), key=lambda item: item[0])))
        app = cls._idle.pop(key, None)
        if app is None:
            app = create_app(config)
            app.seqf_test_key = key
            app.seqf_test_config = copy.deepcopy(dict(app.config))
            app.seqf_test_client_class = app.test_client_class
            app.seqf_test_fingerprint = cls._fingerprint(app)
            return app
        from seqf.extensions import limiter

        app.config.clear()
        app.config.update(copy.deepcopy(app.seqf_test_config))
        app._got_first_request = False
        app.test_client_class = app.seqf_test_client_class  # the ``client`` fixture sets its own
        limiter.init_app(app)
        return app

    @classmethod
    def give_back(cls, app) -> None:
        if cls._fingerprint(app) != app.seqf_test_fingerprint:
            cls._dispose(app)
            return
        cls._idle[app.seqf_test_key] = app
        while len(cls._idle) > cls.MAX_IDLE:
            cls._dispose(cls._idle.pop(next(iter(cls._idle))))

    @staticmethod
    def _dispose(app) -> None:
        from seqf.extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()

    @staticmethod
    def _fingerprint(app) -> tuple:
        def hooks(mapping) -> tuple:
            return tuple(sorted((str(k), len(v)) for k, v in mapping.items()))

        return (
            tuple(sorted(str(rule) + rule.endpoint for rule in app.url_map.iter_rules())),
            tuple(sorted(app.view_functions)),
            tuple(sorted(app.blueprints)),
            hooks(app.before_request_funcs), hooks(app.after_request_funcs),
            hooks(app.teardown_request_funcs), hooks(app.template_context_processors),
            hooks(app.url_value_preprocessors), hooks(app.url_default_functions),
            len(app.teardown_appcontext_funcs),
            # Flask looks handlers up in defaultdicts, which leaves empty entries: only real ones count
            tuple(sorted((str(k), str(c), tuple(map(str, h))) for k, v in app.error_handler_spec.items()
                         for c, h in v.items() if h)),
            tuple(sorted(app.jinja_env.globals)), tuple(sorted(app.jinja_env.filters)),
            tuple(sorted(app.jinja_env.tests)), tuple(sorted(app.extensions)),
            app.wsgi_app, app.session_interface, app.response_class,
            app.request_class, app.json, app.template_folder, app.static_folder,
        )


def _empty_tables(db) -> None:
    """DELETE, children first, on both backends: on PostgreSQL it is many times faster than
    TRUNCATE for tables this small. Ids keep counting up, so tests never assume particular ids.

    The statements go as plain SQL text, on PostgreSQL all in one round trip (psycopg runs a
    parameterless multi-statement string): 42 separate DELETEs cost ~33 ms a test, this ~6.

    A browser test's live server may still be finishing a request the page sent last (an autosave)
    when the test ends; PostgreSQL then aborts one side of the deadlock, and this side tries again
    once that request is done."""
    for attempt in range(5):
        try:
            with db.engine.begin() as conn:
                quote = conn.dialect.identifier_preparer.format_table
                deletes = [f"DELETE FROM {quote(table)}" for table in reversed(db.metadata.sorted_tables)]
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("; ".join(deletes))
                else:
                    for statement in deletes:
                        conn.exec_driver_sql(statement)
            return
        except sa.exc.OperationalError as error:
            if "deadlock" not in str(error).lower() or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts (``csrf=False`` to leave it out)."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.config["SECRET_KEY"], salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET")
        data = kwargs.get("data")
        if data is None and method == "POST" and "json" not in kwargs and "input_stream" not in kwargs:
            data = {}  # a bare form post (e.g. the log-out button) still carries the token
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE") and isinstance(data, dict) \
                and "json" not in kwargs and "csrf_token" not in data:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = CSRFClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "riktig-hest-batteri-stift"


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_user(app):
    from tests.factories import create_user

    return create_user


@pytest.fixture
def make_org(app):
    from tests.factories import create_organisation

    return create_organisation


@pytest.fixture
def api(client):
    """JSON API helper: ``api.token(user)`` then ``api.get/post/put/patch(path, json, token=)``."""
    from tests.factories import ApiHelper

    return ApiHelper(client)


def extract_links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback collecting the messages it receives."""
    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            from email import message_from_bytes, policy

            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted"

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
