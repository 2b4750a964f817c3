"""Access codes: long, random, shown once, kept only as a slow hash."""

from __future__ import annotations

import re

import pytest
from argon2 import Parameters, PasswordHasher

from fts_app.auth import passwords
from fts_app.auth.passwords import (
    ACCESS_CODE_HASHING,
    PASSWORD_HASHING,
    access_code_needs_rehash,
    secret_matches,
)
from fts_app.cases.access_codes import (
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


@pytest.mark.parametrize(
    "settings, outdated",
    [(ACCESS_CODE_HASHING, False), (PASSWORD_HASHING, True)],
    ids=["today's access-code settings", "the password settings codes had before"],
)
def test_a_code_hashed_with_other_settings_than_todays_needs_rehashing(
    monkeypatch: pytest.MonkeyPatch, settings: Parameters, outdated: bool
) -> None:
    monkeypatch.setattr(
        passwords, "_access_code_hasher", PasswordHasher.from_parameters(ACCESS_CODE_HASHING)
    )
    code_hash = PasswordHasher.from_parameters(settings).hash("12345678901234567890")
    assert access_code_needs_rehash(code_hash) is outdated
