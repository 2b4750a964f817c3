"""Journey 5: a guardian signed in on a ward computer speaks up through the portal in that browser.

The portal must not see, touch or end the guardian's session, nor write anything keyed to them,
so nothing ties the guardian to the concern (fts_app/cookies.py); their own session carries on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageChecks
from tests.browser.people import MouseUser
from tests.browser.server import LiveServer
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

CONCERN = "Agency staff on ward 3 are not given a handover before night shifts."


def database_file(server: LiveServer) -> Path:
    """Return the SQLite file the live server writes."""
    return Path(server.database_url.removeprefix("sqlite:///"))


def query(server: LiveServer, sql: str, *values: Any) -> list[tuple[Any, ...]]:
    """Run one statement against the live server's database and return its rows."""
    with closing(sqlite3.connect(database_file(server))) as connection, connection:
        return connection.execute(sql, values).fetchall()


def staff_sessions(server: LiveServer) -> list[tuple[Any, ...]]:
    """Return every staff session row as stored."""
    return query(server, "SELECT * FROM user_sessions ORDER BY id")


def test_a_portal_visit_from_a_signed_in_browser_changes_no_staff_row(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    account = live_server.create_account("ward-guardian@trust.nhs.example", "guardian")
    guardian = MouseUser(new_person())
    sign_in(guardian, account, check_page)
    expect(guardian.page.get_by_role("heading", level=1)).to_have_text("Cases")
    # seen five minutes ago, so a touch by any portal page would show as a new time
    query(live_server, "UPDATE user_sessions SET last_seen_at = datetime('now', '-5 minutes')")
    sessions_before = staff_sessions(live_server)
    (newest_entry,) = query(live_server, "SELECT max(sequence) FROM audit_events")

    page = guardian.page
    page.goto("/speak-up/new")
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    check_page(page, "concern-form-staff-browser")
    guardian.fill(page.get_by_label("What happened?"), CONCERN)
    guardian.tick(page.get_by_label("Bullying or harassment"))
    guardian.choose(page.get_by_label("Anonymously"))
    guardian.follow(page.get_by_role("button", name="Send your concern"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your concern has been sent")

    assert staff_sessions(live_server) == sessions_before
    written = query(
        live_server, "SELECT action, actor_id FROM audit_events WHERE sequence > ?", *newest_entry
    )
    assert ("case.opened", None) in written
    assert all(actor is None for _, actor in written), written

    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
