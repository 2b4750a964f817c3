"""Share out access-code checks from one budget, so guessing is slow but never locks anyone out.

Submissions take from a second budget the same way (`submission_budget`, below).

Each check hashes the typed code with argon2id, so the budget bounds the CPU spent hashing: a
burst of checks after a quiet spell, then one per interval. An attempt that finds the budget
spent is refused before any hashing, takes nothing, and can come back within one interval.
Nothing builds up: guessing more slowly than the budget never makes anyone wait, and the budget
is full again a burst's length after guessing stops.

There is deliberately no count per case reference. References are sequential, so a wait per
reference would let anyone keep a named person out by guessing against theirs; and letting the
right code through such a wait would still check, and so answer, every guess. Codes are 20
random digits (66 bits): a year of guessing at the budget's full rate has less than a one in a
trillion chance of finding any code at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fts_app.speakup.models import FollowUpThrottle
from fts_app.timeutil import naive_utc, utcnow

OVERALL_KEY = "overall"
SUBMISSIONS_KEY = "submissions"
#: checks that may run back to back after a quiet spell
BURST = 20
#: then one check per interval: 2 a second at most, which is also the longest anyone waits
INTERVAL = timedelta(milliseconds=500)


@dataclass(frozen=True)
class Budget:
    """One portal-wide budget: its row's key, a burst after a quiet spell, then one per interval."""

    key: str
    burst: int
    interval: timedelta


ACCESS_CODE_CHECKS = Budget(OVERALL_KEY, BURST, INTERVAL)


def submission_budget() -> Budget:
    """Return the budget portal submissions share, from FTS_SUBMISSION_* (README "Configuration").

    It bounds the work a flood of submissions makes (a hash, an encrypted case, the guardians'
    queue), for everyone at once: nothing is kept about who sent what.
    """
    config = current_app.config
    return Budget(
        SUBMISSIONS_KEY,
        config["SUBMISSION_BURST"],
        timedelta(seconds=config["SUBMISSION_INTERVAL_SECONDS"]),
    )


def admit(
    session: Session, now: datetime | None = None, budget: Budget = ACCESS_CODE_CHECKS
) -> datetime | None:
    """Take one from the budget; or, taking nothing, return when the next is free."""
    now = as_utc(now or utcnow())
    row = _locked_row(session, now, budget)
    next_allowed_at = as_utc(row.next_allowed_at)
    if next_allowed_at > now:
        return next_allowed_at
    # Time since the last one refills the budget, up to one burst: one timestamp is the
    # whole state (the "generic cell rate algorithm"), and it never lies more than an
    # interval ahead.
    full_since = now - (budget.burst - 1) * budget.interval
    row.next_allowed_at = max(next_allowed_at, full_since) + budget.interval
    return None


def as_utc(moment: datetime) -> datetime:
    """Return a time, as stored by either database or made here, as aware UTC."""
    return naive_utc(moment).replace(tzinfo=UTC)


def _locked_row(session: Session, now: datetime, budget: Budget) -> FollowUpThrottle:
    # The row lock makes parallel attempts take from the budget one after another.
    row = session.get(FollowUpThrottle, budget.key, with_for_update=True, populate_existing=True)
    return row or _new_row(session, now, budget)


def _new_row(session: Session, now: datetime, budget: Budget) -> FollowUpThrottle:
    try:
        with session.begin_nested():
            full = now - budget.burst * budget.interval
            session.add(FollowUpThrottle(key=budget.key, next_allowed_at=full))
    except IntegrityError:
        # Another attempt created it first; take from theirs.
        pass
    row = session.get(FollowUpThrottle, budget.key, with_for_update=True, populate_existing=True)
    assert row is not None
    return row
