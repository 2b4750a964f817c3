"""Envelope encryption: data keys wrapped by master keys, content bound to its place."""

from __future__ import annotations

import pytest

from fts_app.config import parse_master_keys
from fts_app.crypto.keyring import (
    DataKey,
    DecryptionError,
    Keyring,
    decrypt_text,
    encrypt_text,
    generate_master_key,
    key_id_of,
)


def keyring_of(*encoded: str) -> Keyring:
    return Keyring(parse_master_keys(",".join(encoded), "test"))


def test_content_round_trips_with_its_case_and_column() -> None:
    data_key = DataKey.generate()
    blob = encrypt_text(data_key, "Nurse 🩺 <b>said</b>", "case-a", "cases.narrative")
    assert decrypt_text(data_key, blob, "case-a", "cases.narrative") == "Nurse 🩺 <b>said</b>"


def test_every_ciphertext_has_a_fresh_nonce() -> None:
    data_key = DataKey.generate()
    first = encrypt_text(data_key, "same text", "case-a", "cases.narrative")
    second = encrypt_text(data_key, "same text", "case-a", "cases.narrative")
    assert first != second


def test_ciphertext_carries_the_data_key_id() -> None:
    data_key = DataKey.generate()
    blob = encrypt_text(data_key, "x", "case-a", "cases.narrative")
    assert blob[1:9] == data_key.key_id


@pytest.mark.parametrize(
    ("case_id", "place"),
    [("case-b", "cases.narrative"), ("case-a", "cases.contact_details")],
    ids=["copied-to-another-case", "copied-to-another-column"],
)
def test_moved_ciphertext_fails_to_decrypt(case_id: str, place: str) -> None:
    data_key = DataKey.generate()
    blob = encrypt_text(data_key, "secret", "case-a", "cases.narrative")
    with pytest.raises(DecryptionError):
        decrypt_text(data_key, blob, case_id, place)


def test_altered_ciphertext_fails_to_decrypt() -> None:
    data_key = DataKey.generate()
    blob = bytearray(encrypt_text(data_key, "secret", "case-a", "cases.narrative"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        decrypt_text(data_key, bytes(blob), "case-a", "cases.narrative")


def test_first_master_key_wraps_and_any_configured_key_unwraps() -> None:
    old, new = generate_master_key(), generate_master_key()
    wrapped_by_old = keyring_of(old).wrap(DataKey.generate(), "case-a")
    both = keyring_of(new, old)
    assert both.unwrap(wrapped_by_old, "case-a").key_id
    assert Keyring.wrapped_by(both.wrap(DataKey.generate(), "case-a")) == both.current_key_id


def test_unwrapping_without_the_master_key_names_the_missing_key() -> None:
    old = generate_master_key()
    wrapped = keyring_of(old).wrap(DataKey.generate(), "case-a")
    with pytest.raises(DecryptionError, match="not configured"):
        keyring_of(generate_master_key()).unwrap(wrapped, "case-a")


def test_a_data_key_is_bound_to_its_case() -> None:
    ring = keyring_of(generate_master_key())
    wrapped = ring.wrap(DataKey.generate(), "case-a")
    with pytest.raises(DecryptionError):
        ring.unwrap(wrapped, "case-b")


def test_reprs_never_show_key_material() -> None:
    data_key = DataKey.generate()
    assert data_key.key.hex() not in repr(data_key)
    assert "key_id" in repr(data_key)
    ring = keyring_of(generate_master_key())
    assert len(repr(ring)) < 80


def test_key_ids_differ_between_keys() -> None:
    assert key_id_of(b"a" * 32) != key_id_of(b"b" * 32)
