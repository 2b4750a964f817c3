"""Portal test fixtures."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from fts_app.auth import passwords


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash access codes with argon2id at its lowest cost, so dozens of tries run quickly.

    Only the cost changes: codes are still hashed, salted and checked the same way.
    """
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
