"""Staff accounts: create them, sign them in and out, and manage their second factor."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth.approvals import awaiting_approval
from fts_app.auth.enums import Role, SessionEnd, SignInStep
from fts_app.auth.models import OneTimeToken, User, UserSession
from fts_app.auth.passwords import hash_secret, needs_rehash, secret_matches
from fts_app.auth.sessions import end_session, end_sessions_of, start_session, token_hash
from fts_app.auth.two_factor import matching_step
from fts_app.crypto.services import keyring
from fts_app.timeutil import naive_utc, utcnow

ISSUER = "Freedom to Speak Up"
MIN_PASSWORD_LENGTH = 12
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
FIRST_ADMIN = "first-admin"
#: the first-administrator link once opened: its token lives only in the signed cookie
FIRST_ADMIN_CLAIMED = "first-admin-claimed"
FIRST_ADMIN_LINK_LIFETIME = timedelta(hours=24)

# One message whether the address is unknown, the password wrong or sign-in paused, so the
# page never tells a stranger which addresses have accounts.
WRONG_DETAILS = (
    "Enter a correct email address and password. After 5 failed attempts in a row, "
    "sign-in is paused for 15 minutes."
)
DEACTIVATED = "This account has been deactivated. Ask an administrator if you need it again."
WRONG_CODE = "The code is not correct. Enter the 6-digit code your authenticator app shows now."
REUSED_CODE = (
    "This code has already been used. Wait for your authenticator app to show a new code, "
    "then enter that one."
)
PAUSED = "Too many failed attempts. Sign-in is paused for 15 minutes."
SESSION_ENDED = "Your session has ended, sign in again"
AWAITING_APPROVAL = (
    "Your account is set up. You can sign in once the lead guardian has approved it."
)


class AccountError(Exception):
    """An account cannot be created or changed as asked; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        #: the form field the message belongs to, if any
        self.field = field


class SignInRefused(Exception):
    """This sign-in attempt failed; the message is safe to show to the person."""


class SignInAbandoned(SignInRefused):
    """The half-finished sign-in is over: the person must start again from the password."""


class LinkUnusable(Exception):
    """A one-time link has expired, has been used, or is not needed any more."""


@dataclass(frozen=True)
class SignInStarted:
    """A password accepted: the new session's token and what the person must do next."""

    token: str = field(repr=False)
    next_step: SignInStep


def normalise_email(email: str) -> str:
    """Return the address as stored: trimmed and lower-case."""
    return email.strip().lower()


def validate_new_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )


def new_initial_password() -> str:
    """Return a random password for a new account, shown once to whoever creates it."""
    return secrets.token_urlsafe(15)


def set_totp_secret(user: User, secret: str) -> None:
    """Store a TOTP seed encrypted under the master keyring."""
    user.totp_secret_ciphertext = keyring().seal(secret.encode(), f"totp|{user.id}")


def totp_secret(user: User) -> str | None:
    """Return the user's TOTP seed, decrypted."""
    if user.totp_secret_ciphertext is None:
        return None
    return keyring().open(user.totp_secret_ciphertext, f"totp|{user.id}").decode()


def provisioning_uri(user: User) -> str:
    """Return the otpauth:// URI an authenticator app scans."""
    secret = totp_secret(user)
    if secret is None:
        raise AccountError("This account has no two-factor secret")
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def restart_two_factor(user: User) -> None:
    """Give the account a new TOTP seed that must be set up again at the next sign-in."""
    set_totp_secret(user, pyotp.random_base32())
    user.totp_confirmed_at = None
    user.last_totp_step = None


def create_user(
    session: Session,
    *,
    email: str,
    role: Role,
    password: str,
    display_name: str = "",
    actor_id: int | None = None,
) -> User:
    """Create an account; roles with two-factor sign-in get a fresh TOTP seed."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(
            "Enter an email address in the correct format, like name@nhs.net", field="email"
        )
    validate_new_password(password)
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(f"An account with the email address {email} already exists", "email")
    user = User(
        email=email,
        role=role,
        password_hash=hash_secret(password),
        display_name=display_name or email.split("@")[0],
    )
    session.add(user)
    session.flush()
    if role.uses_two_factor:
        restart_two_factor(user)
    record(session, "user.created", actor_id=actor_id, user_id=user.id, role=role.value)
    return user


def sign_in_with_password(email: str, password: str, *, replacing: str | None) -> SignInStarted:
    """Check the password and open a session that still needs any second factor.

    `replacing` is the token the browser already held, ended so one browser has one session.
    """
    with db.write_transaction() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        refusal = _password_refusal(session, user, password)
        if refusal is None and user is not None:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_secret(password)
            started = _start_sign_in(session, user, replacing)
    if refusal is not None:
        raise SignInRefused(refusal)
    return started


def _password_refusal(session: Session, user: User | None, password: str) -> str | None:
    if user is None:
        # the same slow work as a real check, so timing does not reveal unknown addresses
        secret_matches(_decoy_hash(), password)
        record(session, "auth.sign_in_failed", reason="unknown-account")
        return WRONG_DETAILS
    matches = secret_matches(user.password_hash, password)
    if is_locked(user, utcnow()):
        record(session, "auth.sign_in_failed", user_id=user.id, reason="paused")
        return WRONG_DETAILS
    if not matches:
        _count_failure(session, user, "wrong-password")
        return WRONG_DETAILS
    if not user.is_active:
        record(session, "auth.sign_in_failed", user_id=user.id, reason="deactivated")
        return DEACTIVATED
    return None


@cache
def _decoy_hash() -> str:
    return hash_secret(secrets.token_urlsafe(16))


def is_locked(user: User, now: datetime) -> bool:
    """Tell whether sign-in is paused for this account after too many failures."""
    return user.locked_until is not None and naive_utc(now) < naive_utc(user.locked_until)


def _count_failure(session: Session, user: User, reason: str) -> bool:
    """Count a failed attempt; pause sign-in after too many in a row. Return True if paused."""
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    record(session, "auth.sign_in_failed", user_id=user.id, reason=reason)
    if user.failed_sign_ins < LOCK_AFTER_FAILURES:
        return False
    user.failed_sign_ins = 0
    user.locked_until = utcnow() + LOCK_DURATION
    record(
        session,
        "auth.sign_in_paused",
        user_id=user.id,
        minutes=int(LOCK_DURATION.total_seconds() // 60),
    )
    return True


def _start_sign_in(session: Session, user: User, replacing: str | None) -> SignInStarted:
    if replacing is not None:
        previous = session.get(UserSession, token_hash(replacing))
        if previous is not None:
            end_session(previous, SessionEnd.REPLACED)
    step = _next_step(user)
    token = start_session(session, user, two_factor_passed=step is SignInStep.DONE)
    if step is SignInStep.DONE:
        _complete_sign_in(session, user, two_factor=False)
    return SignInStarted(token=token, next_step=step)


def _next_step(user: User) -> SignInStep:
    if user.must_set_password:
        return SignInStep.SET_PASSWORD
    if not user.role.uses_two_factor:
        return SignInStep.DONE
    if user.totp_confirmed_at is None:
        return SignInStep.SET_UP_TWO_FACTOR
    return SignInStep.TWO_FACTOR


def _complete_sign_in(session: Session, user: User, *, two_factor: bool) -> None:
    user.failed_sign_ins = 0
    user.locked_until = None
    record(session, "auth.signed_in", actor_id=user.id, user_id=user.id, two_factor=two_factor)


def sign_in_with_code(token: str, code: str) -> None:
    """Accept a TOTP code once: it must match now and be newer than the last code accepted.

    The first code accepted also confirms a new authenticator app.
    """
    with db.write_transaction() as session:
        row = session.get(UserSession, token_hash(token))
        user = session.get(User, row.user_id) if row is not None else None
        if (
            row is None
            or user is None
            or row.ended_at is not None
            or row.two_factor_passed
            or user.must_set_password
        ):
            raise SignInAbandoned(SESSION_ENDED)
        refusal, abandoned = _code_refusal(session, row, user, code)
        if refusal is None and awaiting_approval(session, user.id):
            # the authenticator is set up, but a caseworker role asked for in the web admin
            # gives no session until a lead guardian approves it
            end_session(row, SessionEnd.AWAITING_APPROVAL)
            refusal, abandoned = AWAITING_APPROVAL, True
        elif refusal is None:
            row.two_factor_passed = True
            _complete_sign_in(session, user, two_factor=True)
    if refusal is not None and abandoned:
        raise SignInAbandoned(refusal)
    if refusal is not None:
        raise SignInRefused(refusal)


def _code_refusal(
    session: Session, row: UserSession, user: User, code: str
) -> tuple[str | None, bool]:
    """Check a code; return the message to show (None if accepted) and whether to start over."""
    now = utcnow()
    secret = totp_secret(user)
    if is_locked(user, now) or secret is None:
        end_session(row, SessionEnd.LOCKED)
        return PAUSED, True
    step = matching_step(secret, code, now)
    if step is None or (user.last_totp_step is not None and step <= user.last_totp_step):
        message, reason = (WRONG_CODE, "wrong-code") if step is None else (REUSED_CODE, "reused")
        if _count_failure(session, user, reason):
            end_session(row, SessionEnd.LOCKED)
            return PAUSED, True
        return message, False
    user.last_totp_step = step
    if user.totp_confirmed_at is None:
        user.totp_confirmed_at = now
        record(session, "auth.two_factor_set_up", actor_id=user.id, user_id=user.id)
    return None, False


def sign_out(token: str) -> None:
    """End the session on the server, so its cookie is worthless from now on."""
    with db.write_transaction() as session:
        row = session.get(UserSession, token_hash(token))
        if row is None or row.ended_at is not None:
            return
        end_session(row, SessionEnd.SIGNED_OUT)
        record(session, "auth.signed_out", actor_id=row.user_id, user_id=row.user_id)


def change_password(user_id: int, keep_token: str, current: str, new: str) -> int:
    """Change a password and end the account's other sessions; return how many ended."""
    with db.write_transaction() as session:
        user = session.get(User, user_id)
        if user is None or not secret_matches(user.password_hash, current):
            raise AccountError("Your current password is not correct", field="current_password")
        validate_new_password(new)
        user.password_hash = hash_secret(new)
        user.password_changed_at = utcnow()
        ended = end_sessions_of(
            session, user.id, SessionEnd.PASSWORD_CHANGED, keep_id=token_hash(keep_token)
        )
        record(
            session,
            "auth.password_changed",
            actor_id=user.id,
            user_id=user.id,
            sessions_ended=ended,
        )
    return ended


def _has_accounts(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def issue_first_admin_token() -> str | None:
    """Make a single-use link token for creating the first administrator, if there is no one."""
    with db.write_transaction() as session:
        if _has_accounts(session):
            return None
        token = secrets.token_urlsafe(32)
        session.add(
            OneTimeToken(
                id=token_hash(token),
                purpose=FIRST_ADMIN,
                expires_at=utcnow() + FIRST_ADMIN_LINK_LIFETIME,
            )
        )
        record(session, "auth.first_admin_link_issued")
    return token


def take_link(session: Session, token: str, purpose: str) -> OneTimeToken:
    """Mark a one-time link used, or raise LinkUnusable; the row stays locked until commit."""
    link = session.scalar(
        select(OneTimeToken).where(OneTimeToken.id == token_hash(token)).with_for_update()
    )
    if link is None or not usable_link(link, purpose):
        raise LinkUnusable
    link.used_at = utcnow()
    return link


def usable_link(row: OneTimeToken | None, purpose: str) -> bool:
    """Tell whether a one-time link row is for `purpose`, unused and unexpired."""
    return (
        row is not None
        and row.purpose == purpose
        and row.used_at is None
        and naive_utc(utcnow()) < naive_utc(row.expires_at)
    )


def claim_first_admin_link(token: str) -> str:
    """Use up the printed link at its first opening and return a claim for the browser's cookie.

    The link's path reaches access logs; once opened it is worthless, and the form is filled
    in under the claim, which only the cookie holds.
    """
    with db.write_transaction() as session:
        link = take_link(session, token, FIRST_ADMIN)
        if _has_accounts(session):
            raise LinkUnusable
        claim = secrets.token_urlsafe(32)
        session.add(
            OneTimeToken(
                id=token_hash(claim), purpose=FIRST_ADMIN_CLAIMED, expires_at=link.expires_at
            )
        )
        record(session, "auth.first_admin_link_opened")
    return claim


def first_admin_claim_usable(claim: str) -> bool:
    """Tell whether a claimed first-administrator link can still create the administrator."""
    session = db.session()
    row = session.get(OneTimeToken, token_hash(claim))
    return usable_link(row, FIRST_ADMIN_CLAIMED) and not _has_accounts(session)


def create_first_admin(
    claim: str, *, email: str, display_name: str, password: str
) -> SignInStarted:
    """Use the claimed link once to create the first administrator, who then sets up two-factor."""
    with db.write_transaction() as session:
        link = take_link(session, claim, FIRST_ADMIN_CLAIMED)
        if _has_accounts(session):
            raise LinkUnusable
        user = create_user(
            session, email=email, role=Role.ADMIN, password=password, display_name=display_name
        )
        link.user_id = user.id
        record(session, "auth.first_admin_created", actor_id=user.id, user_id=user.id)
        session_token = start_session(session, user, two_factor_passed=False)
    return SignInStarted(token=session_token, next_step=SignInStep.SET_UP_TWO_FACTOR)
