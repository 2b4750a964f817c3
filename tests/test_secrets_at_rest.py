"""After a full journey, no secret is in plain text in the database, the logs or a backup."""

from __future__ import annotations

import base64
import logging
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.services import create_user, totp_secret
from fts_app.backup.services import create_backup
from fts_app.cases.access_codes import new_hashed_access_code
from fts_app.cases.enums import ConfidentialityLevel, Element, EventKind, Route
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.config import parse_master_keys
from fts_app.crypto.services import data_key_for
from tests.test_encryption_at_rest import FREE_TEXT_FIELDS, canary, raw_database_bytes

PASSWORD = "scan-me-if-you-can-4471"
OPENING_FIELDS = FREE_TEXT_FIELDS[:8]
CLOSING_FIELDS = FREE_TEXT_FIELDS[8:]
EVENT_KINDS = (EventKind.NOTE, EventKind.CLOSURE)
DIRECTIONS = ("to-person", "from-person")
PHRASES = (
    [canary(name) for name in FREE_TEXT_FIELDS]
    + [canary(f"event-{kind.value}") for kind in EVENT_KINDS]
    + [canary(f"message-{direction}") for direction in DIRECTIONS]
)


def byte_forms(secret: bytes) -> list[bytes]:
    """A secret as raw bytes and in every text encoding a leak might use."""
    return [
        secret,
        secret.hex().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def text_forms(secret: str) -> list[bytes]:
    return [secret.encode(), secret.encode("utf-16-le")]


def full_journey(backup: Path) -> dict[str, list[bytes]]:
    """Open, work and close a case, add an account, back up; return every secret involved."""
    with db.write_transaction() as session:
        guardian = create_user(
            session, email="guardian@trust.nhs.example", role=Role.GUARDIAN, password=PASSWORD
        )
        concern = NewConcern(
            route=Route.ONLINE_PORTAL,
            confidentiality=ConfidentialityLevel.CONFIDENTIAL,
            received_on=date(2026, 10, 12),
            narrative=canary("narrative"),
            elements=[Element.BULLYING],
        )
        for name in OPENING_FIELDS[1:]:
            setattr(concern, name, canary(name))
        case = open_case(session, concern, actor_id=guardian.id)
        access_code, case.access_code_hash = new_hashed_access_code()
    with db.write_transaction() as session:
        stored = session.get(Case, case.id)
        for name in CLOSING_FIELDS:
            setattr(stored, name, canary(name))
        stored.status = "closed"
        for kind in EVENT_KINDS:
            event = CaseEvent(case_id=case.id, kind=kind.value, actor_id=guardian.id)
            session.add(event)
            event.body = canary(f"event-{kind.value}")
        for direction in DIRECTIONS:
            message = CaseMessage(case_id=case.id, direction=direction)
            session.add(message)
            message.body = canary(f"message-{direction}")
        data_key = data_key_for(session, case.id).key
    create_backup(backup)
    return {
        "case text": [form for phrase in PHRASES for form in text_forms(phrase)],
        "password": text_forms(PASSWORD),
        "access code": text_forms(access_code) + text_forms(access_code.replace(" ", "")),
        "two-factor seed": text_forms(totp_secret(guardian) or "missing"),
        "data key": byte_forms(data_key),
    }


def installation_keys(app: Flask, master_key: str) -> list[bytes]:
    raw_master = parse_master_keys(master_key, "test")[0]
    return [
        *byte_forms(raw_master),
        master_key.encode(),
        app.config["AUDIT_KEY"].encode(),
        app.config["SECRET_KEY"].encode(),
    ]


def test_no_secret_is_stored_logged_or_backed_up_in_plain_text(
    app: Flask, master_key: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backup = tmp_path / "journey.backup"
    secrets = full_journey(backup)
    secrets["installation key"] = installation_keys(app, master_key)
    places = {
        "database": raw_database_bytes(app),
        "logs": caplog.text.encode(),
        "backup": backup.read_bytes(),
    }
    assert b"FTSU-" in places["database"], "the scan must see the database's plain columns"
    leaks = [
        f"{kind} in the {place}"
        for place, stored in places.items()
        for kind, forms in secrets.items()
        if any(form in stored for form in forms)
    ]
    assert leaks == []
