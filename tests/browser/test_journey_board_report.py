"""Journey 3, with the keyboard alone: a board member reads the quarterly report on demo data.

The lead guardian first releases the last complete quarter, since board members read released
reports only. The board member opens it, sees the charts and the hidden small counts, downloads
the PDF and the CSV, and finds that a case's address tells them nothing, not even that it exists.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from fts_app.quarters import latest_complete_quarter
from fts_app.timeutil import today_in_london
from tests.browser.checks import PageChecks
from tests.browser.people import KeyboardUser, MouseUser
from tests.browser.server import LiveServer
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser

DEMO_CASES = 400
HIDDEN_COUNT = re.compile(r"fewer than \d|not shown", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_cases() -> int:
    """Seed enough cases for every recent quarter to have figures, and some small ones."""
    return DEMO_CASES


def test_board_member_reads_and_downloads_the_quarterly_report_using_the_keyboard_alone(
    live_server: LiveServer, new_person: Callable[[], Page], check_page: PageChecks
) -> None:
    quarter = str(latest_complete_quarter(today_in_london()))
    release_to_the_board(live_server, MouseUser(new_person()), check_page, quarter)
    board_member = KeyboardUser(new_person())
    sign_in(
        board_member, live_server.create_account("board@trust.nhs.example", "board"), check_page
    )
    page = board_member.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("report to the board")

    ask_for_a_quarter(board_member, "2026-Q9")
    expect(page.get_by_role("heading", level=1)).to_have_text("There is a problem with the quarter")
    check_page(page, "quarter-problem")

    ask_for_a_quarter(board_member, quarter)
    expect(page).to_have_url(re.compile(rf"/reports/board\?quarter={quarter}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter)
    see_charts_and_hidden_counts(page)
    check_page(page, "board-report")

    download_pdf_and_csv(board_member, quarter)

    response = page.goto(f"/cases/{a_case_reference(live_server)}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "case-not-found")


def release_to_the_board(
    live_server: LiveServer, lead: MouseUser, check_page: PageChecks, quarter: str
) -> None:
    """The lead guardian reads the draft and releases it, freezing what the board will see."""
    sign_in(lead, live_server.create_account("lead@trust.nhs.example", "lead-guardian"), check_page)
    page = lead.page
    page.goto(f"/reports/board?quarter={quarter}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter)
    check_page(page, "board-report-draft")
    lead.follow(page.get_by_role("button", name=f"Release the {quarter} report"))
    expect(
        page.get_by_text(f"The report for {quarter} has been released to the board.")
    ).to_be_visible()


def a_case_reference(live_server: LiveServer) -> str:
    """Return the reference of a case that exists, so its 404 hides a real case."""
    with sqlite3.connect(live_server.instance_path / "fts.sqlite3") as connection:
        (reference,) = connection.execute("SELECT reference FROM cases LIMIT 1").fetchone()
    return reference


def ask_for_a_quarter(board_member: KeyboardUser, quarter: str) -> None:
    """Type a quarter into the picker and show it."""
    page = board_member.page
    board_member.fill(page.get_by_label("Or enter a quarter"), quarter)
    board_member.follow(page.get_by_role("button", name="Show quarter"))


def see_charts_and_hidden_counts(page: Page) -> None:
    """A trend chart is drawn, named and offered as a table, and some small counts are hidden."""
    chart = page.locator(".fts-chart svg[role=img]").first
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile(r"\w"))
    expect(page.get_by_text("Show the chart as a table").first).to_be_visible()
    counts = page.locator("[data-count]").all_inner_texts()
    assert any(HIDDEN_COUNT.search(text) for text in counts), counts


def download_pdf_and_csv(board_member: KeyboardUser, quarter: str) -> None:
    """Download the report as a PDF and the figures as CSV, and look inside both."""
    page = board_member.page
    pdf = board_member.download(page.get_by_role("link", name="Download this report as a PDF"))
    assert pdf.suggested_filename == f"board-report-{quarter}.pdf"
    assert pdf.path().read_bytes().startswith(b"%PDF-")

    spreadsheet = board_member.download(
        page.get_by_role("link", name="Download the figures as a spreadsheet (CSV)")
    )
    assert spreadsheet.suggested_filename == f"board-report-{quarter}.csv"
    rows = list(csv.reader(io.StringIO(spreadsheet.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) > 10
    assert any(HIDDEN_COUNT.search(cell) for row in rows for cell in row)
