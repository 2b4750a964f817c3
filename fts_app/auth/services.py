"""Staff accounts: create them, sign them in and out, and manage their second factor."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import pyotp
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth import known_devices
from fts_app.auth.approvals import awaiting_approval
from fts_app.auth.enums import Role, SessionEnd, SignInStep
from fts_app.auth.models import OneTimeToken, UnknownAddressFailures, User, UserSession
from fts_app.auth.passwords import hash_secret, needs_rehash, secret_matches
from fts_app.auth.sessions import end_session, end_sessions_of, start_session, token_hash
from fts_app.auth.two_factor import matching_step
from fts_app.crypto.services import keyring
from fts_app.timeutil import naive_utc, utcnow

ISSUER = "Freedom to Speak Up"
MIN_PASSWORD_LENGTH = 12
#: failed attempts on an account (passwords and codes) before further attempts must wait
SLOW_AFTER_FAILURES = 5
#: the wait after the failure that reaches SLOW_AFTER_FAILURES; it doubles with each one more
FIRST_WAIT = timedelta(seconds=30)
#: the longest wait, however many failures: short, so the owner is never kept out for long
LONGEST_WAIT = timedelta(minutes=5)
#: how long failures at an address with no account are remembered after the latest one
UNKNOWN_ADDRESSES_KEPT = timedelta(days=30)
FIRST_ADMIN = "first-admin"
#: the first-administrator link once opened: its token lives only in the signed cookie
FIRST_ADMIN_CLAIMED = "first-admin-claimed"
FIRST_ADMIN_LINK_LIFETIME = timedelta(hours=24)

# One message whether the address is unknown or the password wrong, so the page never tells a
# stranger which addresses have accounts.
WRONG_DETAILS = (
    "Enter a correct email address and password. After 5 failed attempts, each further "
    "attempt must wait a little longer, up to 5 minutes."
)
DEACTIVATED = "This account has been deactivated. Ask an administrator if you need it again."
WRONG_CODE = "The code is not correct. Enter the 6-digit code your authenticator app shows now."
REUSED_CODE = (
    "This code has already been used. Wait for your authenticator app to show a new code, "
    "then enter that one."
)
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


class SignInSlowed(SignInRefused):
    """The account had too many failed attempts lately: this one came before its wait was over."""


class LinkUnusable(Exception):
    """A one-time link has expired, has been used, or is not needed any more."""


@dataclass(frozen=True)
class SignInStarted:
    """A password accepted: the new session's token and what the person must do next."""

    token: str = field(repr=False)
    next_step: SignInStep
    #: failed attempts since the last sign-in, told to the owner once the sign-in is done
    failures: int = 0


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


def sign_in_with_password(
    email: str, password: str, *, replacing: str | None, known_device: str | None = None
) -> SignInStarted:
    """Check the password and open a session that still needs any second factor.

    `replacing` is the token the browser already held, ended so one browser has one session;
    `known_device` the browser's known-device cookie, if any (auth.known_devices).
    """
    with db.write_transaction() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        refusal = _password_refusal(session, user, email, password, known_device)
        if refusal is None and user is not None:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_secret(password)
            started = _start_sign_in(session, user, replacing)
    if refusal is not None:
        raise refusal
    return started


def _password_refusal(
    session: Session, user: User | None, email: str, password: str, known_device: str | None
) -> SignInRefused | None:
    """Return why the password is refused (raised once the failure is recorded), or None."""
    if user is None:
        return _unknown_address_refusal(session, email, password)
    # a browser the owner finished a sign-in with is never made to wait (auth.known_devices)
    known = known_devices.is_known(user, known_device)
    wait = timedelta(0) if known else wait_left(user, utcnow())
    if wait:
        # refused before the password is checked, so it tells nothing about the password
        record(session, "auth.sign_in_failed", user_id=user.id, reason="slowed")
        return SignInSlowed(wait_message(wait))
    if not secret_matches(user.password_hash, password):
        _count_failure(session, user, "wrong-password")
        return SignInRefused(WRONG_DETAILS)
    if not user.is_active:
        record(session, "auth.sign_in_failed", user_id=user.id, reason="deactivated")
        return SignInRefused(DEACTIVATED)
    return None


def _unknown_address_refusal(session: Session, email: str, password: str) -> SignInRefused:
    """Refuse an address with no account exactly as an account's attempts would be refused.

    The same slow check, and the same wait once failures mount up, so neither the time taken
    nor the message tells whether the address has an account.
    """
    now = utcnow()
    session.execute(
        delete(UnknownAddressFailures).where(
            UnknownAddressFailures.last_failed_sign_in_at < now - UNKNOWN_ADDRESSES_KEPT
        )
    )
    key = _address_key(email)
    counted = session.get(UnknownAddressFailures, key)
    record(session, "auth.sign_in_failed", reason="unknown-account")
    wait = wait_left(counted, now) if counted is not None else timedelta(0)
    if wait:
        return SignInSlowed(wait_message(wait))
    secret_matches(_decoy_hash(), password)
    if counted is None:
        counted = UnknownAddressFailures(address_key=key, failed_sign_ins=0)
        session.add(counted)
    counted.failed_sign_ins += 1
    counted.last_failed_sign_in_at = now
    return SignInRefused(WRONG_DETAILS)


def _address_key(email: str) -> str:
    # keyed, so the table cannot be matched against a list of likely addresses
    secret = current_app.config["SECRET_KEY"].encode()
    typed = normalise_email(email).encode()
    return hmac.new(secret, b"unknown-address|" + typed, hashlib.sha256).hexdigest()


@cache
def _decoy_hash() -> str:
    return hash_secret(secrets.token_urlsafe(16))


def wait_after(failures: int) -> timedelta:
    """Return how long the next attempt must wait after this many failures in a row.

    Why an account is slowed rather than locked (security review, finding 11): a lock-out
    lets anyone keep the owner out by typing wrong passwords for them. Here no attempt is
    ever refused for longer than LONGEST_WAIT after the latest failure, and:

    - A password tried before the wait is over is refused unchecked: it tells nothing about
      the password, is not counted and does not push the wait back, so a guesser gets one
      guess per wait (at most 288 a day on an account, under the per-address limits too).
    - The owner told to wait is let in with the right password and code by the first try
      after the wait; only another failure landing in between starts a new wait, which is
      again at most LONGEST_WAIT. So that a guesser cannot take every such try first, a
      browser the owner has signed in with lately never waits (auth.known_devices).
    - Once the password is accepted the code step is never made to wait, so failures
      from elsewhere cannot stop an owner who is already past the password. A wrong code
      counts like a wrong password; one that leaves the account slowed ends every half-done
      sign-in of it, so codes too are guessed at most once per wait.
    - A success clears the count; the owner, and for caseworkers the lead guardian, are
      told how many failures there were (`failed_sign_in_notices`).
    """
    if failures < SLOW_AFTER_FAILURES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - SLOW_AFTER_FAILURES, 16), LONGEST_WAIT)


def wait_left(user: User | UnknownAddressFailures, now: datetime) -> timedelta:
    """Return how much longer the next attempt on this account must wait (zero if none)."""
    if user.last_failed_sign_in_at is None:
        return timedelta(0)
    ready_at = naive_utc(user.last_failed_sign_in_at) + wait_after(user.failed_sign_ins or 0)
    return max(ready_at - naive_utc(now), timedelta(0))


def wait_message(wait: timedelta) -> str:
    """Say how long to wait, rounded up to a whole second or minute."""
    seconds = max(int(-(-wait.total_seconds() // 1)), 1)
    if seconds <= 90:
        amount = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = -(-seconds // 60)
        amount = f"{minutes} minutes"
    return (
        f"There have been too many failed sign-in attempts on this account. Wait {amount} "
        "and try again."
    )


def _count_failure(
    session: Session, user: User, reason: str, *, action: str = "auth.sign_in_failed"
) -> timedelta:
    """Count a failed attempt; return how long the next attempt on the account must wait."""
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    user.last_failed_sign_in_at = utcnow()
    # a password change is made signed in, so the account is also the actor
    actor_id = user.id if action == "auth.password_change_failed" else None
    record(session, action, actor_id=actor_id, user_id=user.id, reason=reason)
    wait = wait_after(user.failed_sign_ins)
    if wait:
        record(
            session,
            "auth.sign_in_slowed",
            user_id=user.id,
            failures=user.failed_sign_ins,
            seconds=int(wait.total_seconds()),
        )
    return wait


def _start_sign_in(session: Session, user: User, replacing: str | None) -> SignInStarted:
    if replacing is not None:
        previous = session.get(UserSession, token_hash(replacing))
        if previous is not None:
            end_session(previous, SessionEnd.REPLACED)
    step = _next_step(user)
    token = start_session(session, user, two_factor_passed=step is SignInStep.DONE)
    failures = 0
    if step is SignInStep.DONE:
        failures = _complete_sign_in(session, user, two_factor=False)
    return SignInStarted(token=token, next_step=step, failures=failures)


def _next_step(user: User) -> SignInStep:
    if user.must_set_password:
        return SignInStep.SET_PASSWORD
    if not user.role.uses_two_factor:
        return SignInStep.DONE
    if user.totp_confirmed_at is None:
        return SignInStep.SET_UP_TWO_FACTOR
    return SignInStep.TWO_FACTOR


def _complete_sign_in(session: Session, user: User, *, two_factor: bool) -> int:
    """Finish a sign-in; return the failed attempts since the last one, to tell the owner."""
    failures = user.failed_sign_ins or 0
    user.failed_sign_ins = 0
    user.failures_before_sign_in = failures
    record(session, "auth.signed_in", actor_id=user.id, user_id=user.id, two_factor=two_factor)
    return failures


def sign_in_with_code(token: str, code: str) -> int:
    """Accept a TOTP code once: it must match now and be newer than the last code accepted.

    The first code accepted also confirms a new authenticator app. Return the failed attempts
    on the account since its last sign-in, to tell the owner.
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
        failures = 0
        if refusal is None and awaiting_approval(session, user.id):
            # the authenticator is set up, but a caseworker role asked for in the web admin
            # gives no session until a lead guardian approves it
            end_session(row, SessionEnd.AWAITING_APPROVAL)
            refusal, abandoned = AWAITING_APPROVAL, True
        elif refusal is None:
            row.two_factor_passed = True
            failures = _complete_sign_in(session, user, two_factor=True)
    if refusal is not None and abandoned:
        raise SignInAbandoned(refusal)
    if refusal is not None:
        raise SignInRefused(refusal)
    return failures


def _code_refusal(
    session: Session, row: UserSession, user: User, code: str
) -> tuple[str | None, bool]:
    """Check a code; return the message to show (None if accepted) and whether to start over.

    No wait applies here: this session's password was accepted (see `wait_after`).
    """
    now = utcnow()
    secret = totp_secret(user)
    if secret is None:
        end_session(row, SessionEnd.SIGN_IN_RESET)
        return SESSION_ENDED, True
    step = matching_step(secret, code, now)
    if step is None or (user.last_totp_step is not None and step <= user.last_totp_step):
        message, reason = (WRONG_CODE, "wrong-code") if step is None else (REUSED_CODE, "reused")
        wait = _count_failure(session, user, reason)
        if wait:
            end_sessions_of(session, user.id, SessionEnd.SLOWED, pending_only=True)
            return wait_message(wait), True
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
    """Change a password and end the account's other sessions; return how many ended.

    The current password is checked like a sign-in's (security review, finding 5): a wrong
    one counts towards the account's slowing and is audited, and while the account must wait
    it is not checked at all. Audit entries hold the reason only, never anything typed.
    """
    validate_new_password(new)
    with db.write_transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AccountError("Your current password is not correct", field="current_password")
        refusal = _current_password_refusal(session, user, current)
        if refusal is None:
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
    if refusal is not None:
        raise refusal
    return ended


class PasswordChangeSlowed(AccountError):
    """The account had too many failed attempts lately: its current password is not checked."""


def _current_password_refusal(session: Session, user: User, current: str) -> AccountError | None:
    """Return why the current password is refused (raised once recorded), or None."""
    # no known-browser pass here: whoever asks is in the owner's browser already, and someone
    # at a computer left signed in is just who this check is against
    wait = wait_left(user, utcnow())
    if wait:
        record(
            session,
            "auth.password_change_failed",
            actor_id=user.id,
            user_id=user.id,
            reason="slowed",
        )
        return PasswordChangeSlowed(wait_message(wait), field="current_password")
    if not secret_matches(user.password_hash, current):
        _count_failure(session, user, "wrong-password", action="auth.password_change_failed")
        return AccountError("Your current password is not correct", field="current_password")
    return None


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
