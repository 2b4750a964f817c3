"""Write transactions queue one behind another on PostgreSQL, as they do on SQLite.

Two requests race the same rule: each runs in its own thread with its own database session
while a slow writer holds the audit chain, so both reach the database before either commits.
Only one may win.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select, text

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import SignInRefused, sign_in_with_code, sign_in_with_password
from fts_app.cases.access import CaseNotVisible
from fts_app.cases.assignment import take_case
from fts_app.cases.enums import AccessKind
from fts_app.cases.models import Case, CaseAccess
from fts_app.cases.writes import CaseActionRefused
from fts_app.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, unused_totp

RACERS = 2
WAIT_SECONDS = 30


@dataclass(frozen=True)
class Staff:
    """The little a service needs to know about who acts, safe to hand to another thread."""

    id: int
    role: str


@pytest.fixture
def postgresql(app: Flask) -> Flask:
    """The app, on PostgreSQL only: SQLite's BEGIN IMMEDIATE already queues its writers."""
    if db.is_sqlite():
        pytest.skip("SQLite writers queue behind BEGIN IMMEDIATE")
    return app


@contextmanager
def audit_chain_held() -> Iterator[None]:
    """Hold the audit chain's head row, as a slow writer would, until the block ends."""
    with db.engine().connect() as connection:
        connection.execute(text("SELECT 1 FROM audit_head FOR UPDATE"))
        yield
        connection.rollback()


def wait_for_blocked_transactions(count: int) -> None:
    """Wait until `count` transactions wait on a lock, so every racer is in the database."""
    deadline = time.monotonic() + WAIT_SECONDS
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with db.engine().connect() as watcher:
        # a new transaction for each look: the activity view is a snapshot within one
        while watcher.execute(query).scalar_one() < count:
            watcher.rollback()
            assert time.monotonic() < deadline, "the racing requests never reached the database"
            time.sleep(0.02)


def race(app: Flask, *calls: Callable[[], None]) -> list[Exception | None]:
    """Run each call in its own thread and app context at once; return what each raised."""
    outcomes: list[Exception | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], None]) -> None:
        with app.app_context():
            try:
                call()
            except Exception as error:
                outcomes[index] = error

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    with audit_chain_held():
        for thread in threads:
            thread.start()
        wait_for_blocked_transactions(len(calls))
    for thread in threads:
        thread.join(WAIT_SECONDS)
        assert not thread.is_alive(), "a racing request never finished"
    return outcomes


def test_one_totp_code_sent_twice_at_once_signs_in_only_once(
    postgresql: Flask, make_user: Callable[..., User]
) -> None:
    guardian = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    tokens = [
        sign_in_with_password(guardian.email, TEST_PASSWORD, replacing=None).token
        for _ in range(RACERS)
    ]
    code = unused_totp(guardian)

    outcomes = race(
        postgresql, *(lambda token=token: sign_in_with_code(token, code) for token in tokens)
    )

    assert outcomes.count(None) == 1
    refused = [outcome for outcome in outcomes if outcome is not None]
    assert isinstance(refused[0], SignInRefused)
    assert "already been used" in str(refused[0])


def test_two_guardians_taking_one_case_at_once_leave_it_one_guardian(
    postgresql: Flask, make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    guardians = [make_user(Role.GUARDIAN) for _ in range(RACERS)]
    staff = [Staff(id=guardian.id, role=guardian.role) for guardian in guardians]
    reference = make_case().reference

    outcomes = race(
        postgresql, *(lambda actor=actor: take_case(reference, actor) for actor in staff)
    )

    assert outcomes.count(None) == 1
    refused = [outcome for outcome in outcomes if outcome is not None]
    assert isinstance(refused[0], CaseNotVisible | CaseActionRefused)
    assigned = db.session().scalars(
        select(CaseAccess.user_id).where(CaseAccess.kind == AccessKind.ASSIGNED.value)
    )
    assert len(list(assigned)) == 1
