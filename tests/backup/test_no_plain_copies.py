"""Making a backup writes nothing but the encrypted backup file: no plain copy of the database."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url

from fts_app.backup.services import create_backup
from tests.backup.test_backup import fill_database

#: Python's audit events for opening or creating a file, a folder or an SQLite database
FILE_EVENTS = {"open", "os.mkdir", "sqlite3.connect"}
_watchers: list[list[str]] = []


def _note_files(event: str, args: tuple[Any, ...]) -> None:
    if _watchers and event in FILE_EVENTS and isinstance(args[0], str | bytes | os.PathLike):
        _watchers[-1].append(os.path.realpath(os.fsdecode(args[0])))


# Audit hooks stay for the life of the process: this one does nothing outside `files_touched`.
sys.addaudithook(_note_files)


@contextmanager
def files_touched() -> Iterator[list[str]]:
    """Collect every file, folder and SQLite database opened or created within the block."""
    touched: list[str] = []
    _watchers.append(touched)
    try:
        yield touched
    finally:
        _watchers.remove(touched)


def test_a_backup_writes_no_plain_copy_of_the_database_anywhere(
    app: Flask, make_case, make_user, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fill_database(make_case, make_user)
    backup = tmp_path / "fts.backup"
    with files_touched() as touched:
        create_backup(backup)
    database = make_url(app.config["DATABASE_URL"]).database
    allowed = {os.path.realpath(f"{backup}.partial")}
    if database:
        allowed.add(os.path.realpath(database))
    assert touched and set(touched) <= allowed
