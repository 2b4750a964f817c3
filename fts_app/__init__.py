"""fts_app: Freedom to Speak Up case management for NHS trusts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from fts_app import components, cookies, db, errors, security, template_filters
from fts_app.config import (
    AUDIT_KEY_FILE,
    REPOSITORY_ROOT,
    SECRET_KEY_FILE,
    ConfigurationError,
    default_database_url,
    ensure_instance_folder,
    instance_path_from_environment,
    load_settings,
    read_or_create_secret,
)
from fts_app.crypto.startup import load_keyring, warn_if_keys_beside_database
from fts_app.extensions import csrf, limiter, login_manager

TEMPLATE_FOLDER = REPOSITORY_ROOT / "templates"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, keys, extensions, pages and commands."""
    instance_path = Path(
        (config or {}).get("INSTANCE_PATH") or instance_path_from_environment()
    ).resolve()
    ensure_instance_folder(instance_path)
    settings = load_settings(instance_path, config)
    app = Flask(__name__, instance_path=str(instance_path), template_folder=None)
    _apply_settings(app, settings, instance_path)
    _load_features()
    _connect_database(app)
    app.extensions["fts_keyring"] = load_keyring(
        settings.get("MASTER_KEYS"), instance_path, app.extensions["fts_engine"]
    )
    warn_if_keys_beside_database(
        settings.get("MASTER_KEYS"),
        instance_path,
        app.config["DATABASE_URL"],
        demo=app.config["DEMO"],
    )
    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    logging.getLogger("fts_app").setLevel(logging.INFO)
    return app


def _apply_settings(app: Flask, settings: dict[str, Any], instance_path: Path) -> None:
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or read_or_create_secret(
        instance_path, SECRET_KEY_FILE
    )
    app.config["AUDIT_KEY"] = settings["AUDIT_KEY"] or read_or_create_secret(
        instance_path, AUDIT_KEY_FILE
    )
    app.config["DATABASE_URL"] = settings["DATABASE_URL"] or default_database_url(instance_path)
    app.config["RATELIMIT_STORAGE_URI"] = settings["RATELIMIT_STORAGE_URI"]
    # An unreachable store must not stop sign-in: limits are then held in each process, with a
    # warning, until the store answers again; /healthz says "degraded" meanwhile.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = True
    if settings["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    https = app.config.get("PREFERRED_URL_SCHEME") == "https"
    app.config["SESSION_COOKIE_SECURE"] = https
    # staff and the portal each have a cookie of their own; the __Host- prefix needs a secure one
    cookies.init_app(app, https=https)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_DURATION"] = 0
    if https:
        # Flask's way to wrap the app in middleware; mypy refuses any assignment to a method
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)  # type: ignore[method-assign]


def _load_features() -> None:
    # Every model, so code walking the metadata (retention, backups) sees every table, and every
    # entry a feature registers with the kernel (fts_app/registry.py) before start-up reads them.
    import fts_app.auth.sealed_secrets
    import fts_app.backup.cli
    import fts_app.models
    import fts_app.speakup.equality  # noqa: F401


def _connect_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError as error:
        raise ConfigurationError(
            f"FTS_DATABASE_URL is not a database URL: {url!r}. "
            "Use e.g. postgresql+psycopg://user@host:5432/fts"
        ) from error
    try:
        db.init_app(app, url)
        with app.app_context(), db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, ImportError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise ConfigurationError(
            f"Cannot reach the database at {shown}: {reason}. "
            "Check FTS_DATABASE_URL and that the database server is running."
        ) from error


def _configure_templates(app: Flask) -> None:
    components.use_remembering_environment(app)
    app.jinja_loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(TEMPLATE_FOLDER)),
            jinja2.PackageLoader("nhsuk_frontend_jinja"),
        ]
    )
    # the design system's templates end in .jinja, so autoescaping must be switched on for all
    app.jinja_env.autoescape = True
    # its macros read options a page may leave out
    app.jinja_env.undefined = jinja2.ChainableUndefined
    components.init_app(app)
    template_filters.init_app(app)


def _init_extensions(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from fts_app.admin import bp as admin_bp
    from fts_app.auth import bp as auth_bp
    from fts_app.cases import bp as cases_bp
    from fts_app.core import bp as core_bp
    from fts_app.reports import bp as reports_bp
    from fts_app.speakup import bp as speakup_bp

    for blueprint in (core_bp, auth_bp, speakup_bp, cases_bp, reports_bp, admin_bp):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from fts_app.audit.cli import audit_cli
    from fts_app.auth.cli import users_cli
    from fts_app.backup.cli import backup_cli
    from fts_app.cases.cli import cases_cli
    from fts_app.core.cli import db_cli
    from fts_app.crypto.cli import keys_cli
    from fts_app.demo.cli import demo_cli
    from fts_app.reports.cli import reports_cli
    from fts_app.speakup.cli import equality_cli

    for group in (
        db_cli,
        users_cli,
        demo_cli,
        keys_cli,
        audit_cli,
        cases_cli,
        backup_cli,
        reports_cli,
        equality_cli,
    ):
        app.cli.add_command(group)
