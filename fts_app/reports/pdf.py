"""The board report as an A4 PDF: a title page, every section with its charts, page numbers.

It prints the same published figures as the web page, from the same report model, so it can
show nothing the page does not. The built-in PDF fonts cover Latin-1 only; other characters
are replaced by near equivalents or a question mark rather than failing the download.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace

from fts_app.reports.board import BoardReport
from fts_app.reports.figures import CrossTabulation, Figure, FigureTable, PeriodTable
from fts_app.reports.narrative import NOT_WRITTEN, release_status, suppression_note, timeliness_note
from fts_app.reports.trends import SPC_NOTE, TrendChart

FONT = "helvetica"
MARGIN = 18
TEXT_WIDTH = 210 - 2 * MARGIN
LINE = 5.5
CHART_WIDTH = TEXT_WIDTH
NHS_BLUE = (0, 94, 184)
NHS_TEXT = (33, 43, 50)
PALE_GREY = (232, 237, 238)
HEADINGS = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=NHS_BLUE)
#: the PDF converter cannot draw these SVG elements; they only name things for screen readers
SVG_TEXT_ONLY = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.DOTALL)
NEAR_EQUIVALENTS = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"}
)


def printable(text: str) -> str:
    """Return text the built-in PDF fonts can draw."""
    return text.translate(NEAR_EQUIVALENTS).encode("latin-1", "replace").decode("latin-1")


class BoardPdf(FPDF):
    """An A4 document that numbers its pages and keeps a list of the counts it printed."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_text_color(*NHS_TEXT)
        #: every count cell as printed, so a test can check none is a small number
        self.count_texts: list[str] = []

    def footer(self) -> None:
        """Number the page as "Page N of M"."""
        self.set_y(-15)
        self.set_font(FONT, size=9)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align=Align.C)

    def heading(self, text: str, size: int = 15) -> None:
        """Start a section; a heading never sits alone at the foot of a page."""
        if self.will_page_break(40):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, style="B", size=size)
        self.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, *, size: int = 11, style: str = "") -> None:
        """Write a paragraph that wraps to the page."""
        self.set_font(FONT, style=style, size=size)
        self.multi_cell(0, LINE, printable(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def count(self, display: str) -> str:
        """Return a count cell's words, remembering them."""
        self.count_texts.append(display)
        return printable(display)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: int = 10,
        align: Sequence[str] = (),
    ) -> None:
        """Draw a table; unless told otherwise, the first column is text and the others numbers."""
        self.set_font(FONT, size=size)
        align = align or ("LEFT", *("RIGHT" for _ in widths[1:]))
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            line_height=LINE,
            headings_style=HEADINGS,
            cell_fill_color=PALE_GREY,
            cell_fill_mode=TableCellFillMode.ROWS,
            width=TEXT_WIDTH,
        ) as table:
            for cells in (headings, *rows):
                row = table.row()
                for text in cells:
                    row.cell(printable(text))
        self.ln(3)


def render_board_pdf(report: BoardReport, *, released_on: str | None) -> bytes:
    """Return the report as PDF bytes."""
    return bytes(build_board_pdf(report, released_on=released_on).output())


def build_board_pdf(report: BoardReport, *, released_on: str | None) -> BoardPdf:
    """Lay the report out as a PDF document, ready to output."""
    document = BoardPdf()
    document.set_title(printable(f"Freedom to Speak Up report to the board, {report.quarter}"))
    document.set_author(printable(report.organisation))
    _title_page(document, report, released_on)
    document.add_page()
    _period_table(document, report.headline)
    document.heading("Cases over time")
    document.paragraph(SPC_NOTE, size=10)
    _chart(document, report.charts[0])
    for table in (report.elements, report.worker_groups, report.routes, report.directorates):
        _figure_table(document, table)
    document.heading("Share raised anonymously")
    _period_table(document, report.anonymous, heading=False)
    _chart(document, report.charts[1])
    document.heading("Detriment")
    _period_table(document, report.detriment, heading=False)
    _timeliness(document, report)
    _figure_table(document, report.speak_up_again)
    document.heading("Themes and barriers")
    document.paragraph(report.narrative.themes_and_barriers or NOT_WRITTEN)
    _cross_tabulation(document, report.barriers)
    _equality(document, report)
    document.heading("Learning and actions")
    document.paragraph(report.narrative.learning_and_actions or NOT_WRITTEN)
    return document


def _title_page(document: BoardPdf, report: BoardReport, released_on: str | None) -> None:
    document.add_page()
    document.ln(50)
    document.set_text_color(*NHS_BLUE)
    document.paragraph("Freedom to Speak Up", size=16, style="B")
    document.set_text_color(*NHS_TEXT)
    document.paragraph("Report to the board", size=28, style="B")
    document.paragraph(f"{report.quarter}: {report.period}", size=18)
    document.paragraph(report.organisation, size=14)
    document.ln(10)
    document.paragraph(release_status(released_on, complete=report.complete), style="B")
    document.paragraph(f"Figures compiled on {report.compiled_on}.")
    document.paragraph(suppression_note(report.threshold), size=10)


def _period_table(document: BoardPdf, table: PeriodTable, *, heading: bool = True) -> None:
    if heading:
        document.heading(table.title)
    if table.note:
        document.paragraph(table.note, size=10)
    rows = [
        [row.label, *(_with_percent(document, figure) for figure in row.figures)]
        for row in table.rows
    ]
    widths = [TEXT_WIDTH - 3 * 34, *([34] * len(table.periods))]
    document.grid(["Measure", *table.periods], rows, widths)


def _with_percent(document: BoardPdf, figure: Figure) -> str:
    shown = document.count(figure.display)
    return f"{shown} ({figure.percent})" if figure.percent else shown


def _figure_table(document: BoardPdf, table: FigureTable) -> None:
    document.heading(table.title)
    if table.note:
        document.paragraph(table.note, size=10)
    figures = [*table.rows, *([table.total] if table.total else [])]
    rows = [
        [figure.label, document.count(figure.display), figure.percent or ""] for figure in figures
    ]
    document.grid([table.category, "Cases", "Share"], rows, [TEXT_WIDTH - 64, 36, 28])


def _timeliness(document: BoardPdf, report: BoardReport) -> None:
    document.heading("Timeliness")
    document.paragraph(timeliness_note(report.threshold), size=10)
    rows = [
        [
            timing.label,
            document.count(timing.cases.display),
            timing.median,
            timing.ninetieth_percentile,
        ]
        for timing in report.timings
    ]
    document.grid(
        ["Step", "Cases", "Median", "90th percentile"], rows, [TEXT_WIDTH - 102, 30, 34, 38]
    )
    rows = [
        [record.label, document.count(record.due.display), _with_percent(document, record.met)]
        for record in report.deadlines
    ]
    document.grid(
        ["Deadline falling due this quarter", "Due", "Met on time"],
        rows,
        [TEXT_WIDTH - 72, 30, 42],
    )


def _chart(document: BoardPdf, chart: TrendChart) -> None:
    document.heading(chart.title)
    if not chart.svg:
        document.paragraph(chart.message)
        return
    svg = SVG_TEXT_ONLY.sub("", chart.svg).encode()
    height = CHART_WIDTH * 440 / 640
    if document.will_page_break(height):
        document.add_page()
    document.image(io.BytesIO(svg), x=MARGIN, w=CHART_WIDTH)
    document.paragraph(chart.summary, size=9)
    rows = [
        [
            point.label,
            document.count(point.value) if chart.counts else point.value,
            point.mean,
            point.lower_limit,
            point.upper_limit,
            point.signals,
        ]
        for point in chart.rows
    ]
    document.grid(
        [chart.period_heading, chart.y_label, "Mean", "Lower limit", "Upper limit", "Variation"],
        rows,
        [24, 18, 16, 20, 20, TEXT_WIDTH - 98],
        size=8,
        align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
    )


def _cross_tabulation(document: BoardPdf, table: CrossTabulation) -> None:
    document.heading(table.title, size=13)
    if not table.rows:
        document.paragraph(table.message)
        return
    rows = [
        [row.label, *(document.count(figure.display) for figure in row.figures)]
        for row in (*table.rows, *([table.totals] if table.totals else []))
    ]
    first = TEXT_WIDTH - 28 * len(table.columns)
    document.grid([table.row_heading, *table.columns], rows, [first, *([28] * len(table.columns))])


def _equality(document: BoardPdf, report: BoardReport) -> None:
    equality = report.equality
    document.heading("Equality monitoring", size=13)
    responses = document.count(equality.responses.display)
    document.paragraph(f"Equality monitoring forms received this quarter: {responses}.")
    for table in equality.tables:
        _figure_table(document, table)
    if equality.withheld:
        document.paragraph(
            f"Figures for {_listed(equality.withheld).lower()} are too small to show."
        )


def _listed(names: Sequence[str]) -> str:
    """Join names as a sentence would: "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
