"""Without Chromium the journeys skip, except where the run requires them (CI)."""

from pathlib import Path

import pytest

from tests.browser import conftest


@pytest.mark.parametrize(
    ("required", "outcome"),
    [("1", pytest.fail.Exception), ("", pytest.skip.Exception), ("0", pytest.skip.Exception)],
)
def test_missing_chromium_fails_only_where_browsers_are_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, required: str, outcome: type[Exception]
) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("FTS_REQUIRE_BROWSER", required)
    with pytest.raises(outcome):
        conftest.require_chromium()
