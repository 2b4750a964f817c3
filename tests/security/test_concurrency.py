"""200 portal submissions and 200 guardian notes at once, from several processes, to a served app.

Each is stored exactly once, references are unique, and no request fails — on SQLite and, when
FTS_TEST_POSTGRES_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import re
import secrets
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from fts_app import db
from fts_app.audit.services import verify
from fts_app.cases.models import Case, CaseEvent
from tests.browser.server import Account, LiveServer

SUBMISSIONS = 200
NOTES = 200
PROCESSES = 4
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
FORM_ID = re.compile(r'name="form_id" value="([^"]+)"')
REFERENCE = re.compile(r'id="case-reference">\s*([^<\s]+)')


class Browser:
    """A cookie-keeping HTTP client on loopback, one per process."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        if cookies:
            header = "; ".join(f"{name}={value}" for name, value in cookies.items())
            self.opener.addheaders.append(("Cookie", header))

    def cookies(self) -> dict[str, str]:
        """Return the cookies this browser holds, to carry a signed-in session elsewhere."""
        return {cookie.name: cookie.value or "" for cookie in self.jar}

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base_url + path, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
            return response.status, response.geturl(), response.read().decode()

    def form(self, path: str) -> tuple[str, str]:
        """Return a form page's CSRF token and the page."""
        _, _, page = self.get(path)
        match = CSRF.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2), page


def submit_concerns(base_url: str, markers: list[str]) -> list[str]:
    """Send one anonymous concern per marker; return the references shown."""
    browser = Browser(base_url)
    references = []
    for marker in markers:
        token, page = browser.form("/speak-up/new")
        form_id = FORM_ID.search(page)
        assert form_id
        fields = {
            "csrf_token": token,
            "form_id": form_id.group(1),
            "narrative": f"Concurrent concern {marker}",
            "confidentiality": "anonymous",
        }
        status, _, shown = browser.post("/speak-up/new", fields)
        reference = REFERENCE.search(shown)
        assert status == 200 and reference, f"submission {marker} was not accepted"
        references.append(reference.group(1))
    return references


def add_notes(base_url: str, cookies: dict[str, str], reference: str, markers: list[str]) -> int:
    """Add one note per marker to the case, in the guardian's signed-in session."""
    browser = Browser(base_url, cookies)
    for marker in markers:
        token, _ = browser.form(f"/cases/{reference}/note")
        status, landed, _ = browser.post(
            f"/cases/{reference}/note", {"csrf_token": token, "body": f"Note {marker}"}
        )
        assert status == 200 and "/login" not in landed, f"note {marker} was not added"
    return len(markers)


def sign_in(base_url: str, account: Account, code: str) -> Browser:
    """Sign in through the pages: password, then the authenticator code."""
    browser = Browser(base_url)
    token, _ = browser.form("/login")
    _, landed, page = browser.post(
        "/login", {"csrf_token": token, "email": account.email, "password": account.password}
    )
    second_step = urllib.parse.urlsplit(landed).path
    token = CSRF.search(page)
    assert token, f"no second step after the password: {second_step}"
    _, landed, _ = browser.post(
        second_step, {"csrf_token": token.group(1) or token.group(2), "code": code}
    )
    assert "/login" not in landed, "the guardian could not sign in"
    return browser


@pytest.fixture
def served(app: Flask, tmp_path: Path) -> Iterator[LiveServer]:
    """gunicorn with two workers on this test's freshly migrated database."""
    instance = tmp_path / "served"
    instance.mkdir()
    # The server and this test read the same database with the same keys.
    (instance / "master_keys").write_text(app.config["MASTER_KEYS"] + "\n")
    (instance / "audit_key").write_text(app.config["AUDIT_KEY"] + "\n")
    # Every submission (and the queue case) is sent at once; the portal-wide budget would turn
    # most away (README), and it is not what this tests.
    (instance / "config.py").write_text(f"SUBMISSION_BURST = {2 * SUBMISSIONS}\n")
    server = LiveServer(instance, database_url=app.config["DATABASE_URL"], workers=2)
    server.start()
    yield server
    server.stop()


def split(items: list[str], parts: int) -> list[list[str]]:
    return [items[index::parts] for index in range(parts)]


def test_concurrent_submissions_and_notes_are_each_stored_once(
    app: Flask, served: LiveServer
) -> None:
    guardian = served.create_account("guardian@trust.nhs.example", "guardian")
    queue_case = submit_concerns(served.base_url, ["first"])[0]
    taker = sign_in(served.base_url, guardian, guardian.next_code())
    token, _ = taker.form(f"/cases/{queue_case}")
    taker.post(f"/cases/{queue_case}/take", {"csrf_token": token})

    run = secrets.token_hex(4)
    concern_markers = [f"{run}-c{number}" for number in range(SUBMISSIONS)]
    note_markers = [f"{run}-n{number}" for number in range(NOTES)]
    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        submitted: list[Future[Any]] = [
            pool.submit(submit_concerns, served.base_url, chunk)
            for chunk in split(concern_markers, PROCESSES // 2)
        ]
        noted: list[Future[Any]] = [
            pool.submit(add_notes, served.base_url, taker.cookies(), queue_case, chunk)
            for chunk in split(note_markers, PROCESSES // 2)
        ]
        references = [reference for future in submitted for reference in future.result()]
        notes_added = sum(future.result() for future in noted)

    assert len(references) == SUBMISSIONS and len(set(references)) == SUBMISSIONS
    assert notes_added == NOTES
    session = db.session()
    assert session.scalar(select(func.count()).select_from(Case)) == SUBMISSIONS + 1
    stored = sorted(case.narrative for case in session.scalars(select(Case)))
    assert stored == sorted(
        [f"Concurrent concern {marker}" for marker in concern_markers]
        + ["Concurrent concern first"]
    )
    notes = [
        event.body
        for event in session.scalars(select(CaseEvent).where(CaseEvent.kind == "note"))
        if event.body and event.body.startswith("Note ")
    ]
    assert sorted(notes) == sorted(f"Note {marker}" for marker in note_markers)
    assert verify(session).intact
