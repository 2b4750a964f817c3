"""A purge leaves no wrapped key or ciphertext of a shredded case in the database's own files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from fts_app import db
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.cases.retention import purge_expired_cases
from fts_app.crypto.models import CaseKey
from tests.cases.test_retention import TODAY, make_closed_case
from tests.test_encryption_at_rest import raw_database_bytes


def stored_secrets(case_id: str) -> list[bytes]:
    """Every wrapped key and ciphertext the database holds for the case, as stored."""
    session = db.session()
    blobs: list[bytes | None] = [
        session.scalar(select(CaseKey.wrapped_key).where(CaseKey.case_id == case_id))
    ]
    for model in (Case, CaseEvent, CaseMessage):
        columns = [c for c in model.__table__.columns if c.name.endswith("_ciphertext")]
        rows = session.execute(
            select(*columns).where(
                (model.id if model is Case else model.case_id) == case_id  # type: ignore[attr-defined]
            )
        )
        blobs += [value for row in rows for value in row]
    return [blob for blob in blobs if blob]


def test_sqlite_files_hold_no_purged_key_or_ciphertext(
    app: Flask, make_case: Callable[..., Case]
) -> None:
    if not db.is_sqlite():
        pytest.skip("reads SQLite's database and write-ahead log files")
    case = make_closed_case(make_case)
    secrets = stored_secrets(case.id)
    assert len(secrets) >= 4, "the case has a key and content to shred"
    assert all(secret in raw_database_bytes(app) for secret in secrets)
    assert [c.id for c in purge_expired_cases(TODAY).cases] == [case.id]
    left = raw_database_bytes(app)
    assert [secret[:16].hex() for secret in secrets if secret in left] == []


def test_postgresql_vacuums_the_tables_a_purge_touched(
    app: Flask, make_case: Callable[..., Case]
) -> None:
    if db.is_sqlite():
        pytest.skip("VACUUM is PostgreSQL's; SQLite truncates its log instead")
    case = make_closed_case(make_case)
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    # the statistics views lag behind under load, so watch what is sent to the server instead
    event.listen(db.engine(), "before_cursor_execute", note)
    try:
        assert [c.id for c in purge_expired_cases(TODAY).cases] == [case.id]
    finally:
        event.remove(db.engine(), "before_cursor_execute", note)
    vacuumed = {statement.split('"')[1] for statement in sent if statement.startswith("VACUUM")}
    assert {"case_keys", "cases", "case_events", "case_messages"} <= vacuumed
