"""The pool settings reach SQLAlchemy for PostgreSQL and are left out for SQLite (which has no pool to size)."""

from seqf.config import engine_options, from_environment


def test_pool_size_and_overflow_come_from_the_environment():
    config = from_environment({"SEQF_DB_POOL_SIZE": "2", "SEQF_DB_MAX_OVERFLOW": "0",
                               "SEQF_DATABASE_URL": "postgresql+psycopg://db/seqf"})
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    assert engine_options(config) == {"pool_pre_ping": True, "pool_size": 2, "max_overflow": 0}


def test_sqlite_ignores_the_pool_settings():
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "DB_POOL_SIZE": 2,
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    assert engine_options(config) == {"pool_pre_ping": True}


def test_without_settings_the_defaults_stay():
    config = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/seqf",
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    assert engine_options(config) == {"pool_pre_ping": True}
