"""Reading the two-factor secret out of `users create`, and the no-op cipher of the bench."""

from __future__ import annotations

from benchmarks.fixtures import totp_secret_from
from benchmarks.operations import without_encryption
from fts_app.crypto.keyring import DataKey, decrypt_text, encrypt_text


def test_the_secret_is_read_from_the_printed_otpauth_uri() -> None:
    printed = (
        "Created guardian account for g@trust.nhs.example.\n"
        "Two-factor set-up URI: otpauth://totp/Freedom%20to%20Speak%20Up:g%40trust.nhs.example"
        "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Freedom%20to%20Speak%20Up\n"
    )

    assert totp_secret_from(printed) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_an_account_without_two_factor_has_no_secret() -> None:
    assert totp_secret_from("Created board account for b@trust.nhs.example.\n") is None


def test_the_no_op_cipher_writes_text_as_is_and_only_while_it_is_in_place() -> None:
    key = DataKey.generate()

    with without_encryption():
        plain = encrypt_text(key, "ward 7", "case", "cases.narrative")
    sealed = encrypt_text(key, "ward 7", "case", "cases.narrative")

    assert b"ward 7" in plain
    assert b"ward 7" not in sealed
    assert decrypt_text(key, sealed, "case", "cases.narrative") == "ward 7"
