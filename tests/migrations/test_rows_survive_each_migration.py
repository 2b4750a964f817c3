"""Each migration without a test of its own keeps the rows a database held before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from fts_app.core.cli import alembic_config, upgrade_database

MOMENT = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)

#: a staff account and a case with the columns 0001 created, as the app stored them
USER = {
    "id": 7,
    "email": "guardian@trust.nhs.example",
    "display_name": "Guardian",
    "role": "guardian",
    "password_hash": "$argon2id$not-a-real-hash",
    "is_active": True,
    "failed_sign_ins": 2,
    "created_at": MOMENT,
}
CASE = {
    "id": "c" * 32,
    "reference": "FTSU-2026-0042",
    "route": "letter",
    "confidentiality": "anonymous",
    "worker_group": "not-known",
    "status": "in-progress",
    "received_on": date(2026, 9, 14),
    "acknowledged_on": date(2026, 9, 15),
    "acknowledge_due_on": date(2026, 9, 16),
    "first_feedback_due_on": date(2026, 9, 21),
    "detriment_check_in_due_on": date(2026, 12, 14),
    "detriment_indicated": True,
    "restricted": False,
    "legal_hold": False,
    "unread_for_guardian": True,
    "created_at": MOMENT,
    "updated_at": MOMENT,
}
ACCESS = {"case_id": CASE["id"], "user_id": 7, "kind": "assigned", "granted_at": MOMENT}
ELEMENT = {"case_id": CASE["id"], "element": "bullying"}


def table(name: str, row: dict[str, object]) -> sa.TableClause:
    """Describe just the columns of `row`, typed as the app stores them."""

    def typed(column: str, value: object) -> sa.ColumnClause:
        if isinstance(value, datetime):
            return sa.column(column, sa.DateTime(timezone=True))
        if isinstance(value, bool):
            return sa.column(column, sa.Boolean)
        if isinstance(value, date):
            return sa.column(column, sa.Date)
        if isinstance(value, int):
            return sa.column(column, sa.Integer)
        return sa.column(column, sa.String)

    return sa.table(name, *(typed(column, value) for column, value in row.items()))


ROWS = {"users": USER, "cases": CASE, "case_access": ACCESS, "case_elements": ELEMENT}


def in_utc(value: object) -> object:
    """Read a moment as UTC: SQLite hands back the stored UTC time without a zone."""
    if not isinstance(value, datetime):
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_back(connection: sa.Connection) -> dict[str, dict[str, object]]:
    found = {}
    for name, row in ROWS.items():
        described = table(name, row)
        stored = connection.execute(sa.select(*described.c)).one()._mapping
        found[name] = {column: in_utc(value) for column, value in stored.items()}
    return found


def new_columns_are_empty(table_name: str, *columns: str) -> Callable[[sa.Connection], None]:
    def check(connection: sa.Connection) -> None:
        selected = sa.select(*(sa.column(column) for column in columns)).select_from(
            sa.table(table_name)
        )
        assert connection.execute(selected).one() == (None,) * len(columns)

    return check


def retention_change_columns_added(connection: sa.Connection) -> None:
    """0017 adds where a shorter retention waits for the lead guardian; nothing waits yet."""
    columns = {
        column["name"] for column in sa.inspect(connection).get_columns("organisation_settings")
    }
    assert {"pending_retention_years", "pending_retention_asked_by"} <= columns
    waiting = sa.select(sa.column("pending_retention_years")).select_from(
        sa.table("organisation_settings")
    )
    assert all(row[0] is None for row in connection.execute(waiting))


def lock_gone_and_no_failure_recorded(connection: sa.Connection) -> None:
    """0003's lock time is gone again (0013), and nobody is made to wait or told of failures."""
    assert "locked_until" not in {
        column["name"] for column in sa.inspect(connection).get_columns("users")
    }
    selected = sa.select(sa.column("last_failed_sign_in_at"), sa.column("failures_before_sign_in"))
    assert connection.execute(selected.select_from(sa.table("users"))).one() == (None, 0)


def table_is_empty_and_usable(table_name: str, row: dict[str, object]) -> Callable[..., None]:
    def check(connection: sa.Connection) -> None:
        described = table(table_name, row)
        assert connection.execute(sa.select(sa.func.count()).select_from(described)).scalar() == 0
        connection.execute(sa.insert(described).values(row))

    return check


def indexes_exist(*names: str) -> Callable[[sa.Connection], None]:
    def check(connection: sa.Connection) -> None:
        found = {
            index["name"]
            for table_name in ("cases", "case_access")
            for index in sa.inspect(connection).get_indexes(table_name)
        }
        assert set(names) <= found

    return check


@pytest.mark.parametrize(
    ("migration", "check"),
    [
        (
            "0002",
            table_is_empty_and_usable(
                "released_reports",
                {
                    "quarter": "2026-Q2",
                    "released_at": MOMENT,
                    "released_by": 7,
                    "report_json": "{}",
                },
            ),
        ),
        ("0003", lock_gone_and_no_failure_recorded),
        (
            "0004",
            table_is_empty_and_usable(
                "follow_up_throttle",
                {"key": "overall", "next_allowed_at": MOMENT},
            ),
        ),
        ("0005", new_columns_are_empty("cases", "detriment_checked_in_on")),
        ("0006", indexes_exist("ix_cases_report_received", "ix_cases_report_first_feedback_due")),
        ("0007", indexes_exist("ix_cases_list_by_status", "ix_case_access_user_case")),
        ("0013", lock_gone_and_no_failure_recorded),
        (
            "0014",
            table_is_empty_and_usable(
                "ended_portal_sessions", {"token_hash": "0" * 64, "keep_until": MOMENT.date()}
            ),
        ),
        (
            "0016",
            table_is_empty_and_usable(
                "unknown_address_failures",
                {"address_key": "0" * 64, "failed_sign_ins": 1, "last_failed_sign_in_at": MOMENT},
            ),
        ),
        ("0017", retention_change_columns_added),
    ],
)
def test_the_rows_held_before_the_migration_are_kept(
    blank_database: str, migration: str, check: Callable[[sa.Connection], None]
) -> None:
    command.upgrade(alembic_config(blank_database), f"{int(migration) - 1:04d}")
    engine = sa.create_engine(blank_database)
    with engine.begin() as connection:
        for name, row in ROWS.items():
            connection.execute(sa.insert(table(name, row)).values(row))
    upgrade_database(blank_database)
    with engine.begin() as connection:
        assert read_back(connection) == ROWS
        check(connection)
    engine.dispose()
