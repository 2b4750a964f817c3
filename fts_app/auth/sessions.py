"""Server-side sessions: the signed cookie holds only a random token, the database row decides."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import update
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth.enums import SessionEnd
from fts_app.auth.models import User, UserSession
from fts_app.timeutil import naive_utc, utcnow

#: where the token lives in Flask's signed session cookie
COOKIE_FIELD = "staff_session"
#: how often a busy session's last-seen time is written (at most)
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class LiveSession:
    """A session row that has not ended or expired, with its account."""

    row: UserSession
    user: User
    token: str = field(repr=False)


def token_hash(token: str) -> str:
    """Return the row id for a token: its SHA-256, so a database leak gives no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db_session: Session, user: User, *, two_factor_passed: bool) -> str:
    """Add a new session row for `user` and return its token (shown only to the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db_session.add(
        UserSession(
            id=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            two_factor_passed=two_factor_passed,
        )
    )
    return token


def keep_in_cookie(token: str) -> None:
    """Start a fresh cookie holding only the new token, so no earlier value survives sign-in."""
    session.clear()
    session[COOKIE_FIELD] = token


def token_from_cookie() -> str | None:
    """Return the session token the browser sent, if any."""
    token = session.get(COOKIE_FIELD)
    return token if isinstance(token, str) else None


def forget_cookie() -> None:
    """Drop everything the browser holds for this session."""
    session.clear()


def end_session(row: UserSession, reason: SessionEnd) -> None:
    """Mark one row ended; an ended row never signs anyone in again."""
    if row.ended_at is None:
        row.ended_at = utcnow()
        row.ended_reason = reason


def end_sessions_of(
    db_session: Session,
    user_id: int,
    reason: SessionEnd,
    *,
    keep_id: str | None = None,
    pending_only: bool = False,
) -> int:
    """End every open session of an account but `keep_id`; return how many were ended.

    `pending_only` ends only sign-ins still waiting for their code.
    """
    query = (
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason.value)
        .execution_options(synchronize_session="fetch")
    )
    if keep_id is not None:
        query = query.where(UserSession.id != keep_id)
    if pending_only:
        query = query.where(UserSession.two_factor_passed.is_(False))
    return db_session.execute(query).rowcount


def expiry_reason(row: UserSession, now: datetime) -> SessionEnd | None:
    """Tell why an open row may no longer be used: idle too long, or simply too old."""
    config = current_app.config
    idle_limit = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute_limit = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    now = naive_utc(now)
    if now - naive_utc(row.created_at) >= absolute_limit:
        return SessionEnd.ABSOLUTE_TIMEOUT
    if now - naive_utc(row.last_seen_at) >= idle_limit:
        return SessionEnd.IDLE_TIMEOUT
    return None


def open_session() -> LiveSession | None:
    """Return the cookie's session while it is open; an expired one is ended there and then."""
    token = token_from_cookie()
    if token is None:
        return None
    row = db.session().get(UserSession, token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    user = db.session().get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    reason = expiry_reason(row, now)
    if reason is not None or naive_utc(now) - naive_utc(row.last_seen_at) >= TOUCH_INTERVAL:
        _note_activity(row.id, now, reason)
    if reason is not None:
        return None
    return LiveSession(row=row, user=user, token=token)


def _note_activity(row_id: str, now: datetime, expired: SessionEnd | None) -> None:
    with db.write_transaction() as db_session:
        row = db_session.get(UserSession, row_id)
        if row is None:
            return
        if expired is None:
            row.last_seen_at = now
            return
        end_session(row, expired)
        record(
            db_session,
            "auth.session_ended",
            actor_id=row.user_id,
            user_id=row.user_id,
            reason=expired.value,
        )
