"""Access codes: the portal's key to a case, made by the server, shown once, kept as a slow hash."""

from __future__ import annotations

import secrets

from fts_app.auth.passwords import hash_access_code

ACCESS_CODE_GROUPS = 5
ACCESS_CODE_GROUP_LENGTH = 4
ACCESS_CODE_DIGITS = ACCESS_CODE_GROUPS * ACCESS_CODE_GROUP_LENGTH


def new_access_code() -> str:
    """Return 20 random digits in groups of 4: about 66 bits, easy to copy down."""
    digits = "".join(secrets.choice("0123456789") for _ in range(ACCESS_CODE_DIGITS))
    groups = [
        digits[start : start + ACCESS_CODE_GROUP_LENGTH]
        for start in range(0, ACCESS_CODE_DIGITS, ACCESS_CODE_GROUP_LENGTH)
    ]
    return " ".join(groups)


def normalise_access_code(typed: str) -> str:
    """Keep only the digits, so spaces, dashes or none at all are all accepted."""
    return "".join(character for character in typed if character in "0123456789")


def is_access_code(typed: str) -> bool:
    """Tell whether text has the shape of an access code (it may still be the wrong one)."""
    return len(normalise_access_code(typed)) == ACCESS_CODE_DIGITS


def new_hashed_access_code() -> tuple[str, str]:
    """Return a new access code and its slow hash, to compute before any write lock is taken."""
    code = new_access_code()
    # shown once: we keep only a slow salted hash
    return code, hash_access_code(normalise_access_code(code))
