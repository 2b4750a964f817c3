"""Start-up stops with one clear line when configuration cannot work, and never overwrites keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from fts_app import create_app
from fts_app.config import ConfigurationError
from fts_app.crypto.keyring import generate_master_key

REPOSITORY = Path(__file__).resolve().parent.parent


def test_first_start_creates_private_secrets(tmp_path: Path, sqlite_template: Path) -> None:
    instance = tmp_path / "fresh"
    create_app({"INSTANCE_PATH": str(instance)})
    for name in ("master_keys", "secret_key", "audit_key"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600
    assert (instance / "fts.sqlite3").exists()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app: Flask) -> None:
    from fts_app import db

    if not db.is_sqlite():
        pytest.skip("SQLite pragmas only apply to SQLite")
    with db.engine().connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ({"MASTER_KEYS": "not-a-key"}, "not urlsafe base64 of 32 bytes"),
        ({"MASTER_KEYS": " , "}, "holds no master key"),
        ({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "Cannot reach"),
        ({"DATABASE_URL": "not a url"}, "is not a database URL"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(
    app_config: dict[str, Any], setting: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected) as raised:
        create_app({**app_config, **setting})
    assert "\n" not in str(raised.value)


def test_keys_that_cannot_open_existing_cases_stop_start_up(
    app_config: dict[str, Any],
    make_case,  # type: ignore[no-untyped-def]
) -> None:
    make_case()
    with pytest.raises(ConfigurationError, match="protects 1 case"):
        create_app({**app_config, "MASTER_KEYS": generate_master_key()})


def test_no_new_key_is_made_over_data_encrypted_with_another(
    app_config: dict[str, Any],
    make_case,  # type: ignore[no-untyped-def]
) -> None:
    make_case()
    with pytest.raises(ConfigurationError, match="no master key is configured"):
        create_app({**app_config, "MASTER_KEYS": None})
    assert not (Path(app_config["INSTANCE_PATH"]) / "master_keys").exists()


def test_the_command_line_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    environment = {**os.environ, "FTS_INSTANCE_PATH": str(tmp_path), "FTS_MASTER_KEYS": "bad"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr
    assert "keys generate" in result.stderr
