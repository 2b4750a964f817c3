"""Deny by default, and no sign-in link may send people to another site."""

from __future__ import annotations

import pytest

from fts_app.auth.access import local_path_or_none


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/cases", "/cases"),
        ("/reports/board?quarter=2026-27-Q2", "/reports/board?quarter=2026-27-Q2"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("/\t/evil.example", None),
        ("/\n/evil.example", None),
        ("javascript:alert(1)", None),
        ("cases", None),
        ("", None),
        (None, None),
    ],
)
def test_only_paths_on_this_site_are_kept(target: str | None, kept: str | None) -> None:
    assert local_path_or_none(target) == kept
