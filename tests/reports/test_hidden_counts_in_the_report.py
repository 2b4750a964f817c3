"""How the board report hides small counts, and that every rendering says what "not shown" means.

Seven cases this quarter: three about bullying and four with no element recorded yet, so the
elements table has one small count and zeros beside it, under the seven cases the headline shows.
"""

import csv
import html
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.enums import Element
from fts_app.cases.models import Case
from fts_app.quarters import latest_complete_quarter
from fts_app.reports.board import BoardReport, build_board_report
from fts_app.reports.csv_export import board_csv
from fts_app.reports.figures import Figure
from fts_app.reports.narrative import Narrative, suppression_note
from fts_app.reports.pdf import render_board_pdf
from fts_app.timeutil import today_in_london
from tests.conftest import sign_in
from tests.reports.published import pdf_strings

TODAY = today_in_london()
QUARTER = latest_complete_quarter(TODAY)
HIDDEN = "not shown"


@pytest.fixture
def report(app: Flask, make_case: Callable[..., Case]) -> BoardReport:
    for day in range(7):
        make_case(
            received_on=QUARTER.first_day + timedelta(days=day),
            elements=[Element.BULLYING] if day < 3 else [],
        )
    return build_board_report(db.session(), QUARTER, today=TODAY, narrative=Narrative())


def test_a_breakdown_shows_the_total_the_headline_shows_and_is_withheld_whole_instead(
    report: BoardReport,
) -> None:
    # hiding the 7 here would not hide it from the headline; the zeros beside the 3 are hidden
    # instead, so the 3 could be anything up to 7
    assert report.headline.rows[0].figures[0] == Figure("", "7", 7)
    assert report.elements.total == Figure("Total", "7", 7)
    assert [figure.display for figure in report.elements.rows] == [HIDDEN] * len(Element)


def test_the_note_says_a_hidden_count_may_be_small_or_large(report: BoardReport) -> None:
    assert suppression_note(report.threshold) == (
        "To protect the people who spoke up, counts from 1 to 4 are not published, nor are some "
        "larger counts that would let a small one be worked out from a total. Every hidden count "
        'reads "not shown", whatever its size. Zeros are shown, except in a table where every '
        'count is "not shown". No percentage is given for a hidden count.'
    )


def test_the_spreadsheet_ends_with_the_note(report: BoardReport) -> None:
    rows = list(csv.reader(io.StringIO(board_csv(report))))

    assert rows[-1] == ["Notes", "Counts not shown", "", suppression_note(report.threshold), "", ""]


def test_the_pdf_prints_the_note(report: BoardReport) -> None:
    printed = " ".join(pdf_strings(render_board_pdf(report, released_on=None)))

    assert 'Every hidden count reads "not shown", whatever its size.' in printed


def test_the_page_shows_the_note(
    client: FlaskClient, report: BoardReport, make_user: Callable[..., User]
) -> None:
    sign_in(client, make_user(Role.GUARDIAN))
    page = client.get(f"/reports/board?quarter={QUARTER}").get_data(as_text=True)

    assert suppression_note(report.threshold) in html.unescape(page)
