"""Staff accounts: create them and manage their second factor."""

from __future__ import annotations

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fts_app.audit.services import record
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.passwords import hash_secret
from fts_app.crypto.services import keyring

ISSUER = "Freedom to Speak Up"
MIN_PASSWORD_LENGTH = 12


class AccountError(Exception):
    """An account cannot be created or changed as asked; the message says why."""


def normalise_email(email: str) -> str:
    """Return the address as stored: trimmed and lower-case."""
    return email.strip().lower()


def validate_new_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")


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
        raise AccountError("Enter an email address in the correct format, like name@nhs.net")
    validate_new_password(password)
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountError(f"An account with the email address {email} already exists")
    user = User(
        email=email,
        role=role.value,
        password_hash=hash_secret(password),
        display_name=display_name or email.split("@")[0],
    )
    session.add(user)
    session.flush()
    if role.uses_two_factor:
        set_totp_secret(user, pyotp.random_base32())
    record(session, "user.created", actor_id=actor_id, user_id=user.id, role=role.value)
    return user
