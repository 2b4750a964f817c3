"""Small look-ups the sign-in and admin tests share."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.models import User, UserSession
from fts_app.timeutil import utcnow

COOKIE = "fts_session"


def sessions_of(user: User) -> list[UserSession]:
    """Return every server-side session row of an account, oldest first."""
    return list(
        db.session().scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at)
            .execution_options(populate_existing=True)
        )
    )


def session_count() -> int:
    """Return how many session rows exist for anyone."""
    return db.session().scalar(select(func.count()).select_from(UserSession)) or 0


def audit_entries(prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Return (action, detail) of every audit entry whose action starts with `prefix`."""
    entries = db.session().scalars(
        select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.sequence)
    )
    return [(entry.action, json.loads(entry.detail)) for entry in entries]


def refreshed(user: User) -> User:
    """Return the account as the database holds it now."""
    db.session().refresh(user)
    return user


def backdate(row: UserSession, **ago: timedelta) -> None:
    """Set a session's times to that long ago, as if the time had gone by."""
    with db.write_transaction() as session:
        stored = session.get(UserSession, row.id)
        assert stored is not None
        for column, amount in ago.items():
            setattr(stored, column, utcnow() - amount)


def session_cookie(client: FlaskClient) -> str:
    """Return the value of the browser's signed session cookie."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "the browser holds no session cookie"
    return cookie.value


def follow(client: FlaskClient, response: Any) -> str:
    """Follow a redirect and return the page it leads to, as text."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


SET_UP_LINK = re.compile(r"http://fts\.example(/account/set-up/\S+)")


def set_up_link(app: Flask, email: str) -> str:
    """Run the operator's `users set-up-link` and return the printed link's path."""
    result = app.test_cli_runner().invoke(
        args=["users", "set-up-link", "--email", email, "--base-url", "http://fts.example/"]
    )
    assert result.exit_code == 0, result.output
    match = SET_UP_LINK.search(result.output)
    assert match, result.output
    return match.group(1)
