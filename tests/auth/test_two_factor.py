"""Codes are matched to their time step, one step either side of now and no further."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from fts_app.auth.two_factor import grouped_for_typing, matching_step, qr_code_svg

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MOMENT = datetime(2026, 11, 26, 9, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_one_step_either_side_of_now_are_accepted(offset: int, accepted: bool) -> None:
    totp = pyotp.TOTP(SECRET)
    step = totp.timecode(MOMENT) + offset

    found = matching_step(SECRET, totp.generate_otp(step), MOMENT)

    assert found == (step if accepted else None)


def test_set_up_qr_code_is_an_svg_with_a_title() -> None:
    drawing = str(qr_code_svg(pyotp.TOTP(SECRET).provisioning_uri(name="a@b.example")))

    assert drawing.startswith("<svg")
    assert "<title>QR code to scan with your authenticator app</title>" in drawing
    assert "a@b.example" not in drawing


def test_secret_is_grouped_in_fours_for_typing() -> None:
    assert grouped_for_typing("ABCDEFGHIJ") == "ABCD EFGH IJ"
