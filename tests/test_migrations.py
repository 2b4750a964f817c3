"""The migrations build exactly the schema the models describe, empty or with data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select

from fts_app import db
from fts_app.cases.models import Case
from fts_app.core.cli import upgrade_database
from fts_app.models import Base


def test_migrated_database_matches_the_models(app: Flask) -> None:
    with db.engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrading_again_keeps_existing_cases(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    make_case(narrative="kept across upgrades")
    upgrade_database(app.config["DATABASE_URL"])
    db.session().expunge_all()
    assert db.session().scalar(select(func.count()).select_from(Case)) == 1
    assert db.session().scalar(select(Case)).narrative == "kept across upgrades"
