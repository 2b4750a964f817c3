"""Backups are encrypted and consistent; a restore brings back every row or nothing at all."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text, update

from fts_app import create_app, db
from fts_app.admin.models import Directorate
from fts_app.admin.services import get_settings
from fts_app.audit.models import AuditEvent, AuditHead
from fts_app.audit.services import HeadMark, record, verify
from fts_app.auth.enums import Role
from fts_app.auth.models import User, UserSession
from fts_app.backup.archive import ArchiveWriter, read_archive
from fts_app.backup.services import BackupError, create_backup, restore_backup
from fts_app.cases.enums import ConfidentialityLevel, Element, EventKind, Route
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.crypto.keyring import generate_master_key
from fts_app.crypto.models import CaseKey
from fts_app.crypto.services import keyring
from fts_app.models import Base
from tests.conftest import csrf_token_from, sign_in

SESSION_COOKIE = "fts_session"

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


def json_manifest(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return json.loads(next(read_archive(handle, keyring())).split(b"\n")[0])


def rewrite_manifest(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Re-seal a backup with its manifest changed, as only a holder of the master key could."""
    with path.open("rb") as handle:
        lines = b"".join(read_archive(handle, keyring())).split(b"\n")
    manifest = json.loads(lines[0])
    change(manifest)
    with path.open("wb") as handle, ArchiveWriter(handle, keyring()) as archive:
        archive.write(b"\n".join([json.dumps(manifest).encode(), *lines[1:]]))


def current_audit_head() -> dict[str, Any]:
    return db.session().execute(select(AuditHead.__table__)).one()._asdict()


def put_back_an_earlier_audit_head(head: dict[str, Any]) -> None:
    """Cut the trail back to `head`, putting back its row as it was, seal and all."""
    with db.engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(delete(AuditEvent).where(AuditEvent.sequence > head["last_sequence"]))
        connection.execute(update(AuditHead.__table__).values(head))
    db.session().close()


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
    assert "Every staff session was ended (0 still open in the backup)" in restored.output


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


def test_a_backup_records_the_audit_head_and_a_restore_reaches_it(
    app: Flask, make_case, make_user, backup_path: Path, restored_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    fill_database(make_case, make_user)
    backup_path.parent.mkdir()
    summary = create_backup(backup_path)
    assert summary.audit_head == verify(db.session()).head
    created = app.test_cli_runner().invoke(args=["backup", "create", str(backup_path) + "2"])
    assert f"Audit trail head: {summary.audit_head}" in created.output
    with restored_app.app_context():
        restore_backup(backup_path)
        assert verify(db.session()).head == summary.audit_head


def test_audit_verify_with_a_backup_catches_the_trail_cut_back_to_before_it(
    app: Flask, make_case, make_user, backup_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fill_database(make_case, make_user)
    earlier_head = current_audit_head()
    with db.write_transaction() as session:
        record(session, "case.viewed")
    backup_path.parent.mkdir()
    create_backup(backup_path)
    verify_against_backup = ["audit", "verify", "--backup", str(backup_path)]
    assert app.test_cli_runner().invoke(args=verify_against_backup).exit_code == 0
    put_back_an_earlier_audit_head(earlier_head)
    assert verify(db.session()).intact
    result = app.test_cli_runner().invoke(args=verify_against_backup)
    assert result.exit_code == 1
    expected = f"entry {earlier_head['last_sequence'] + 1}, seen earlier, is missing"
    assert expected in result.output


def test_a_restore_refuses_a_trail_that_does_not_reach_the_head_the_backup_recorded(
    app: Flask, filled_backup: Path, restored_app: Flask
) -> None:
    head = HeadMark.parse(json_manifest(filled_backup)["audit_head"])
    later = HeadMark(head.sequence + 1, head.hmac)
    rewrite_manifest(filled_backup, lambda manifest: manifest.update(audit_head=str(later)))
    with restored_app.app_context():
        with pytest.raises(BackupError, match=f"entry {later.sequence}, seen earlier, is missing"):
            restore_backup(filled_backup)
        assert count(Case) == 0


def test_a_backup_from_before_it_recorded_the_audit_head_still_restores(
    app: Flask, filled_backup: Path, restored_app: Flask
) -> None:
    rewrite_manifest(filled_backup, lambda manifest: manifest.pop("audit_head"))
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--backup", str(filled_backup)])
    assert (
        result.exit_code == 1 and "before backups recorded the audit trail's head" in result.output
    )
    with restored_app.app_context():
        assert restore_backup(filled_backup).rows["cases"] == 2


def test_a_restore_ends_every_staff_session_so_one_signed_out_since_stays_ended(
    app: Flask, client: FlaskClient, make_user, backup_path: Path, restored_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, make_user(Role.BOARD))
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None and client.get("/account/password").status_code == 200
    backup_path.parent.mkdir()
    create_backup(backup_path)
    sign_out_page = client.get("/account/password").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token_from(sign_out_page)})
    client.set_cookie(SESSION_COOKIE, cookie.value)
    assert client.get("/account/password").status_code == 302
    with restored_app.app_context():
        assert restore_backup(backup_path).sessions_ended == 1
        assert count(UserSession) == 0
    browser_after_restore = restored_app.test_client()
    browser_after_restore.set_cookie(SESSION_COOKIE, cookie.value)
    response = browser_after_restore.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
