"""Staff accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fts_app.auth.enums import Role, SessionEnd
from fts_app.db import Base, StrEnumType
from fts_app.timeutil import utcnow


class User(Base):
    """A staff account: administrator, lead guardian, guardian or board member."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 20))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: TOTP secret, encrypted under the master keyring (never stored in plain text)
    totp_secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the last TOTP time step accepted, so a code is used once only
    last_totp_step: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: failed sign-in attempts (passwords and codes) since the owner last signed in
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    #: the latest failed attempt; further attempts wait from then (auth.services.wait_after)
    last_failed_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the failed attempts the owner was told of at their latest sign-in
    failures_before_sign_in: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the person must choose a new password before any sign-in completes
    must_set_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: when the web admin last replaced this account's password and authenticator
    sign_in_reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_authenticated(self) -> bool:
        """Tell Flask-Login this is a signed-in person (only loaded from a live session)."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Tell Flask-Login this is not the anonymous visitor."""
        return False

    def get_id(self) -> str | None:
        """Return the token of the server-side session this account was loaded through."""
        return getattr(self, "_session_token", None)

    def attach_session_token(self, token: str) -> None:
        """Remember which server-side session this account was loaded through."""
        self._session_token = token

    def __repr__(self) -> str:
        return f"User(id={self.id}, role={self.role})"


class UserSession(Base):
    """A signed-in session held on the server so it can be ended from here."""

    __tablename__ = "user_sessions"

    #: SHA-256 of the random token in the signed cookie; the token itself is never stored
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: True once the second factor has been given (or the role needs none)
    two_factor_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_reason: Mapped[SessionEnd | None] = mapped_column(StrEnumType(SessionEnd, 40))

    def __repr__(self) -> str:
        return f"UserSession(user_id={self.user_id}, ended={self.ended_at is not None})"


class OneTimeToken(Base):
    """A single-use link, such as the one that creates the first administrator."""

    __tablename__ = "one_time_tokens"

    #: SHA-256 of the token; the token is shown once and never stored
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountApproval(Base):
    """A caseworker role asked for in the web admin, which a lead guardian approves or refuses."""

    __tablename__ = "account_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the role asked for; the account cannot sign in with it until approved
    role: Mapped[str] = mapped_column(String(20))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: None while waiting; True approved, False refused
    approved: Mapped[bool | None] = mapped_column(Boolean)

    def __repr__(self) -> str:
        return f"AccountApproval(id={self.id}, user_id={self.user_id}, approved={self.approved})"


class UnknownAddressFailures(Base):
    """Failed sign-ins at an address that has no account, counted as an account's are.

    An account is slowed after repeated failures (auth.services.wait_after); counting unknown
    addresses the same way gives them the same "wait" answer, so it never tells whether an
    address has an account. The address is kept only as a keyed hash.
    """

    __tablename__ = "unknown_address_failures"

    #: HMAC-SHA256 of the normalised address under the app's secret key
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_sign_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
