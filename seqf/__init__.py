"""seqf: continuous quality improvement for Supported Employment services."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from seqf import i18n
from seqf.config import Defaults, engine_options, from_environment, instance_secret_key

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = i18n.FormsRequest
    configure(app, config)
    register_proxy(app)
    register_converters(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    return app


def configure(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.update(from_environment())
    app.config.update(overrides or {})
    # SEQF_SECURE_COOKIES covers the "keep me logged in" cookie as well as the session cookie
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'seqf.db'}"
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    app.template_folder = app.config["TEMPLATES_DIR"]


def register_proxy(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client address and scheme from their
    X-Forwarded-* headers (otherwise every visitor shares the proxy's address in the rate limits)."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_converters(app: Flask) -> None:
    from seqf.urls import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter


def register_extensions(app: Flask) -> None:
    from seqf import i18n, workflow
    from seqf.auth.loader import configure_login
    from seqf.extensions import babel, csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_request_domain(app, babel)
    limiter.init_app(app)
    configure_login(app)
    i18n.register_filters(app)
    workflow.init_app(app)


def register_blueprints(app: Flask) -> None:
    from seqf.blueprints import all_blueprints

    for blueprint in all_blueprints():
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from seqf.errors import register

    register(app)


def register_hooks(app: Flask) -> None:
    from seqf.caching import register_no_store
    from seqf.security import register_input_guards, register_security_headers
    from seqf.transactions import register_request_boundary

    register_security_headers(app)
    register_no_store(app)
    register_input_guards(app)
    register_request_boundary(app)


def register_commands(app: Flask) -> None:
    from seqf.cli import register

    register(app)
