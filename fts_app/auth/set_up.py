"""Set-up links: how a person made or reset in the web admin chooses their own credentials.

The web admin never sees, chooses or receives another person's password or authenticator: it
replaces them with nothing anyone knows, and the person sets their own through a one-time link
that only the server prints (`flask --app wsgi users set-up-link`, README "Commands").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth.enums import Role, SessionEnd, SignInStep
from fts_app.auth.models import OneTimeToken, User, UserSession
from fts_app.auth.passwords import hash_secret
from fts_app.auth.services import (
    SESSION_ENDED,
    AccountError,
    LinkUnusable,
    SignInAbandoned,
    SignInStarted,
    _complete_sign_in,
    _next_step,
    _start_sign_in,
    normalise_email,
    restart_two_factor,
    take_link,
    validate_new_password,
)
from fts_app.auth.sessions import end_sessions_of, token_hash
from fts_app.timeutil import as_london, naive_utc, utcnow

SET_UP = "account-set-up"
#: how far back caseworkers are told of caseworker accounts made or reset
RECENT_CHANGES = timedelta(days=30)
CASEWORKER_ROLES = [role.value for role in Role if role.works_cases]


def replace_credentials(session: Session, user: User) -> None:
    """Give the account a password and authenticator nobody knows, to be set through a link."""
    user.password_hash = hash_secret(secrets.token_urlsafe(32))
    user.must_set_password = True
    if user.role.uses_two_factor:
        restart_two_factor(user)
    session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose == SET_UP,
            OneTimeToken.used_at.is_(None),
        )
    )


def reset_sign_in(session: Session, user: User, *, actor_id: int) -> int:
    """Replace the account's credentials, end its sessions; return how many sessions ended."""
    replace_credentials(session, user)
    user.sign_in_reset_at = utcnow()
    ended = end_sessions_of(session, user.id, SessionEnd.SIGN_IN_RESET)
    record(session, "admin.sign_in_reset", actor_id=actor_id, user_id=user.id, sessions_ended=ended)
    return ended


def issue_set_up_link(email: str) -> str:
    """Make a new set-up link for an account waiting for set-up; any earlier link stops working."""
    with db.write_transaction() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise AccountError(f"No account has the email address {normalise_email(email)}")
        if not user.is_active:
            raise AccountError(f"The account {user.email} is deactivated")
        if not user.must_set_password:
            raise AccountError(
                f"The account {user.email} has no set-up waiting. An administrator can reset "
                "its sign-in on the account's page first."
            )
        session.execute(
            delete(OneTimeToken).where(
                OneTimeToken.user_id == user.id,
                OneTimeToken.purpose == SET_UP,
                OneTimeToken.used_at.is_(None),
            )
        )
        token = secrets.token_urlsafe(32)
        lifetime = timedelta(hours=current_app.config["SET_UP_LINK_HOURS"])
        session.add(
            OneTimeToken(
                id=token_hash(token),
                purpose=SET_UP,
                user_id=user.id,
                expires_at=utcnow() + lifetime,
            )
        )
        record(session, "auth.set_up_link_issued", user_id=user.id)
    return token


def open_set_up_link(token: str, *, replacing: str | None) -> SignInStarted:
    """Use up a set-up link at its first opening and start a sign-in that must set a password.

    The link's path reaches access logs: once opened it is worthless, and the person goes on
    under a session only their cookie holds.
    """
    with db.write_transaction() as session:
        link = take_link(session, token, SET_UP)
        user = session.get(User, link.user_id) if link.user_id is not None else None
        if user is None or not user.is_active or not user.must_set_password:
            raise LinkUnusable
        record(session, "auth.set_up_link_opened", actor_id=user.id, user_id=user.id)
        return _start_sign_in(session, user, replacing)


def choose_password(token: str, password: str) -> SignInStep:
    """Set the password of the account signing in with `token`; return what comes next."""
    validate_new_password(password)
    with db.write_transaction() as session:
        row = session.get(UserSession, token_hash(token))
        user = session.get(User, row.user_id) if row is not None else None
        if (
            row is None
            or user is None
            or row.ended_at is not None
            or row.two_factor_passed
            or not user.must_set_password
        ):
            raise SignInAbandoned(SESSION_ENDED)
        user.password_hash = hash_secret(password)
        user.must_set_password = False
        user.password_changed_at = utcnow()
        record(session, "auth.password_set_up", actor_id=user.id, user_id=user.id)
        step = _next_step(user)
        if step is SignInStep.DONE:
            # only board members sign in without a code; no approval ever waits for them
            row.two_factor_passed = True
            _complete_sign_in(session, user, two_factor=False)
    return step


@dataclass(frozen=True)
class AccountChange:
    """A caseworker account made or reset lately, as every caseworker is told of it."""

    email: str
    display_name: str
    what: str
    on: date


def recent_caseworker_account_changes(
    session: Session, now: datetime | None = None
) -> list[AccountChange]:
    """Return caseworker accounts created or reset in the last 30 days, newest first."""
    since = (now or utcnow()) - RECENT_CHANGES
    users = session.scalars(
        select(User).where(
            User.role.in_(CASEWORKER_ROLES),
            or_(User.created_at >= since, User.sign_in_reset_at >= since),
        )
    )
    changes = [
        AccountChange(user.email, user.display_name, what, as_london(moment).date())
        for user in users
        for what, moment in (("created", user.created_at), ("sign-in reset", user.sign_in_reset_at))
        if moment is not None and naive_utc(moment) >= naive_utc(since)
    ]
    return sorted(changes, key=lambda change: change.on, reverse=True)
