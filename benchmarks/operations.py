"""Long operations timed as an operator runs them, the SELECT baseline, and encryption's cost."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from unittest import mock

from flask import Flask
from sqlalchemy import text

from benchmarks.environment import BenchEnvironment
from fts_app import db
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, WorkerGroup
from fts_app.cases.intake import NewConcern, open_case
from fts_app.crypto import keyring as keyring_module
from fts_app.db import make_engine

CASE_BY_REFERENCE = text("SELECT reference, status, received_on FROM cases WHERE reference = :r")
ENCRYPTION_ROUNDS = 10
NARRATIVE = (
    "On three night shifts this month the ward had two registered nurses for twenty-eight "
    "patients. Observations were late and one patient fell while waiting for help. I raised it "
    "with the nurse in charge, who said there was nothing to be done. "
) * 3


def time_indexed_selects(database_url: str) -> float:
    """Return the seconds one process takes to look every case up once by its reference."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            references = connection.execute(text("SELECT reference FROM cases")).scalars().all()
            started = time.perf_counter()
            for reference in references:
                connection.execute(CASE_BY_REFERENCE, {"r": reference}).first()
            return time.perf_counter() - started
    finally:
        engine.dispose()


def portal_like_concern(number: int, received_on: date) -> NewConcern:
    """Return a concern with every free-text answer filled, as a full portal submission has."""
    return NewConcern(
        route=Route.ONLINE_PORTAL,
        confidentiality=ConfidentialityLevel.CONFIDENTIAL,
        received_on=received_on,
        narrative=NARRATIVE,
        elements=[Element.PATIENT_SAFETY, Element.WORKER_SAFETY],
        worker_group=WorkerGroup.NURSES_MIDWIVES,
        location="Ward 7, main site",
        when_happened="Most weekends since the spring",
        harm="A patient fell; staff are exhausted.",
        raised_before="With the nurse in charge, twice.",
        outcome_hoped="Safe staffing on nights.",
        contact_name=f"Bench Person {number}",
        contact_details=f"bench.person{number}@trust.nhs.example",
    )


def _no_op_seal(_key: bytes, version: bytes, plaintext: bytes, _associated_data: bytes) -> bytes:
    return version + plaintext


def without_encryption() -> AbstractContextManager[object]:
    """Swap the cipher for a no-op inside this process only, keeping every row and column."""
    return mock.patch.object(keyring_module, "_seal", _no_op_seal)


def time_submissions(
    app: Flask, count: int, cipher: Callable[[], AbstractContextManager[object]]
) -> float:
    """Return the seconds to open `count` cases, each in its own write transaction."""
    received_on = date.today()
    with app.app_context(), cipher():
        started = time.perf_counter()
        for number in range(count):
            with db.write_transaction() as session:
                open_case(session, portal_like_concern(number, received_on))
        return time.perf_counter() - started


def encryption_overhead(app: Flask, submissions: int) -> dict[str, float]:
    """Time the same submissions with real encryption and with a no-op cipher, interleaved."""
    per_round = max(1, submissions // ENCRYPTION_ROUNDS)
    with_seconds = without_seconds = 0.0
    for _ in range(ENCRYPTION_ROUNDS):
        with_seconds += time_submissions(app, per_round, nullcontext)
        without_seconds += time_submissions(app, per_round, without_encryption)
    return {
        "submissions": per_round * ENCRYPTION_ROUNDS,
        "with_seconds": with_seconds,
        "without_seconds": without_seconds,
    }


def timed_restore(environment: BenchEnvironment, backup: Path, folder: Path) -> float:
    """Restore a backup into a new, freshly migrated database and return the restore's seconds."""
    target = environment.elsewhere(folder, "restore")
    target.flask("db", "upgrade")
    return target.timed_flask("backup", "restore", str(backup))
