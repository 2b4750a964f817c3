"""Page numbers and ids in URLs are bounded: whatever is typed there, no page answers 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case
from fts_app.security import MAX_PAGE, page_number
from tests.conftest import sign_in

#: past PostgreSQL's BIGINT, past SQLite's INTEGER, negative, not a number, not an ASCII number
HOSTILE_PAGES = [str(10**30), "9223372036854775808", "-1", "0", "abc", "1e9", "²", "", "9" * 5000]


@pytest.fixture
def admin_client(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    return sign_in(app.test_client(), make_user(Role.ADMIN, email="admin@trust.nhs.example"))


@pytest.fixture
def lead_client(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    return sign_in(app.test_client(), make_user(Role.LEAD_GUARDIAN, email="lead@trust.nhs.example"))


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("1", 1),
        (" 7 ", 7),
        ("007", 7),
        (str(MAX_PAGE), MAX_PAGE),
        (str(MAX_PAGE + 1), MAX_PAGE),
        (str(10**30), MAX_PAGE),
        ("9" * 5000, MAX_PAGE),
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("²", 1),
        ("", 1),
        (None, 1),
    ],
)
def test_a_typed_page_number_is_read_as_a_page_from_1_to_the_maximum(
    typed: str | None, page: int
) -> None:
    assert page_number(typed) == page


@pytest.mark.parametrize("typed", HOSTILE_PAGES)
def test_the_sign_in_record_shows_its_last_page_for_any_page_number(
    admin_client: FlaskClient, typed: str
) -> None:
    response = admin_client.get("/admin/sign-in-events", query_string={"page": typed})

    assert response.status_code == 200
    assert "Signed in" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", HOSTILE_PAGES)
def test_the_dashboard_shows_a_page_of_cases_for_any_page_number(
    lead_client: FlaskClient, make_case: Callable[..., Case], typed: str
) -> None:
    case = make_case()

    response = lead_client.get("/cases", query_string={"page": typed})

    assert response.status_code == 200
    assert case.reference in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", HOSTILE_PAGES)
def test_a_cases_audit_history_shows_a_page_for_any_page_number(
    lead_client: FlaskClient, make_case: Callable[..., Case], typed: str
) -> None:
    case = make_case()

    response = lead_client.get(
        f"/cases/{case.reference}/audit-history", query_string={"page": typed}
    )

    assert response.status_code == 200
    assert "Case opened" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", [str(10**30), "9223372036854775808", str(2**31)])
@pytest.mark.parametrize(
    "path",
    ["/admin/accounts/{}", "/admin/directorates/{}/rename"],
)
def test_an_id_past_any_row_in_a_url_is_not_found(
    admin_client: FlaskClient, path: str, typed: str
) -> None:
    assert admin_client.get(path.format(typed)).status_code == 404
