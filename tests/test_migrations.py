"""The migrations build exactly the schema the models describe, empty or with data."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import func, select

from fts_app import db
from fts_app.cases.models import Case
from fts_app.core.cli import alembic_config, upgrade_database
from fts_app.models import Base
from fts_app.speakup import throttle
from fts_app.speakup.models import FollowUpThrottle
from fts_app.timeutil import utcnow

#: the access-code throttle as it was before migration 0011: failures counted per reference
throttle_before_one_budget = sa.table(
    "follow_up_throttle",
    sa.column("key", sa.String),
    sa.column("failures", sa.Integer),
    sa.column("last_failure_at", sa.DateTime(timezone=True)),
    sa.column("next_allowed_at", sa.DateTime(timezone=True)),
)


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


def test_upgrading_forgets_which_references_were_tried_and_starts_with_a_full_budget(
    app: Flask,
) -> None:
    url = app.config["DATABASE_URL"]
    now = utcnow()
    old_rows = [
        # two references' keyed hashes, one of them waiting, and the old overall delay
        (throttle.OVERALL_KEY, 210, now + timedelta(minutes=1)),
        ("4f" * 32, 7, now + timedelta(minutes=15)),
        ("a0" * 32, 1, now),
    ]
    db.session().close()
    command.downgrade(alembic_config(url), "0010")
    try:
        with db.engine().begin() as connection:
            connection.execute(
                sa.insert(throttle_before_one_budget),
                [
                    {
                        "key": key,
                        "failures": failures,
                        "last_failure_at": now,
                        "next_allowed_at": at,
                    }
                    for key, failures, at in old_rows
                ],
            )
    finally:
        upgrade_database(url)
    columns = sa.inspect(db.engine()).get_columns("follow_up_throttle")
    assert {column["name"] for column in columns} == {"key", "next_allowed_at"}
    assert db.session().scalars(select(FollowUpThrottle.key)).all() == []
    with db.write_transaction() as session:
        assert throttle.admit(session) is None
