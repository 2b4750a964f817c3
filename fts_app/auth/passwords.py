"""Slow salted hashes with argon2id: passwords at the library's defaults, access codes lighter."""

from __future__ import annotations

import dataclasses

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: a person chooses a password, so its hash must make every guess dear: RFC 9106's low-memory
#: profile (64 MiB, 3 passes, 4 lanes), argon2-cffi's default
PASSWORD_HASHING: Parameters = profiles.RFC_9106_LOW_MEMORY
#: an access code is 20 random digits (66 bits) made by the server, too many to guess even with a
#: fast hash: OWASP's minimum argon2id settings (19 MiB, 2 passes, 1 lane) are ample, at about a
#: fifth of the time and the memory
ACCESS_CODE_HASHING: Parameters = dataclasses.replace(
    PASSWORD_HASHING, time_cost=2, memory_cost=19 * 1024, parallelism=1
)

_hasher = PasswordHasher.from_parameters(PASSWORD_HASHING)
_access_code_hasher = PasswordHasher.from_parameters(ACCESS_CODE_HASHING)


def hash_secret(secret: str) -> str:
    """Return a slow salted hash of a password."""
    return _hasher.hash(secret)


def hash_access_code(code: str) -> str:
    """Return a salted argon2id hash of a server-made access code."""
    return _access_code_hasher.hash(code)


def secret_matches(stored_hash: str, secret: str) -> bool:
    """Tell whether a password or code matches its stored hash (which names its own settings)."""
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a password's hash was made with weaker settings than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def access_code_needs_rehash(stored_hash: str) -> bool:
    """Tell whether an access code's hash was made with other settings than today's."""
    return _access_code_hasher.check_needs_rehash(stored_hash)
