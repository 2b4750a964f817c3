"""Rotating to a new master key re-wraps data keys only, survives interruption and is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fts_app import create_app, db
from fts_app.audit.models import AuditEvent
from fts_app.audit.services import verify
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import totp_secret
from fts_app.cases.models import Case
from fts_app.config import ConfigurationError, parse_master_keys
from fts_app.crypto.keyring import generate_master_key, key_id_of
from fts_app.crypto.models import CaseKey
from fts_app.crypto.rotation import rotate_master_key
from fts_app.speakup.enums import Sex
from fts_app.speakup.equality import EqualityAnswers, hold_answers, quarter_tally


@pytest.fixture
def new_key() -> str:
    return generate_master_key()


@contextmanager
def running_with_keys(app_config: dict[str, Any], *keys: str) -> Iterator[Flask]:
    """Run the same installation configured with other master keys (first encrypts)."""
    application = create_app({**app_config, "MASTER_KEYS": ",".join(keys)})
    try:
        with application.app_context():
            yield application
    finally:
        application.extensions["fts_engine"].dispose()


def key_id_of_encoded(encoded: str) -> str:
    return key_id_of(parse_master_keys(encoded, "test")[0]).hex()


def narratives() -> dict[str, str | None]:
    return {case.reference: case.narrative for case in db.session().scalars(select(Case))}


def wrapping_key_ids() -> set[str]:
    return set(db.session().scalars(select(CaseKey.master_key_id)))


def open_cases(make_case, count: int) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    for number in range(count):
        make_case(narrative=f"Concern number {number} about the night shift.")
    return narratives()


def test_after_rotation_the_old_key_can_be_removed_and_every_case_still_opens(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case, make_user
) -> None:  # type: ignore[no-untyped-def]
    written = open_cases(make_case, 3)
    guardian = make_user(Role.GUARDIAN)
    seed = totp_secret(guardian)
    with running_with_keys(app_config, new_key, master_key):
        report = rotate_master_key()
    assert (report.case_keys, report.totp_secrets, report.remaining) == (3, 1, 0)
    with running_with_keys(app_config, new_key):
        assert narratives() == written
        assert wrapping_key_ids() == {key_id_of_encoded(new_key)}
        assert totp_secret(db.session().get(User, guardian.id)) == seed


def test_rotation_reseals_pending_equality_answers_so_the_old_key_can_go(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str
) -> None:
    with db.write_transaction() as session:
        hold_answers(session, EqualityAnswers(sex=Sex.FEMALE), date(2026, 8, 12))
    with running_with_keys(app_config, new_key, master_key):
        report = rotate_master_key()
    assert (report.totp_secrets, report.remaining) == (1, 0)
    with running_with_keys(app_config, new_key):
        assert quarter_tally(db.session(), "2026-27-Q2").answers["sex"] == {"female": 1}


def test_rotation_leaves_case_content_untouched(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case
) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    before = db.session().get(Case, case.id).narrative_ciphertext
    with running_with_keys(app_config, new_key, master_key):
        rotate_master_key()
        assert db.session().get(Case, case.id).narrative_ciphertext == before


def test_a_rotation_stopped_half_way_leaves_every_case_readable_and_a_rerun_finishes(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case, make_user
) -> None:  # type: ignore[no-untyped-def]
    written = open_cases(make_case, 5)
    make_user(Role.GUARDIAN)
    with running_with_keys(app_config, new_key, master_key):
        stopped = rotate_master_key(batch_size=2, max_batches=1)
    assert (stopped.case_keys, stopped.remaining) == (2, 3 + 1)
    with running_with_keys(app_config, new_key, master_key):
        assert narratives() == written
        assert len(wrapping_key_ids()) == 2
        rerun = rotate_master_key(batch_size=2)
    assert (rerun.case_keys, rerun.totp_secrets, rerun.remaining) == (3, 1, 0)
    with running_with_keys(app_config, new_key):
        assert narratives() == written


def test_the_old_key_cannot_be_removed_before_rotation(
    app: Flask, app_config: dict[str, Any], new_key: str, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case()
    with pytest.raises(ConfigurationError, match="not configured"):
        create_app({**app_config, "MASTER_KEYS": new_key})


def test_rotation_is_audited_with_counts_and_no_key_material(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case()
    with running_with_keys(app_config, new_key, master_key):
        rotate_master_key()
        entry = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "keys.rotated"))
        assert entry is not None
        assert json.loads(entry.detail) == {
            "case_keys": 1,
            "master_key_id": key_id_of_encoded(new_key),
            "remaining": 0,
            "totp_secrets": 0,
        }
        assert new_key not in entry.detail and master_key not in entry.detail
        assert verify(db.session()).intact


def test_a_second_rotation_has_nothing_left_to_do(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case()
    with running_with_keys(app_config, new_key, master_key):
        rotate_master_key()
        again = rotate_master_key()
    assert (again.case_keys, again.totp_secrets, again.remaining) == (0, 0, 0)


def test_keys_rotate_command_reports_the_counts(
    app: Flask, app_config: dict[str, Any], master_key: str, new_key: str, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case()
    make_case()
    with running_with_keys(app_config, new_key, master_key) as rotating:
        result = rotating.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "Re-wrapped 2 case keys and 0 sealed secrets" in result.output
    assert "0 remain under old keys" in result.output
