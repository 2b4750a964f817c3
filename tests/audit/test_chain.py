"""The audit trail is a chain: editing, deleting or reordering an entry is detected."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from fts_app import db
from fts_app.audit.services import record, verify


def write_entries(count: int) -> None:
    for number in range(count):
        with db.write_transaction() as session:
            record(session, "case.viewed", actor_id=1, case_id=f"case{number}")


def tamper(statement: str) -> None:
    with db.engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(statement))
    db.session().expunge_all()


def test_an_untouched_chain_verifies(app: Flask) -> None:
    write_entries(3)
    report = verify(db.session())
    assert report.intact and report.entries == 3


@pytest.mark.parametrize(
    ("statement", "first_broken"),
    [
        ("UPDATE audit_events SET actor_id = 99 WHERE sequence = 2", 2),
        ("DELETE FROM audit_events WHERE sequence = 2", 2),
        ("DELETE FROM audit_events WHERE sequence = 4", 4),
        (
            "UPDATE audit_events SET case_id = CASE sequence WHEN 2 THEN 'case2' "
            "ELSE 'case1' END WHERE sequence IN (2, 3)",
            2,
        ),
    ],
    ids=["edited", "deleted-in-the-middle", "deleted-at-the-end", "reordered"],
)
def test_verify_names_the_first_broken_entry(app: Flask, statement: str, first_broken: int) -> None:
    write_entries(4)
    tamper(statement)
    report = verify(db.session())
    assert report.broken_at == first_broken


def test_a_rolled_back_transaction_leaves_no_entry(app: Flask) -> None:
    with pytest.raises(RuntimeError), db.write_transaction() as session:
        record(session, "case.viewed", case_id="x")
        raise RuntimeError("the service failed")
    assert verify(db.session()).entries == 0


def test_postgresql_refuses_to_change_the_audit_trail(app: Flask) -> None:
    if db.is_sqlite():
        pytest.skip("the refusing trigger exists on PostgreSQL only")
    write_entries(1)
    with pytest.raises(Exception, match="append-only"), db.engine().begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))
