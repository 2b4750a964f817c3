"""Board members see released reports only, and later reports repeat what was released.

A draft changes as cases are recorded, so a board member comparing one day's draft with the
next could single out a case; the lead guardian's release is the sign-off (docs/domain.md).
"""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.enums import ConfidentialityLevel
from fts_app.cases.models import Case
from fts_app.quarters import Quarter, financial_quarter, latest_complete_quarter
from fts_app.reports.figures import Figure
from fts_app.reports.services import load_report, release_report
from fts_app.timeutil import today_in_london
from tests.conftest import sign_in
from tests.reports.published import count_cells

TODAY = today_in_london()
QUARTER = latest_complete_quarter(TODAY)
UNDER_WAY = financial_quarter(TODAY)
PATHS = ["/reports/board", "/reports/board.csv", "/reports/board.pdf"]

MakeCase = Callable[..., Case]
MakeUser = Callable[..., User]


def make_cases(make_case: MakeCase, quarter: Quarter, count: int, **fields: object) -> None:
    for day in range(count):
        make_case(received_on=quarter.first_day + timedelta(days=day), **fields)


@pytest.fixture
def lead(make_user: MakeUser) -> User:
    return make_user(Role.LEAD_GUARDIAN)


@pytest.fixture
def board_client(client: FlaskClient, make_user: MakeUser) -> FlaskClient:
    return sign_in(client, make_user(Role.BOARD))


@pytest.fixture
def released(app: Flask, make_case: MakeCase, lead: User) -> None:
    """Six cases in the latest complete quarter and one in the quarter under way; the first
    quarter's report is released."""
    make_cases(make_case, QUARTER, 6)
    make_case(received_on=UNDER_WAY.first_day)
    release_report(QUARTER, actor_id=lead.id, today=TODAY)


def offered(html: str) -> list[str]:
    """Return the quarters the picker offers, linked or shown as the current one."""
    pairs = re.findall(r'href="/reports/board\?quarter=([^"]+)"|aria-current="page">([^<]+)<', html)
    return [link or current for link, current in pairs]


def test_a_board_member_opens_on_the_latest_released_report(
    board_client: FlaskClient, released: None
) -> None:
    page = board_client.get("/reports/board")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"report to the board: {QUARTER}" in html
    assert "Released on" in html and "Draft" not in html
    assert count_cells(html)[:3] == ["6", "0", "0"]
    assert "Release the" not in html and "national-return" not in html


def test_a_board_member_is_offered_only_released_quarters(
    board_client: FlaskClient, released: None
) -> None:
    html = board_client.get("/reports/board").get_data(as_text=True)
    assert offered(html) == [str(QUARTER)]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("quarter", [QUARTER.previous(), UNDER_WAY], ids=["over", "under-way"])
def test_a_board_member_gets_404_on_a_quarter_not_released(
    board_client: FlaskClient, released: None, make_case: MakeCase, path: str, quarter: Quarter
) -> None:
    make_case(received_on=quarter.first_day)
    page = board_client.get(path, query_string={"quarter": str(quarter)})
    html = page.get_data(as_text=True)
    assert (page.status_code, page.mimetype) == (404, "text/html")
    assert f"The {quarter} report has not been released yet" in html
    assert count_cells(html) == []
    assert offered(html) == [str(QUARTER)]


def test_before_any_release_a_board_member_is_told_so(
    board_client: FlaskClient, make_case: MakeCase
) -> None:
    make_cases(make_case, QUARTER, 6)
    page = board_client.get("/reports/board")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No report has been released to the board yet" in html
    assert "No quarter's report has been released yet." in html
    assert count_cells(html) == []


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.LEAD_GUARDIAN])
def test_guardians_still_see_drafts_marked_as_drafts(
    client: FlaskClient, released: None, make_case: MakeCase, make_user: MakeUser, role: Role
) -> None:
    make_case(received_on=QUARTER.previous().first_day)
    sign_in(client, make_user(role))
    over = client.get(f"/reports/board?quarter={QUARTER.previous()}").get_data(as_text=True)
    under_way = client.get(f"/reports/board?quarter={UNDER_WAY}").get_data(as_text=True)
    assert "Draft: not yet released by the lead guardian; figures may change." in over
    assert "Draft: the quarter is not over yet, so these figures will change." in under_way
    # guardians are offered every recent quarter, released or not
    assert QUARTER.previous().label in offered(over)


RELEASED_QUARTER = Quarter(2026, 1)
LATER_QUARTER = Quarter(2026, 2)
A_YEAR_LATER = Quarter(2027, 1)


def headline_column(quarter: Quarter, today: date, column: int) -> list[Figure]:
    report = load_report(db.session(), quarter, today=today).report
    return [row.figures[column] for row in report.headline.rows]


@pytest.mark.parametrize(
    ("later", "column"),
    [(LATER_QUARTER, 1), (A_YEAR_LATER, 2)],
    ids=["quarter-before", "year-earlier"],
)
def test_a_released_quarter_is_compared_with_the_figures_it_was_released_with(
    app: Flask, make_case: MakeCase, lead: User, later: Quarter, column: int
) -> None:
    make_cases(make_case, RELEASED_QUARTER, 6, confidentiality=ConfidentialityLevel.ANONYMOUS)
    make_cases(make_case, later, 5)
    release_report(RELEASED_QUARTER, actor_id=lead.id, today=date(2026, 7, 2))
    as_released = headline_column(RELEASED_QUARTER, date(2026, 7, 2), 0)

    # a case recorded late in the released quarter changes its live count, not its figures
    make_case(received_on=RELEASED_QUARTER.first_day, confidentiality=ConfidentialityLevel.OPEN)
    compared = headline_column(later, later.last_day + timedelta(days=1), column)

    assert [figure.display for figure in compared] == [f.display for f in as_released]
    assert compared[0].value == 6
    report = load_report(db.session(), later, today=later.last_day + timedelta(days=1)).report
    assert report.anonymous.rows[0].figures[column].percent == "100%"
    assert f"Figures for {RELEASED_QUARTER} are as released to the board." in report.headline.note


def test_a_quarter_not_released_is_compared_as_it_stands(app: Flask, make_case: MakeCase) -> None:
    make_cases(make_case, RELEASED_QUARTER, 6)
    make_cases(make_case, LATER_QUARTER, 5)
    make_case(received_on=RELEASED_QUARTER.first_day)
    report = load_report(db.session(), LATER_QUARTER, today=date(2026, 10, 1)).report
    assert report.headline.rows[0].figures[1].value == 7
    assert "as released" not in report.headline.note
