"""Portal rules: access codes for the person who spoke up."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from fts_app.auth.passwords import hash_secret
from fts_app.cases.models import Case

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


def issue_access_code(session: Session, case: Case) -> str:
    """Give a case a new access code and return it; only its slow hash is kept."""
    code = new_access_code()
    # shown once: we keep only a slow salted hash
    case.access_code_hash = hash_secret(normalise_access_code(code))
    session.flush()
    return code
