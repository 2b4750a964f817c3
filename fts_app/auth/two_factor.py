"""Time-based one-time codes (TOTP): match a code to its time step, draw the set-up QR code."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

#: codes from one step either side of now are accepted, for phones whose clocks drift
VALID_WINDOW = 1
CODE_LENGTH = 6


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """Return the time step whose code is `code`, within the valid window around `moment`."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(moment)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def qr_code_svg(uri: str) -> Markup:
    """Draw the otpauth:// URI as an inline SVG QR code."""
    drawing = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, light="#ffffff", title="QR code to scan with your authenticator app"
    )
    # Safe to mark up: segno drew every byte and the URI is only encoded as modules, never text.
    return Markup(drawing)  # noqa: S704


def grouped_for_typing(secret: str) -> str:
    """Split a secret into groups of four so it is easier to type by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))
