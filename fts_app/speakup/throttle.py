"""Slow down access-code guessing, per case reference and overall, without locking anyone out.

Each failure is counted before the code is checked, so parallel guesses cannot slip past the
count; a right code then clears its reference's count. Every delay is capped, so the person
the code belongs to can always get in once it has passed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fts_app.speakup.models import FollowUpThrottle
from fts_app.timeutil import naive_utc, utcnow

OVERALL_KEY = "overall"
#: failures against one reference before each further attempt has to wait
FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
#: failures across all references before every attempt has to wait; enough for a busy day
OVERALL_FREE_FAILURES = 200
OVERALL_MAX_DELAY = timedelta(minutes=1)
#: a count left alone this long starts again from nothing
FORGET_AFTER = timedelta(hours=24)


def throttle_key(reference: str) -> str:
    """Return the keyed hash a reference is counted under; the reference itself is not kept."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, reference.encode(), hashlib.sha256).hexdigest()


def delay_after(failures: int, free: int, cap: timedelta) -> timedelta:
    """Return the wait after a number of failures: doubling from 1 second, never above cap."""
    if failures < free:
        return timedelta(0)
    # the exponent is bounded so the arithmetic stays small however many failures pile up
    seconds = 2 ** min(failures - free, 32)
    return min(timedelta(seconds=seconds), cap)


def admit(session: Session, reference: str, now: datetime | None = None) -> datetime | None:
    """Let an attempt be checked, counting it as failed for now; or return when to come back.

    An attempt that has to wait is not counted, so waiting never makes the wait longer.
    """
    now = now or utcnow()
    _forget_old_counts(session, now)
    rows = [
        (_locked_row(session, throttle_key(reference), now), FREE_FAILURES, MAX_DELAY),
        (_locked_row(session, OVERALL_KEY, now), OVERALL_FREE_FAILURES, OVERALL_MAX_DELAY),
    ]
    waits = [
        row.next_allowed_at for row, _, _ in rows if naive_utc(row.next_allowed_at) > naive_utc(now)
    ]
    if waits:
        return max(waits, key=naive_utc)
    for row, free, cap in rows:
        row.failures += 1
        row.last_failure_at = now
        row.next_allowed_at = now + delay_after(row.failures, free, cap)
    return None


def forgive(session: Session, reference: str) -> None:
    """Take back the failure counted for an attempt that turned out right."""
    session.execute(delete(FollowUpThrottle).where(FollowUpThrottle.key == throttle_key(reference)))
    overall = _locked_row(session, OVERALL_KEY, utcnow())
    overall.failures = max(overall.failures - 1, 0)


def _locked_row(session: Session, key: str, now: datetime) -> FollowUpThrottle:
    # The row lock makes parallel attempts against one reference count one after another.
    row = session.get(FollowUpThrottle, key, with_for_update=True, populate_existing=True)
    return row or _new_row(session, key, now)


def _new_row(session: Session, key: str, now: datetime) -> FollowUpThrottle:
    try:
        with session.begin_nested():
            session.add(
                FollowUpThrottle(key=key, failures=0, last_failure_at=now, next_allowed_at=now)
            )
    except IntegrityError:
        # Another attempt created it first; count on top of theirs.
        pass
    row = session.get(FollowUpThrottle, key, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def _forget_old_counts(session: Session, now: datetime) -> None:
    session.execute(
        delete(FollowUpThrottle).where(FollowUpThrottle.last_failure_at < now - FORGET_AFTER)
    )
