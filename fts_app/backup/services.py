"""Consistent, encrypted backups of every table, and restoring them into an empty database.

A backup is JSON lines: a manifest, then for each table (parents before children) a line
naming its columns, one line per row and a closing count. Every table is read in one
transaction, so the backup is one consistent moment while the app keeps serving: a
repeatable-read transaction on PostgreSQL; on SQLite, a read transaction keeps its snapshot in
the write-ahead log while writers go on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import (
    Column,
    Connection,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.models import HEAD_ROW_ID, AuditEvent, AuditHead
from fts_app.audit.services import HeadMark, missing_since, verify
from fts_app.auth.models import User, UserSession
from fts_app.backup.archive import ArchiveError, ArchiveWriter, read_archive
from fts_app.cases.models import Case
from fts_app.crypto.models import CaseKey
from fts_app.crypto.services import keyring
from fts_app.models import Base
from fts_app.timeutil import utcnow

FORMAT = "fts-backup"
ROWS_PER_INSERT = 1000
READ_BATCH = 2000


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore held: rows per table."""

    rows: dict[str, int]
    master_key_id: str = ""
    #: where the audit trail ended when the backup was taken
    audit_head: HeadMark | None = None
    #: staff sessions still open in the backup, which a restore ends
    sessions_ended: int = 0

    def describe(self) -> str:
        """Name the counts operators check: cases, messages, audit entries."""
        return (
            f"cases: {self.rows.get('cases', 0)}, messages: {self.rows.get('case_messages', 0)}, "
            f"audit entries: {self.rows.get('audit_events', 0)}"
        )


def audit_key_id() -> str:
    """Return a fingerprint of the audit key, so a restore can tell it will verify."""
    key = current_app.config["AUDIT_KEY"].encode()
    return hashlib.sha256(b"fts-audit-key-id|" + key).hexdigest()[:16]


def create_backup(path: Path) -> BackupSummary:
    """Write a consistent, encrypted backup of every table to a new file at `path`."""
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror}.") from error
    try:
        with os.fdopen(descriptor, "wb") as handle, snapshot() as connection:
            audit_head = _audit_head(connection)
            with ArchiveWriter(handle, keyring()) as archive:
                rows = _write_tables(connection, archive, audit_head)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(rows=rows, master_key_id=archive.master_key_id, audit_head=audit_head)


@contextmanager
def snapshot() -> Iterator[Connection]:
    """Yield a connection that sees one consistent moment of the database."""
    if db.is_sqlite():
        # Read in place, in one transaction the write-ahead log keeps whole while writers go on:
        # a copy to read from would put the data unencrypted on disk, left there if killed.
        options: dict[str, Any] = {}
    else:
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with db.engine().connect().execution_options(**options) as connection, connection.begin():
        yield connection


def _line(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode() + b"\n"


def _audit_head(connection: Connection) -> HeadMark:
    head = connection.execute(
        select(AuditHead.last_sequence, AuditHead.last_hmac).where(AuditHead.id == HEAD_ROW_ID)
    ).one()
    return HeadMark(head.last_sequence, head.last_hmac)


def _write_tables(
    connection: Connection, archive: ArchiveWriter, audit_head: HeadMark
) -> dict[str, int]:
    archive.write(
        _line(
            {
                "format": FORMAT,
                "created_at": utcnow().isoformat(),
                "database": connection.dialect.name,
                "schema": _schema_revisions(connection),
                "audit_key_id": audit_key_id(),
                # authenticated with the rest: `audit verify --backup` checks the live trail
                # still reaches it, so cutting the trail back shows outside the database
                "audit_head": str(audit_head),
            }
        )
    )
    rows: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        archive.write(_line({"table": table.name, "columns": [c.name for c in table.columns]}))
        count = 0
        # by primary key, not storage order: on PostgreSQL the heap follows the order rows were
        # written in, which would line up rows of one submission across tables (README
        # "Who sees what")
        ordered = select(table).order_by(*table.primary_key.columns)
        result = connection.execution_options(yield_per=READ_BATCH).execute(ordered)
        for row in result:
            archive.write(_line([_encode(value) for value in row]))
            count += 1
        archive.write(_line({"end": table.name, "rows": count}))
        rows[table.name] = count
    return rows


def _schema_revisions(connection: Connection) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def restore_backup(path: Path) -> BackupSummary:
    """Restore a backup into an empty database in one transaction, then verify the audit chain."""
    with _reading(path, consequence=" Nothing was restored.") as records:
        return _restore(records)


def recorded_audit_head(path: Path) -> HeadMark:
    """Return where the audit trail ended when the backup at `path` was taken."""
    with _reading(path) as records:
        manifest = next(records, None)
        _check_manifest(manifest)
    head = _manifest_audit_head(manifest)
    if head is None:
        raise BackupError(f"{path} was made before backups recorded the audit trail's head.")
    return head


@contextmanager
def _reading(path: Path, consequence: str = "") -> Iterator[Iterator[Any]]:
    records = _records_of(path)
    try:
        yield records
    except FileNotFoundError as error:
        raise BackupError(f"There is no backup file at {path}.{consequence}") from error
    except ArchiveError as error:
        raise BackupError(f"{error}{consequence}") from error
    finally:
        records.close()


def _records_of(path: Path) -> Iterator[Any]:
    with path.open("rb") as handle:
        yield from _records(read_archive(handle, keyring()))


def _records(pieces: Iterator[bytes]) -> Iterator[Any]:
    pending = b""
    for piece in pieces:
        pending += piece
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield json.loads(line)
    if pending:
        raise ArchiveError("The backup ends part-way through a record.")


def _restore(records: Iterator[Any]) -> BackupSummary:
    manifest = next(records, None)
    _check_manifest(manifest)
    with db.write_transaction() as session:
        _refuse_unless_empty(session)
        _clear_rows_made_by_migrations(session)
        rows = _insert_tables(session, records, manifest["schema"])
        sessions_ended = _end_every_session(session)
        if not db.is_sqlite():
            _reset_sequences(session)
        _check_master_keys(session)
        _check_restored_audit_trail(session, _manifest_audit_head(manifest))
    return BackupSummary(rows=rows, sessions_ended=sessions_ended)


def _check_manifest(manifest: Any) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("The backup's contents are not in the expected format.")
    if manifest.get("audit_key_id") != audit_key_id():
        raise ArchiveError(
            "The backup's audit trail was signed with a different audit key, so it could not be "
            "verified here. Set FTS_AUDIT_KEY (or the instance folder's audit_key file) to the "
            "original installation's key."
        )


def _manifest_audit_head(manifest: dict[str, Any]) -> HeadMark | None:
    recorded = manifest.get("audit_head")
    return None if recorded is None else HeadMark.parse(recorded)


def _check_restored_audit_trail(session: Session, recorded: HeadMark | None) -> None:
    report = verify(session)
    if not report.intact:
        problem: str | None = f"entry {report.broken_at}: {report.reason}"
    else:
        problem = missing_since(session, recorded) if recorded else None
    if problem:
        raise BackupError(
            f"The restored audit trail does not verify ({problem}). Nothing was restored."
        )


def _count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _refuse_unless_empty(session: Session) -> None:
    held = {
        "cases": _count(session, Case),
        "accounts": _count(session, User),
        "audit entries": _count(session, AuditEvent),
    }
    head = session.get(AuditHead, HEAD_ROW_ID)
    if any(held.values()) or (head is not None and head.last_sequence):
        found = ", ".join(f"{count} {name}" for name, count in held.items())
        raise BackupError(
            f"The database is not empty (it holds {found}). Restore only into a new database: "
            "create one and run `flask --app wsgi db upgrade`, then restore."
        )


def _clear_rows_made_by_migrations(session: Session) -> None:
    # Such as the audit chain's head row: the backup brings its own.
    for table in reversed(Base.metadata.sorted_tables):
        if session.execute(select(func.count()).select_from(table)).scalar():
            session.execute(delete(table))


def _insert_tables(session: Session, records: Iterator[Any], schema: list[str]) -> dict[str, int]:
    rows: dict[str, int] = {}
    for record in records:
        table = _target_table(record["table"], record["columns"], schema)
        rows[table.name] = _insert_rows(session, table, record["columns"], records)
    return rows


def _target_table(name: str, columns: list[str], schema: list[str]) -> Table:
    table = Base.metadata.tables.get(name)
    missing = [column for column in columns if table is None or column not in table.columns]
    if table is None or missing:
        place = name if table is None else f"{name}.{', '.join(missing)}"
        raise BackupError(
            f"The backup holds {place}, which this version of fts_app does not have. Restore "
            f"with the version that made it (schema {', '.join(schema) or 'unknown'}), then "
            "upgrade. Nothing was restored."
        )
    return table


def _insert_rows(session: Session, table: Table, names: list[str], records: Iterator[Any]) -> int:
    decoders = [_decoder(table.columns[name]) for name in names]
    batch: list[dict[str, Any]] = []
    count = 0
    end: Any = None
    for record in records:
        if isinstance(record, dict):
            end = record
            break
        batch.append(
            {
                name: decode(value)
                for name, decode, value in zip(names, decoders, record, strict=True)
            }
        )
        if len(batch) == ROWS_PER_INSERT:
            count += _flush_rows(session, table, batch)
    count += _flush_rows(session, table, batch)
    if end != {"end": table.name, "rows": count}:
        raise BackupError(f"The backup's {table.name} rows are incomplete. Nothing was restored.")
    return count


def _flush_rows(session: Session, table: Table, batch: list[dict[str, Any]]) -> int:
    if batch:
        session.execute(insert(table), batch)
    written = len(batch)
    batch.clear()
    return written


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = object
    decode: Callable[[Any], Any] = {
        bytes: base64.b64decode,
        datetime: lambda value: _as_stored(datetime.fromisoformat(value), column),
        date: date.fromisoformat,
        time: time.fromisoformat,
        Decimal: Decimal,
    }.get(kind, lambda value: value)
    return lambda value: None if value is None else decode(value)


def _as_stored(moment: datetime, column: Column[Any]) -> datetime:
    # SQLite hands back stored UTC times without a zone; PostgreSQL with one.
    if getattr(column.type, "timezone", False):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _end_every_session(session: Session) -> int:
    # A session signed out, timed out or ended by an administrator after the backup was taken
    # is open in the backup: everyone signs in again instead.
    still_open = select(func.count()).where(UserSession.ended_at.is_(None))
    ended = session.scalar(still_open) or 0
    session.execute(delete(UserSession))
    return ended


def _reset_sequences(session: Session) -> None:
    # Rows came with their ids; the next id handed out must follow the largest restored one.
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, column.name),
                    func.coalesce(func.max(column), 0) + 1,
                    False,
                )
            )
        )


def _check_master_keys(session: Session) -> None:
    ring = keyring()
    for key_id in session.scalars(select(CaseKey.master_key_id).distinct()):
        if not ring.has_key(bytes.fromhex(key_id)):
            raise BackupError(
                f"The backup's cases are protected by master key {key_id}, which is not "
                "configured. Add it to FTS_MASTER_KEYS and restore again. Nothing was restored."
            )
