"""The board report's PDF: A4 pages, a title page, numbered pages, text the fonts can draw."""

from datetime import date

from flask import Flask

from fts_app import db
from fts_app.quarters import Quarter
from fts_app.reports.board import build_board_report
from fts_app.reports.narrative import Narrative
from fts_app.reports.pdf import build_board_pdf, printable, render_board_pdf
from tests.reports.published import pdf_strings

QUARTER = Quarter(2026, 2)


def test_text_outside_the_pdf_fonts_is_replaced_rather_than_failing() -> None:
    assert (
        printable("“We’re scared” – said staff… 😟 café")
        == '"We\'re scared" - said staff... ? café'
    )


def test_the_pdf_has_a_title_page_numbered_a4_pages_and_the_narrative(app: Flask) -> None:
    report = build_board_report(
        db.session(),
        QUARTER,
        today=date(2026, 11, 26),
        narrative=Narrative("Staff said “we’re scared” – 😟", "Rota review."),
    )
    document = build_board_pdf(report, released_on="3 November 2026")
    pages = document.pages_count
    strings = pdf_strings(render_board_pdf(report, released_on="3 November 2026"))

    assert pages > 2
    assert strings[:4] == [
        "Freedom to Speak Up",
        "Report to the board",
        "2026-27-Q2: July to September 2026",
        "Your NHS trust",
    ]
    assert strings[4].startswith("Released on 3 November 2026 by the lead guardian.")
    assert [text for text in strings if text.startswith("Page ")] == [
        f"Page {number} of " for number in range(1, pages + 1)
    ]
    assert strings.count(str(pages)) >= pages
    assert 'Staff said "we\'re scared" - ?' in strings
    assert "Rota review." in strings
