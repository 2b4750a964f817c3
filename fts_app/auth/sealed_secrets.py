"""Two-factor secrets are sealed by the master keys: tell crypto how to count and re-seal them."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fts_app.auth.models import User
from fts_app.auth.services import set_totp_secret, totp_secret
from fts_app.crypto.keyring import Keyring
from fts_app.crypto.sealed import SEALED_SECRETS, SealedSecrets


def _two_factor_secret_counts(engine: Engine) -> dict[str, int]:
    # The sealing key is named only in each ciphertext's header, so read them all: one per
    # staff account, a few hundred at most.
    if not inspect(engine).has_table(User.__tablename__):
        return {}
    with engine.connect() as connection:
        sealed_secrets = connection.scalars(
            select(User.totp_secret_ciphertext).where(User.totp_secret_ciphertext.is_not(None))
        )
        return dict(Counter(Keyring.wrapped_by(sealed).hex() for sealed in sealed_secrets))


def _users_with_old_totp_secrets(session: Session, ring: Keyring) -> list[User]:
    users = session.scalars(select(User).where(User.totp_secret_ciphertext.is_not(None)))
    return [
        user
        for user in users
        if (sealed := user.totp_secret_ciphertext) is not None
        and Keyring.wrapped_by(sealed) != ring.current_key_id
    ]


def _reseal_totp_secrets(session: Session, ring: Keyring) -> int:
    users = _users_with_old_totp_secrets(session, ring)
    for user in users:
        set_totp_secret(user, totp_secret(user) or "")
    return len(users)


TWO_FACTOR_SECRETS = SEALED_SECRETS.register(
    "two-factor secrets",
    SealedSecrets(
        what="two-factor secret(s)",
        count_by_master_key=_two_factor_secret_counts,
        count_under_old_keys=lambda session, ring: len(_users_with_old_totp_secrets(session, ring)),
        reseal_under_current_key=_reseal_totp_secrets,
    ),
)
