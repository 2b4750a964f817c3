"""The migration that records when feedback was found not possible, on an empty database and
one with cases that already have such an entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command

from fts_app.core.cli import alembic_config, upgrade_database

#: the columns a case needs before this migration, typed so they are stored as the app stores them
cases = sa.table(
    "cases",
    *(sa.column(name, sa.String) for name in ("id", "reference", "route", "confidentiality")),
    *(sa.column(name, sa.String) for name in ("worker_group", "status")),
    sa.column("received_on", sa.Date),
    *(sa.column(name, sa.Boolean) for name in ("detriment_indicated", "restricted")),
    *(sa.column(name, sa.Boolean) for name in ("legal_hold", "unread_for_guardian")),
    *(sa.column(name, sa.DateTime(timezone=True)) for name in ("created_at", "updated_at")),
)
case_events = sa.table(
    "case_events",
    sa.column("case_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
)


def add_case(connection: sa.Connection, case_id: str, *recorded_at: datetime) -> None:
    moment = datetime(2026, 9, 14, 9, tzinfo=UTC)
    connection.execute(
        sa.insert(cases).values(
            id=case_id,
            reference=f"FTSU-2026-{len(case_id):04d}",
            route="letter",
            confidentiality="anonymous",
            worker_group="not-known",
            status="in-progress",
            received_on=date(2026, 9, 14),
            detriment_indicated=False,
            restricted=False,
            legal_hold=False,
            unread_for_guardian=False,
            created_at=moment,
            updated_at=moment,
        )
    )
    for when in recorded_at:
        connection.execute(
            sa.insert(case_events).values(
                case_id=case_id, kind="feedback-not-possible", occurred_at=when
            )
        )


def test_the_migration_takes_the_london_day_of_the_earliest_entry(blank_database: str) -> None:
    command.upgrade(alembic_config(blank_database), "0008")
    engine = sa.create_engine(blank_database)
    with engine.begin() as connection:
        # 11:30pm in UTC is already the next day in London in summer
        add_case(
            connection,
            "a",
            datetime(2026, 9, 20, 23, 30, tzinfo=UTC),
            datetime(2026, 9, 18, 10, tzinfo=UTC),
        )
        add_case(connection, "bb", datetime(2026, 9, 20, 23, 30, tzinfo=UTC))
        add_case(connection, "ccc")
    upgrade_database(blank_database)
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(cases.c.id, sa.column("feedback_not_possible_on", sa.Date)).select_from(cases)
        ).all()
    engine.dispose()
    assert dict(found) == {"a": date(2026, 9, 18), "bb": date(2026, 9, 21), "ccc": None}


def test_the_migration_runs_on_an_empty_database_and_back(blank_database: str) -> None:
    upgrade_database(blank_database)
    command.downgrade(alembic_config(blank_database), "0008")
    engine = sa.create_engine(blank_database)
    columns = {column["name"] for column in sa.inspect(engine).get_columns("cases")}
    engine.dispose()
    assert "feedback_not_possible_on" not in columns
