"""Access codes: long, random, shown once, kept only as a slow hash."""

from __future__ import annotations

import re

from fts_app.auth.passwords import secret_matches
from fts_app.speakup.services import (
    new_access_code,
    new_hashed_access_code,
    normalise_access_code,
)


def test_a_code_is_twenty_digits_in_groups_of_four() -> None:
    assert re.fullmatch(r"\d{4}( \d{4}){4}", new_access_code())


def test_codes_do_not_repeat() -> None:
    assert len({new_access_code() for _ in range(200)}) == 200


def test_spaces_and_dashes_in_a_typed_code_are_ignored() -> None:
    assert normalise_access_code(" 1234-5678 9012\t3456 7890 ") == "12345678901234567890"


def test_a_new_code_is_kept_only_as_its_argon2_hash() -> None:
    code, code_hash = new_hashed_access_code()
    assert code_hash.startswith("$argon2id$")
    assert normalise_access_code(code) not in code_hash
    assert secret_matches(code_hash, normalise_access_code(code))
