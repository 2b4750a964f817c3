"""What the lead guardian is told of failed sign-ins on caseworker accounts.

The owner is told at their own next sign-in (auth.views); the lead guardian sees, on the
dashboard, every caseworker account whose sign-in was slowed in the last 30 days, so a guessing
attack on a colleague's account is noticed even if that colleague says nothing. It names the
account only: nothing about where the attempts came from is ever kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import SLOW_AFTER_FAILURES
from fts_app.timeutil import as_london, utcnow

#: how far back the lead guardian is told of slowed caseworker accounts
RECENT_FAILURES = timedelta(days=30)
CASEWORKER_ROLES = [role.value for role in Role if role.works_cases]


@dataclass(frozen=True)
class FailedSignIns:
    """A caseworker account that had enough failed sign-ins lately to be slowed."""

    display_name: str
    role: Role
    failures: int
    #: London date of the latest failure
    latest_on: date
    #: True if the owner has signed in since, and so has been told
    owner_told: bool


def failed_sign_in_notices(
    session: Session, viewer_id: int, now: datetime | None = None
) -> list[FailedSignIns]:
    """Return other caseworker accounts slowed by failed sign-ins lately, latest first."""
    since = (now or utcnow()) - RECENT_FAILURES
    users = session.scalars(
        select(User)
        .where(
            User.role.in_(CASEWORKER_ROLES),
            User.id != viewer_id,
            User.last_failed_sign_in_at >= since,
            or_(
                User.failed_sign_ins >= SLOW_AFTER_FAILURES,
                User.failures_before_sign_in >= SLOW_AFTER_FAILURES,
            ),
        )
        .order_by(User.last_failed_sign_in_at.desc())
    )
    return [_notice(user) for user in users]


def _notice(user: User) -> FailedSignIns:
    still_waiting = (user.failed_sign_ins or 0) >= SLOW_AFTER_FAILURES
    assert user.last_failed_sign_in_at is not None
    return FailedSignIns(
        display_name=user.display_name or f"Account {user.id}",
        role=user.role,
        failures=user.failed_sign_ins if still_waiting else user.failures_before_sign_in,
        latest_on=as_london(user.last_failed_sign_in_at).date(),
        owner_told=not still_waiting,
    )
