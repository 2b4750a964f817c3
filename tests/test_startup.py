"""Start-up stops with one clear line when configuration cannot work, and never overwrites keys."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from fts_app import create_app, db
from fts_app.auth.enums import Role
from fts_app.config import ConfigurationError
from fts_app.crypto.keyring import generate_master_key
from fts_app.speakup.equality import EqualityAnswers, hold_answers

REPOSITORY = Path(__file__).resolve().parent.parent


def test_first_start_creates_private_secrets(tmp_path: Path, sqlite_template: Path) -> None:
    instance = tmp_path / "fresh"
    create_app({"INSTANCE_PATH": str(instance)})
    for name in ("master_keys", "secret_key", "audit_key"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600
    assert (instance / "fts.sqlite3").exists()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Run with the common 022 umask, under which new files are world-readable by default."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_first_start_creates_a_private_database_and_wal_files(
    tmp_path: Path, sqlite_template: Path, usual_umask: None
) -> None:
    instance = tmp_path / "fresh"
    app = create_app({"INSTANCE_PATH": str(instance)})
    # the start-up check's connection stays in the pool, so SQLite's WAL files exist now
    for name in ("fts.sqlite3", "fts.sqlite3-wal", "fts.sqlite3-shm"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600, name
    app.extensions["fts_engine"].dispose()


def test_an_existing_instance_folder_is_made_private(
    tmp_path: Path, sqlite_template: Path, usual_umask: None
) -> None:
    instance = tmp_path / "checkout-instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    create_app({"INSTANCE_PATH": str(instance)}).extensions["fts_engine"].dispose()
    assert instance.stat().st_mode & 0o777 == 0o700


def test_an_existing_world_readable_database_is_made_private(
    tmp_path: Path, sqlite_template: Path, master_key: str
) -> None:
    database = tmp_path / "shared.sqlite3"
    shutil.copy(sqlite_template, database)
    database.chmod(0o644)
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{database}",
            "MASTER_KEYS": master_key,
        }
    )
    app.extensions["fts_engine"].dispose()
    assert database.stat().st_mode & 0o777 == 0o600


def test_an_instance_folder_that_cannot_be_made_private_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "someone-elses"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)

    # Only another user's folder refuses chmod, and the tests may run as root.
    def refuse(path: Path, mode: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", str(path))

    monkeypatch.setattr(Path, "chmod", refuse)
    with pytest.raises(ConfigurationError, match="cannot be made private") as raised:
        create_app({"INSTANCE_PATH": str(instance)})
    assert "\n" not in str(raised.value)
    assert "chmod 700" in str(raised.value)


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
        ({"SUBMISSION_BURST": 0}, "FTS_SUBMISSION_BURST must be a whole number of at least 1"),
        ({"SUBMISSION_INTERVAL_SECONDS": "60"}, "FTS_SUBMISSION_INTERVAL_SECONDS must be a whole"),
        ({"EQUALITY_FLUSH_AT": 2}, "EQUALITY_FLUSH_AT must be a whole number of at least 3"),
        ({"EQUALITY_FLUSH_AT": "5"}, "EQUALITY_FLUSH_AT must be a whole number of at least 3"),
        ({"SESSION_IDLE_MINUTES": 0}, "FTS_SESSION_IDLE_MINUTES must be a whole number"),
        ({"SESSION_ABSOLUTE_HOURS": -1}, "FTS_SESSION_ABSOLUTE_HOURS must be a whole number"),
        ({"SET_UP_LINK_HOURS": "72"}, "FTS_SET_UP_LINK_HOURS must be a whole number"),
        ({"MAX_CONTENT_LENGTH": 0}, "FTS_MAX_CONTENT_LENGTH must be a whole number"),
        ({"PREFERRED_URL_SCHEME": "ftp"}, "FTS_PREFERRED_URL_SCHEME must be http or https"),
        ({"RATELIMIT_STORAGE_URI": "mongodb://x"}, "FTS_RATELIMIT_STORAGE_URI must be memory://"),
    ],
)
def test_bad_configuration_stops_start_up_with_one_line(
    app_config: dict[str, Any], setting: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigurationError, match=expected) as raised:
        create_app({**app_config, **setting})
    assert "\n" not in str(raised.value)


def hold_one_equality_form(make_case, make_user) -> None:  # type: ignore[no-untyped-def]
    with db.write_transaction() as session:
        hold_answers(session, EqualityAnswers(), date(2026, 8, 12))


EXISTING_ENCRYPTED_DATA = [
    pytest.param(lambda make_case, make_user: make_case(), "1 case", id="a case"),
    pytest.param(
        lambda make_case, make_user: make_user(Role.GUARDIAN),
        "1 two-factor secret",
        id="a staff account's two-factor secret",
    ),
    pytest.param(hold_one_equality_form, "1 pending equality form", id="a pending equality form"),
]


@pytest.mark.parametrize(("make_data", "described"), EXISTING_ENCRYPTED_DATA)
def test_keys_that_cannot_open_existing_data_stop_start_up(
    app_config: dict[str, Any],
    make_case,  # type: ignore[no-untyped-def]
    make_user,  # type: ignore[no-untyped-def]
    make_data,  # type: ignore[no-untyped-def]
    described: str,
) -> None:
    make_data(make_case, make_user)
    with pytest.raises(ConfigurationError, match=f"protects {described}"):
        create_app({**app_config, "MASTER_KEYS": generate_master_key()})


@pytest.mark.parametrize(("make_data", "described"), EXISTING_ENCRYPTED_DATA)
def test_no_new_key_is_made_over_data_encrypted_with_another(
    app_config: dict[str, Any],
    make_case,  # type: ignore[no-untyped-def]
    make_user,  # type: ignore[no-untyped-def]
    make_data,  # type: ignore[no-untyped-def]
    described: str,
) -> None:
    make_data(make_case, make_user)
    with pytest.raises(ConfigurationError, match="no master key is configured"):
        create_app({**app_config, "MASTER_KEYS": None})
    assert not (Path(app_config["INSTANCE_PATH"]) / "master_keys").exists()


def test_a_new_key_is_made_when_only_board_members_exist(
    app_config: dict[str, Any],
    make_user,  # type: ignore[no-untyped-def]
) -> None:
    make_user(Role.BOARD)  # board members sign in without a two-factor secret
    create_app({**app_config, "MASTER_KEYS": None}).extensions["fts_engine"].dispose()
    assert (Path(app_config["INSTANCE_PATH"]) / "master_keys").exists()


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


@pytest.mark.parametrize(
    "arguments",
    [["--port"], ["--port", "--demo"], ["--port="], ["--port", "eighty"]],
)
def test_scripts_run_without_a_port_number_says_how_to_give_one(arguments: list[str]) -> None:
    result = subprocess.run(
        [str(REPOSITORY / "scripts" / "run"), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--port needs a port number, e.g. --port 8080" in result.stderr
    assert "unbound variable" not in result.stderr


def _secret_from_a_new_process(folder: str) -> str:
    from fts_app.config import read_or_create_secret

    return read_or_create_secret(Path(folder), "secret_key")


def test_workers_starting_together_on_a_new_folder_share_one_secret(tmp_path: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=8) as pool:
        secrets_read = list(pool.map(_secret_from_a_new_process, [str(tmp_path)] * 32))
    assert len(set(secrets_read)) == 1
    assert secrets_read[0] == (tmp_path / "secret_key").read_text().strip()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]


KEYS_BESIDE_DATABASE = "is in the same folder as the database"


def start_and_stop(config: dict[str, Any]) -> None:
    create_app(config).extensions["fts_engine"].dispose()


def test_start_up_warns_when_the_master_keys_file_sits_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    instance = tmp_path / "install"

    start_and_stop({"INSTANCE_PATH": str(instance)})

    warnings = [record for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert KEYS_BESIDE_DATABASE in message
    assert str(instance / "master_keys") in message
    assert "FTS_MASTER_KEYS" in message


@pytest.mark.parametrize(
    "setting",
    [
        pytest.param({"DEMO": True}, id="a demo"),
        pytest.param({"MASTER_KEYS": generate_master_key()}, id="keys from FTS_MASTER_KEYS"),
    ],
)
def test_no_warning_for_a_demo_or_for_keys_given_from_outside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, setting: dict[str, Any]
) -> None:
    start_and_stop({"INSTANCE_PATH": str(tmp_path / "install"), **setting})

    assert KEYS_BESIDE_DATABASE not in caplog.text


def test_no_warning_when_the_database_is_in_another_folder(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = tmp_path / "data"
    elsewhere.mkdir()
    shutil.copy(sqlite_template, elsewhere / "fts.sqlite3")

    start_and_stop(
        {
            "INSTANCE_PATH": str(tmp_path / "install"),
            "DATABASE_URL": f"sqlite:///{elsewhere / 'fts.sqlite3'}",
        }
    )

    assert KEYS_BESIDE_DATABASE not in caplog.text


def test_every_command_prints_the_warning_and_a_demo_does_not(tmp_path: Path) -> None:
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("FTS_")},
        "FTS_INSTANCE_PATH": str(tmp_path),
    }

    def command_output(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "keys", "generate"],
            cwd=REPOSITORY,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )

    plain, demo = command_output(), command_output(FTS_DEMO="1")

    assert plain.returncode == demo.returncode == 0
    assert KEYS_BESIDE_DATABASE in plain.stderr
    assert KEYS_BESIDE_DATABASE not in demo.stderr


def test_a_demo_setting_that_is_not_1_or_0_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTS_DEMO", "maybe")

    with pytest.raises(ConfigurationError, match="FTS_DEMO must be 1 or 0: 'maybe'"):
        create_app({"INSTANCE_PATH": str(tmp_path / "install")})
