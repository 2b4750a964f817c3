"""The audit trail is a chain: editing, deleting, reordering or cutting off entries is detected."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update

from fts_app import db
from fts_app.audit.models import AuditEvent, AuditHead
from fts_app.audit.services import (
    BEFORE_SEALS,
    GENESIS,
    AuditTrailTampered,
    entry_hmac,
    record,
    verify,
)
from fts_app.timeutil import utcnow

SEAL_REMOVED = "UPDATE audit_head SET seal = NULL"


def cut_off_after(sequence: int) -> str:
    return f"DELETE FROM audit_events WHERE sequence > {sequence}"


def head_moved_back_to(sequence: int) -> str:
    return (
        f"UPDATE audit_head SET last_sequence = {sequence}, "
        f"last_hmac = (SELECT hmac FROM audit_events WHERE sequence = {sequence})"
    )


CUT_BACK_TO_2 = (cut_off_after(2), head_moved_back_to(2))


def write_entries(count: int) -> None:
    for number in range(count):
        with db.write_transaction() as session:
            record(session, "case.viewed", actor_id=1, case_id=f"case{number}")


def tamper(*statements: str) -> None:
    with db.engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            connection.execute(text(statement))
    db.session().close()


def write_entries_from_before_heads_were_sealed(app: Flask, count: int) -> None:
    """Write entries as the writer did before heads were sealed: no seal, no era in the HMAC."""
    previous = GENESIS
    with db.write_transaction() as session:
        for sequence in range(1, count + 1):
            entry = AuditEvent(
                sequence=sequence,
                occurred_at=utcnow(),
                actor_id=1,
                action="case.viewed",
                detail="{}",
                previous_hmac=previous,
            )
            key = app.config["AUDIT_KEY"].encode()
            entry.hmac = previous = entry_hmac(key, previous, entry, BEFORE_SEALS)
            session.add(entry)
        session.execute(update(AuditHead).values(last_sequence=count, last_hmac=previous))


def entry_count() -> int:
    return db.session().scalar(select(func.count()).select_from(AuditEvent)) or 0


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


@pytest.mark.parametrize(
    ("statements", "complaint"),
    [
        (CUT_BACK_TO_2, "does not match its seal"),
        ((*CUT_BACK_TO_2, SEAL_REMOVED), "lost its seal"),
    ],
    ids=["head-moved-back", "head-moved-back-and-unsealed"],
)
def test_cutting_entries_off_the_end_is_detected_even_with_the_head_moved_back(
    app: Flask, statements: tuple[str, ...], complaint: str
) -> None:
    write_entries(4)
    tamper(*statements)
    report = verify(db.session())
    assert report.broken_at == 3
    assert report.reason is not None and complaint in report.reason


@pytest.mark.parametrize(
    "statements",
    [CUT_BACK_TO_2, (*CUT_BACK_TO_2, SEAL_REMOVED)],
    ids=["head-moved-back", "head-moved-back-and-unsealed"],
)
def test_the_writer_refuses_to_seal_over_a_head_moved_back(
    app: Flask, statements: tuple[str, ...]
) -> None:
    write_entries(4)
    tamper(*statements)
    with pytest.raises(AuditTrailTampered, match="head"):
        write_entries(1)
    assert entry_count() == 2


def test_a_head_from_before_seals_verifies_unsealed_until_the_next_entry_seals_it(
    app: Flask,
) -> None:
    write_entries_from_before_heads_were_sealed(app, 3)
    before = verify(db.session())
    assert before.intact and before.entries == 3 and not before.head_sealed
    write_entries(2)
    after = verify(db.session())
    assert after.intact and after.entries == 5 and after.head_sealed
    tamper(cut_off_after(4), head_moved_back_to(4), SEAL_REMOVED)
    assert verify(db.session()).reason == "the chain's head lost its seal"


def test_audit_verify_prints_the_head_to_compare_with_later_runs(app: Flask) -> None:
    write_entries(2)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    head = verify(db.session()).head
    assert result.exit_code == 0, result.output
    assert f"Head: {head}." in result.output and "not sealed" not in result.output
    assert head is not None and head.sequence == 2 and len(head.hmac) == 64


def test_audit_verify_reports_a_head_not_yet_sealed_without_failing(app: Flask) -> None:
    write_entries_from_before_heads_were_sealed(app, 2)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 2 entries" in result.output
    assert "not sealed yet: the next audited action seals it" in result.output


def test_audit_verify_reaches_catches_an_older_head_put_back_with_its_own_seal(
    app: Flask,
) -> None:
    write_entries(2)
    older_head = db.session().execute(select(AuditHead.__table__)).one()._asdict()
    write_entries(2)
    seen_earlier = verify(db.session()).head
    with db.engine().begin() as connection:
        connection.execute(update(AuditHead.__table__).values(older_head))
    tamper(cut_off_after(2))
    # The database alone looks like the moment before entry 3: only a head kept outside shows it.
    assert verify(db.session()).intact
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--reaches", str(seen_earlier)])
    assert result.exit_code == 1
    assert "Audit trail cut back: entry 4, seen earlier, is missing" in result.output


@pytest.mark.parametrize("head", ["4", "4:abc", "four:" + GENESIS, "4:" + "g" * 64])
def test_audit_verify_reaches_refuses_a_head_it_cannot_read(app: Flask, head: str) -> None:
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--reaches", head])
    assert result.exit_code == 2 and "is not SEQUENCE:HMAC" in result.output
