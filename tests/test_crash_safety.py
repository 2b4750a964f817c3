"""A process killed while writing a case leaves all of that case or none of it.

The test runs this file as a separate writer process, kills it with SIGKILL and then checks
what the database holds: only whole cases, each with its data key, first event and elements,
and an audit trail that still verifies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from fts_app import create_app, db
from fts_app.audit.services import verify
from fts_app.cases.enums import ConfidentialityLevel, Element, EventKind, Route
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case, CaseElement, CaseEvent, CaseMessage
from fts_app.config import REPOSITORY_ROOT
from fts_app.crypto.models import CaseKey

COMMITTED_BEFORE_KILL = 8
HALF_WRITTEN = "half-written"


def concern(number: int) -> NewConcern:
    return NewConcern(
        route=Route.PHONE,
        confidentiality=ConfidentialityLevel.CONFIDENTIAL,
        received_on=date(2026, 10, 5),
        narrative=f"Crash test concern {number}",
        elements=[Element.PATIENT_SAFETY, Element.WORKER_SAFETY],
        contact_details=f"person{number}@example.nhs.uk",
    )


def write_case(session: Session, number: int) -> Case:
    """Open a case and send its first message, in the caller's transaction."""
    case = open_case(session, concern(number))
    message = CaseMessage(case_id=case.id, direction="to-person")
    session.add(message)
    message.body = "Thank you for speaking up."
    session.flush()
    return case


def write_cases(config: dict[str, Any], pause_after: int | None) -> None:
    """Open cases until killed, saying after each commit; optionally stop inside one."""
    app = create_app(config)
    with app.app_context():
        number = 0
        while True:
            number += 1
            with db.write_transaction() as session:
                write_case(session, number)
                if number == pause_after:
                    print(HALF_WRITTEN, flush=True)
                    sys.stdin.readline()
            print(f"committed {number}", flush=True)


def run_writer(config: dict[str, Any], pause_after: int | None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, json.dumps(config), json.dumps(pause_after)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPOSITORY_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)},
    )


def kill_after(writer: subprocess.Popen[str], last_line: str) -> None:
    """Read the writer's progress until `last_line`, then kill it without warning."""
    try:
        assert writer.stdout is not None
        for line in writer.stdout:
            if line.strip() == last_line:
                return
        pytest.fail(f"the writer stopped early: {writer.stderr.read() if writer.stderr else ''}")
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.communicate()


def count(statement: Any) -> int:
    return db.session().scalar(statement) or 0


def cases_missing(related: type, **condition: Any) -> int:
    """Count cases with no related row of a kind (matching `condition`)."""
    match = [related.case_id == Case.id] + [  # type: ignore[attr-defined]
        getattr(related, name) == value for name, value in condition.items()
    ]
    return count(select(func.count()).select_from(Case).where(~exists().where(*match)))


def assert_only_whole_cases() -> int:
    db.session().expire_all()
    cases = count(select(func.count()).select_from(Case))
    assert cases_missing(CaseKey) == 0
    assert cases_missing(CaseEvent, kind=EventKind.RECEIVED.value) == 0
    assert cases_missing(CaseElement) == 0
    assert cases_missing(CaseMessage) == 0
    assert count(select(func.count()).select_from(CaseElement)) == 2 * cases
    assert count(select(func.count()).select_from(CaseMessage)) == cases
    report = verify(db.session())
    assert report.intact and report.entries == cases
    return cases


def test_a_writer_killed_inside_a_case_leaves_none_of_that_case(
    app: Flask, app_config: dict[str, Any]
) -> None:
    kill_after(run_writer(app_config, pause_after=COMMITTED_BEFORE_KILL + 1), HALF_WRITTEN)
    assert assert_only_whole_cases() == COMMITTED_BEFORE_KILL
    with db.write_transaction() as session:
        after = write_case(session, COMMITTED_BEFORE_KILL + 1)
    # the half-written case's reference number was never taken
    assert after.reference == f"FTSU-2026-{COMMITTED_BEFORE_KILL + 1:04d}"
    assert assert_only_whole_cases() == COMMITTED_BEFORE_KILL + 1


def test_a_writer_killed_at_any_moment_leaves_only_whole_cases(
    app: Flask, app_config: dict[str, Any]
) -> None:
    kill_after(run_writer(app_config, pause_after=None), f"committed {COMMITTED_BEFORE_KILL}")
    assert assert_only_whole_cases() >= COMMITTED_BEFORE_KILL


if __name__ == "__main__":
    write_cases(json.loads(sys.argv[1]), json.loads(sys.argv[2]))
