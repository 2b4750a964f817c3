"""Migration 0008 adds the head's seal; heads from before it are sealed by the next entry."""

from __future__ import annotations

from alembic import command
from flask import Flask
from sqlalchemy import inspect

from fts_app import db
from fts_app.audit.services import verify
from fts_app.core.cli import alembic_config, upgrade_database
from tests.audit.test_chain import write_entries, write_entries_from_before_heads_were_sealed


def head_columns() -> set[str]:
    return {column["name"] for column in inspect(db.engine()).get_columns("audit_head")}


def test_upgrading_a_trail_written_before_seals_keeps_it_intact_and_the_next_entry_seals_it(
    app: Flask,
) -> None:
    url = app.config["DATABASE_URL"]
    db.session().close()
    command.downgrade(alembic_config(url), "0007")
    try:
        assert "seal" not in head_columns()
        write_entries_from_before_heads_were_sealed(app, 3)
        db.session().close()
    finally:
        upgrade_database(url)
    assert "seal" in head_columns()
    upgraded = verify(db.session())
    assert upgraded.intact and upgraded.entries == 3 and not upgraded.head_sealed
    write_entries(1)
    sealed = verify(db.session())
    assert sealed.intact and sealed.entries == 4 and sealed.head_sealed
