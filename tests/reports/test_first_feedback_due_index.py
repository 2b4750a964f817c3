"""The first feedback deadline's count reads its index alone, and the migration that made it so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask

from fts_app import db
from fts_app.cases.models import Case
from fts_app.core.cli import alembic_config, upgrade_database
from fts_app.reports.queries import DeadlineOutcome, deadline_outcome

INDEX = "ix_cases_report_first_feedback_due"
COLUMNS_BEFORE = ["first_feedback_due_on", "first_feedback_on"]
COLUMNS_AFTER = [*COLUMNS_BEFORE, "feedback_not_possible_on"]


def count_first_feedback_deadlines() -> DeadlineOutcome:
    return deadline_outcome(
        db.session(),
        Case.first_feedback_due_on,
        Case.first_feedback_on,
        date(2026, 7, 1),
        date(2026, 9, 30),
    )


def index_columns() -> list[str]:
    indexes = sa.inspect(db.engine()).get_indexes("cases")
    return next(index["column_names"] for index in indexes if index["name"] == INDEX)


def test_the_first_feedback_deadline_count_reads_only_its_index_on_sqlite(app: Flask) -> None:
    if not db.is_sqlite():
        pytest.skip("SQLite's query plan names a covering index")
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    sa.event.listen(db.engine(), "before_cursor_execute", capture)
    try:
        count_first_feedback_deadlines()
    finally:
        sa.event.remove(db.engine(), "before_cursor_execute", capture)
    statement, parameters = statements[-1]
    with db.engine().connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    assert [row[-1] for row in plan] == [
        f"SEARCH cases USING COVERING INDEX {INDEX} "
        "(first_feedback_due_on>? AND first_feedback_due_on<?)"
    ]


@pytest.mark.parametrize("with_cases", [False, True], ids=["empty", "with cases"])
def test_the_migration_adds_the_column_to_the_index_and_takes_it_away_again(
    app: Flask, make_case: Callable[..., Case], with_cases: bool
) -> None:
    if with_cases:
        make_case(
            received_on=date(2026, 9, 14),
            first_feedback_due_on=date(2026, 9, 21),
            feedback_not_possible_on=date(2026, 9, 18),
        )
    url = app.config["DATABASE_URL"]
    db.session().close()
    command.downgrade(alembic_config(url), "0009")
    try:
        assert index_columns() == COLUMNS_BEFORE
    finally:
        upgrade_database(url)
    assert index_columns() == COLUMNS_AFTER
    expected = DeadlineOutcome(due=1, met=1) if with_cases else DeadlineOutcome(due=0, met=0)
    assert count_first_feedback_deadlines() == expected
