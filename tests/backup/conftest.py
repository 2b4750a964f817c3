"""A second, freshly migrated database on the same backend, to restore backups into."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fts_app import create_app
from fts_app.core.cli import upgrade_database

RESTORE_SCHEMA = "fts_restore_target"


def fresh_postgres_schema(source_url: str) -> str:
    """Recreate a schema of its own in the test database and migrate it; return its URL."""
    url = make_url(source_url).update_query_dict({"options": f"-csearch_path={RESTORE_SCHEMA}"})
    engine = create_engine(source_url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {RESTORE_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {RESTORE_SCHEMA}"))
    engine.dispose()
    rendered = url.render_as_string(hide_password=False)
    upgrade_database(rendered)
    return rendered


@pytest.fixture
def empty_database_url(app_config: dict[str, Any], tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database beside the test's own, on the same backend."""
    source = app_config["DATABASE_URL"]
    if not source.startswith("sqlite"):
        return fresh_postgres_schema(source)
    path = tmp_path / "restored.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def restored_app(
    app_config: dict[str, Any], empty_database_url: str, tmp_path: Path
) -> Iterator[Flask]:
    """The same installation (keys and all) running on the empty database."""
    application = create_app(
        {
            **app_config,
            "DATABASE_URL": empty_database_url,
            "INSTANCE_PATH": str(tmp_path / "restored-instance"),
        }
    )
    yield application
    application.extensions["fts_engine"].dispose()
