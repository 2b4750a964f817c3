"""The migration that turns one equality row per form into per-quarter counts of each answer."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from fts_app.core.cli import alembic_config, upgrade_database

QUESTIONS = ("ethnicity", "disability", "sex", "sexual_orientation", "religion", "age_band")
equality_responses = sa.table(
    "equality_responses",
    sa.column("id", sa.Integer),
    sa.column("quarter", sa.String),
    *(sa.column(question, sa.String) for question in QUESTIONS),
)
counts = sa.table(
    "equality_counts",
    sa.column("quarter", sa.String),
    sa.column("question", sa.String),
    sa.column("answer", sa.String),
    sa.column("count", sa.Integer),
)
#: three forms in one quarter and one in the next, as 0001's table held them
FORMS = [
    {"id": 9041, "quarter": "2026-27-Q2", "sex": "female", "age_band": "21-30"},
    {"id": 17, "quarter": "2026-27-Q2", "sex": "female", "religion": "sikh"},
    {"id": 2_000_001, "quarter": "2026-27-Q2", "sex": "male", "age_band": "21-30"},
    {"id": 5, "quarter": "2026-27-Q3", "ethnicity": "white-roma"},
]


def test_each_quarters_answers_are_counted_and_the_old_rows_are_gone(blank_database: str) -> None:
    command.upgrade(alembic_config(blank_database), "0014")
    engine = sa.create_engine(blank_database)
    with engine.begin() as connection:
        for form in FORMS:
            row = {question: None for question in QUESTIONS} | form
            connection.execute(sa.insert(equality_responses).values(row))
    upgrade_database(blank_database)
    with engine.connect() as connection:
        found = {
            (quarter, question, answer): count
            for quarter, question, answer, count in connection.execute(sa.select(counts))
        }
        tables = set(sa.inspect(connection).get_table_names())
    engine.dispose()
    assert "equality_responses" not in tables
    assert found == {
        ("2026-27-Q2", "responses", ""): 3,
        ("2026-27-Q2", "sex", "female"): 2,
        ("2026-27-Q2", "sex", "male"): 1,
        ("2026-27-Q2", "age_band", "21-30"): 2,
        ("2026-27-Q2", "age_band", ""): 1,
        ("2026-27-Q2", "religion", "sikh"): 1,
        ("2026-27-Q2", "religion", ""): 2,
        ("2026-27-Q2", "ethnicity", ""): 3,
        ("2026-27-Q2", "disability", ""): 3,
        ("2026-27-Q2", "sexual_orientation", ""): 3,
        ("2026-27-Q3", "responses", ""): 1,
        ("2026-27-Q3", "ethnicity", "white-roma"): 1,
        **{("2026-27-Q3", question, ""): 1 for question in QUESTIONS if question != "ethnicity"},
    }


def test_the_migration_runs_on_an_empty_database_and_back(blank_database: str) -> None:
    upgrade_database(blank_database)
    command.downgrade(alembic_config(blank_database), "0014")
    engine = sa.create_engine(blank_database)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert "equality_responses" in tables
    assert not tables & {"equality_counts", "equality_pending"}


def test_the_downgrade_refuses_to_lose_counted_answers(blank_database: str) -> None:
    upgrade_database(blank_database)
    engine = sa.create_engine(blank_database)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(counts).values(quarter="2026-27-Q2", question="responses", answer="", count=4)
        )
    engine.dispose()
    with pytest.raises(RuntimeError, match="cannot be turned back"):
        command.downgrade(alembic_config(blank_database), "0014")
