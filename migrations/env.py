"""Alembic environment: the URL comes from the app's configuration, the schema from the models."""

from __future__ import annotations

from alembic import context
from alembic.operations import Operations
from sqlalchemy import create_engine, pool

from fts_app.core.revision_renames import move_onto_the_line
from fts_app.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run the migrations on one connection, after moving old revision ids onto the line."""
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        # committed on its own: with nothing left to run, Alembic would commit nothing
        with connection.begin():
            move_onto_the_line(connection, run_skipped_upgrade)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def run_skipped_upgrade(revision: str) -> None:
    """Run one migration's upgrade out of turn, for a database that skipped it."""
    script = context.script.get_revision(revision)
    assert script is not None, f"no migration {revision}"
    with Operations.context(context.get_context()):
        script.module.upgrade()


run_migrations()
