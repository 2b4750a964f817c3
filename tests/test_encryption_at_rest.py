"""No free text or identifying detail is ever written in plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, g
from sqlalchemy import select, text

from fts_app import db
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.crypto.keyring import DecryptionError

FREE_TEXT_FIELDS = [
    "narrative",
    "location",
    "when_happened",
    "harm",
    "raised_before",
    "outcome_hoped",
    "contact_name",
    "contact_details",
    "outcome",
    "learning",
    "open_actions",
    "speak_up_again_comment",
]


def canary(field: str) -> str:
    return f"CANARY-{field.upper()}-7f3a91"


def raw_database_bytes(app: Flask) -> bytes:
    """Everything the database holds, as stored: the files on SQLite, every row on PostgreSQL."""
    engine = db.engine()
    if engine.dialect.name == "sqlite":
        folder = Path(engine.url.database).parent
        return b"".join(path.read_bytes() for path in folder.glob("fts.sqlite3*"))
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        dumps = [
            connection.execute(text(f"SELECT CAST(t.* AS text) FROM {table} t")).scalars().all()
            for table in tables
        ]
    return "\n".join(row for rows in dumps for row in rows).encode()


def write_canary_case(make_case) -> Case:  # type: ignore[no-untyped-def]
    case = make_case(**{name: canary(name) for name in FREE_TEXT_FIELDS[:8]})
    with db.write_transaction() as session:
        stored = session.get(Case, case.id)
        for name in FREE_TEXT_FIELDS[8:]:
            setattr(stored, name, canary(name))
        event = CaseEvent(case_id=case.id, kind="note")
        session.add(event)
        event.body = canary("event")
        message = CaseMessage(case_id=case.id, direction="to-person")
        session.add(message)
        message.body = canary("message")
    return case


def test_no_canary_phrase_is_stored_in_plain_text(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    write_canary_case(make_case)
    stored = raw_database_bytes(app)
    assert b"FTSU-" in stored, "the scan must see the database's plain columns"
    for name in [*FREE_TEXT_FIELDS, "event", "message"]:
        assert canary(name).encode() not in stored
        assert canary(name).encode("utf-16-le") not in stored


def test_the_app_reads_every_canary_back_decrypted(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = write_canary_case(make_case)
    db.session().expunge_all()
    g.pop("fts_data_keys", None)  # unwrap the data key again, as a new request would
    stored = db.session().get(Case, case.id)
    for name in FREE_TEXT_FIELDS:
        assert getattr(stored, name) == canary(name)
    event = db.session().scalar(select(CaseEvent).where(CaseEvent.kind == "note"))
    assert event is not None and event.body == canary("event")


@pytest.mark.parametrize("target", ["another-case", "another-column"])
def test_ciphertext_moved_in_the_database_fails_loudly(app: Flask, make_case, target: str) -> None:  # type: ignore[no-untyped-def]
    first = make_case(narrative="first case's narrative", contact_name="Ann Example")
    second = make_case(narrative="second case's narrative")
    with db.write_transaction() as session:
        source = session.get(Case, first.id)
        if target == "another-case":
            session.get(Case, second.id).narrative_ciphertext = source.narrative_ciphertext
        else:
            source.contact_name_ciphertext = source.narrative_ciphertext
    db.session().expunge_all()
    victim_id = second.id if target == "another-case" else first.id
    victim = db.session().get(Case, victim_id)
    with pytest.raises(DecryptionError):
        _ = victim.narrative if target == "another-case" else victim.contact_name
