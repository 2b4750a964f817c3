"""Lesser axe findings pass only when AXE_EXCEPTIONS.md lists them with a reason."""

import pytest

from tests.browser.checks import accepted_exceptions, is_accepted

EXCEPTIONS = """
| rule | page | reason |
|---|---|---|
| `region` | `/cases/` | the case timeline sits outside a landmark on purpose |
| `landmark-unique` | `/reports/board` | |
"""


@pytest.mark.parametrize(
    ("rule", "page", "accepted"),
    [
        ("region", "/cases/FTSU-2026-0001", True),
        ("region", "/cases/FTSU-2026-0001/close", True),
        ("region", "/cases", False),
        ("region", "/speak-up/new", False),
        ("landmark-unique", "/reports/board?quarter=2026-27-Q2", False),
        ("heading-order", "/cases/FTSU-2026-0001", False),
    ],
)
def test_a_lesser_finding_is_accepted_only_where_listed_with_a_reason(
    rule: str, page: str, accepted: bool
) -> None:
    assert is_accepted(rule, page, accepted_exceptions(EXCEPTIONS)) is accepted
