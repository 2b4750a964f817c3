"""Secrets sealed by the master keyring itself, outside any case, registered by their owners.

Start-up must know which master keys they need and a rotation must re-seal them, but they belong to
features above the kernel (two-factor secrets are auth's), so each owner registers here how to count
and re-seal its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from fts_app.crypto.keyring import Keyring
from fts_app.registry import Registry


@dataclass(frozen=True)
class SealedSecrets:
    """One kind of master-sealed secret: how to count it by key and re-seal what older keys seal."""

    #: how start-up names them in a message: "3 two-factor secret(s)"
    what: str
    #: master key id (hex) -> how many are sealed by it; empty before their table exists
    count_by_master_key: Callable[[Engine], dict[str, int]]
    #: how many are still sealed by a master key other than the current one
    count_under_old_keys: Callable[[Session, Keyring], int]
    #: re-seal those under the current master key, returning how many
    reseal_under_current_key: Callable[[Session, Keyring], int]


SEALED_SECRETS: Registry[SealedSecrets] = Registry("kind of master-sealed secret")
