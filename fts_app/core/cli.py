"""`db` commands: create or upgrade the schema with the migrations."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

from fts_app import db
from fts_app.config import REPOSITORY_ROOT

db_cli = click.Group("db", help="Create or upgrade the database schema.")


def alembic_config(url: str) -> Config:
    """Return Alembic's configuration for the migrations folder and a database URL."""
    config = Config()
    config.set_main_option("script_location", str(REPOSITORY_ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def upgrade_database(url: str) -> None:
    """Apply every migration not yet applied (every branch head)."""
    command.upgrade(alembic_config(url), "heads")


@db_cli.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Create or upgrade the schema."""
    upgrade_database(current_app.config["DATABASE_URL"])
    db.refresh_statistics()
    click.echo("Database is up to date.")
