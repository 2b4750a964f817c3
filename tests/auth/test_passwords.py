"""The hashes the service keeps: argon2id throughout, costlier for the passwords people choose."""

from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters

from fts_app.auth.passwords import ACCESS_CODE_HASHING, PASSWORD_HASHING, secret_matches

CODE = "1234 5678 9012 3456 7890"
MEBIBYTE_IN_KIB = 1024


def test_passwords_are_hashed_with_rfc_9106s_low_memory_argon2id() -> None:
    assert PASSWORD_HASHING.type is Type.ID
    assert PASSWORD_HASHING.memory_cost == 64 * MEBIBYTE_IN_KIB
    assert (PASSWORD_HASHING.time_cost, PASSWORD_HASHING.parallelism) == (3, 4)


def test_access_codes_are_hashed_with_at_least_owasps_minimum_argon2id() -> None:
    assert ACCESS_CODE_HASHING.type is Type.ID
    assert ACCESS_CODE_HASHING.memory_cost >= 19 * MEBIBYTE_IN_KIB
    assert ACCESS_CODE_HASHING.time_cost >= 2
    assert ACCESS_CODE_HASHING.memory_cost < PASSWORD_HASHING.memory_cost


def test_a_code_hashed_with_the_access_code_settings_carries_them_and_verifies() -> None:
    stored = PasswordHasher.from_parameters(ACCESS_CODE_HASHING).hash(CODE)
    assert extract_parameters(stored) == ACCESS_CODE_HASHING
    assert secret_matches(stored, CODE)
    assert not secret_matches(stored, CODE.replace("1", "2"))
