"""Backups are encrypted and consistent; a restore brings back every row or nothing at all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from fts_app import create_app, db
from fts_app.admin.models import Directorate
from fts_app.admin.services import get_settings
from fts_app.audit.services import record, verify
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.backup.services import BackupError, create_backup, restore_backup
from fts_app.cases.enums import ConfidentialityLevel, Element, EventKind, Route
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.cases.services import NewConcern, open_case
from fts_app.crypto.keyring import generate_master_key
from fts_app.crypto.models import CaseKey
from fts_app.models import Base

CANARY = "CANARY-BACKUP-5e1d0c"


def fill_database(make_case, make_user) -> Case:  # type: ignore[no-untyped-def]
    """Write at least one row of every kind: accounts, cases, timeline, messages, audit."""
    guardian = make_user(Role.GUARDIAN)
    make_user(Role.BOARD)
    with db.write_transaction() as session:
        get_settings(session).retention_years = 7
        session.add(Directorate(name="Medicine"))
    case = make_case(
        actor_id=guardian.id,
        narrative=f"{CANARY} narrative",
        contact_details=f"{CANARY}@example.nhs.uk",
        elements=[Element.BULLYING, Element.PATIENT_SAFETY],
    )
    make_case(confidentiality=ConfidentialityLevel.ANONYMOUS)
    with db.write_transaction() as session:
        event = CaseEvent(case_id=case.id, kind=EventKind.NOTE.value, actor_id=guardian.id)
        session.add(event)
        event.body = f"{CANARY} note"
        message = CaseMessage(case_id=case.id, direction="to-person", author_id=guardian.id)
        session.add(message)
        message.body = f"{CANARY} message"
        record(session, "case.viewed", actor_id=guardian.id, case_id=case.id)
    return case


def every_row() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary key order."""
    session = db.session()
    session.expire_all()
    return {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in Base.metadata.sorted_tables
    }


def count(model: type[Base]) -> int:
    return db.session().scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def backup_path(tmp_path: Path) -> Path:
    return tmp_path / "backups" / "fts.backup"


@pytest.fixture
def filled_backup(app: Flask, make_case, make_user, backup_path: Path) -> Path:  # type: ignore[no-untyped-def]
    fill_database(make_case, make_user)
    backup_path.parent.mkdir()
    create_backup(backup_path)
    return backup_path


def test_a_restore_brings_back_every_row_and_the_audit_trail_verifies(
    app: Flask, make_case, make_user, backup_path: Path, restored_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    case = fill_database(make_case, make_user)
    backup_path.parent.mkdir()
    create_backup(backup_path)
    original = every_row()
    with restored_app.app_context():
        summary = restore_backup(backup_path)
        assert every_row() == original
        assert summary.rows["cases"] == 2 and summary.rows["audit_events"] >= 5
        assert verify(db.session()).intact
        assert db.session().get(Case, case.id).narrative == f"{CANARY} narrative"
        result = restored_app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output


def test_a_restored_database_hands_out_ids_after_the_restored_ones(
    app: Flask, filled_backup: Path, restored_app: Flask
) -> None:
    with restored_app.app_context():
        restore_backup(filled_backup)
        highest = db.session().scalar(select(func.max(CaseEvent.id)))
        with db.write_transaction() as session:
            case = open_case(
                session,
                NewConcern(Route.PHONE, ConfidentialityLevel.OPEN, date(2026, 10, 1), "After"),
            )
        received = db.session().scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id))
        assert received is not None and highest is not None and received > highest
        assert verify(db.session()).intact


def test_the_backup_file_holds_no_plain_text(app: Flask, filled_backup: Path) -> None:
    stored = filled_backup.read_bytes()
    assert len(stored) > 1000
    for phrase in (CANARY, "FTSU-", "trust.nhs.example", "case.viewed"):
        assert phrase.encode() not in stored


def test_the_backup_file_is_readable_by_its_owner_only(app: Flask, filled_backup: Path) -> None:
    assert filled_backup.stat().st_mode & 0o777 == 0o600


def tamper_in_the_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("tamper", "complaint"),
    [
        (tamper_in_the_middle, "failed its integrity check"),
        (lambda data: data[:-10], "ends early"),
        (lambda data: data + b"extra", "after its end"),
        (lambda data: b"NOT-A-BACKUP" + data[12:], "not an fts_app backup"),
        (lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:], "altered"),
    ],
    ids=["altered-content", "cut-short", "data-appended", "not-a-backup", "altered-header"],
)
def test_a_damaged_backup_is_refused_and_nothing_is_restored(
    app: Flask,
    filled_backup: Path,
    restored_app: Flask,
    tamper: Callable[[bytes], bytes],
    complaint: str,
) -> None:
    filled_backup.write_bytes(tamper(filled_backup.read_bytes()))
    with restored_app.app_context():
        with pytest.raises(BackupError, match=complaint):
            restore_backup(filled_backup)
        assert count(Case) == 0 and count(User) == 0
        assert verify(db.session()).entries == 0


def test_restoring_into_a_database_that_holds_cases_is_refused(
    app: Flask, filled_backup: Path
) -> None:
    before = every_row()
    with pytest.raises(BackupError, match=r"not empty \(it holds 2 cases, 2 accounts"):
        restore_backup(filled_backup)
    assert every_row() == before


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ("MASTER_KEYS", "master key [0-9a-f]{16}, which is not configured"),
        ("AUDIT_KEY", "different audit key"),
    ],
)
def test_a_restore_needs_the_installation_keys_the_backup_was_made_with(
    app: Flask,
    app_config: dict[str, Any],
    filled_backup: Path,
    empty_database_url: str,
    tmp_path: Path,
    setting: str,
    complaint: str,
) -> None:
    elsewhere = create_app(
        {
            **app_config,
            "DATABASE_URL": empty_database_url,
            "INSTANCE_PATH": str(tmp_path / "elsewhere"),
            setting: generate_master_key(),
        }
    )
    try:
        with elsewhere.app_context(), pytest.raises(BackupError, match=complaint):
            restore_backup(filled_backup)
    finally:
        elsewhere.extensions["fts_engine"].dispose()


def test_backup_commands_write_and_restore_a_file(
    app: Flask, make_case, make_user, backup_path: Path, restored_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    fill_database(make_case, make_user)
    backup_path.parent.mkdir()
    created = app.test_cli_runner().invoke(args=["backup", "create", str(backup_path)])
    assert created.exit_code == 0, created.output
    assert "cases: 2, messages: 1, audit entries: 5" in created.output
    again = app.test_cli_runner().invoke(args=["backup", "create", str(backup_path)])
    assert again.exit_code == 1 and "already exists" in again.output
    with restored_app.app_context():
        restored = restored_app.test_cli_runner().invoke(
            args=["backup", "restore", str(backup_path)]
        )
    assert restored.exit_code == 0, restored.output
    assert "Restored cases: 2, messages: 1, audit entries: 5" in restored.output
    assert "Audit trail intact" in restored.output


def test_restoring_a_missing_file_says_so(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "none")])
    assert result.exit_code == 1 and "There is no backup file" in result.output


def keep_opening_cases(app: Flask, some_written: threading.Event, stop: threading.Event) -> None:
    """Open cases one transaction at a time until told to stop."""
    with app.app_context():
        written = 0
        while not stop.is_set():
            with db.write_transaction() as session:
                open_case(
                    session,
                    NewConcern(Route.EMAIL, ConfidentialityLevel.OPEN, date(2026, 10, 2), "Busy"),
                )
            written += 1
            if written == 5:
                some_written.set()


def test_a_backup_taken_while_cases_are_being_written_is_consistent(
    app: Flask, backup_path: Path, restored_app: Flask
) -> None:
    some_written, stop = threading.Event(), threading.Event()
    writer = threading.Thread(target=keep_opening_cases, args=(app, some_written, stop))
    writer.start()
    try:
        assert some_written.wait(timeout=60)
        backup_path.parent.mkdir()
        create_backup(backup_path)
    finally:
        stop.set()
        writer.join()
    with restored_app.app_context():
        summary = restore_backup(backup_path)
        cases = summary.rows["cases"]
        assert cases >= 5
        assert count(CaseKey) == cases
        received = select(func.count()).where(CaseEvent.kind == EventKind.RECEIVED.value)
        assert db.session().scalar(received) == cases
        assert verify(db.session()).entries == cases
