"""CSV downloads: the board report one figure a row, suppression already applied."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from fts_app.reports.board import BoardReport
from fts_app.reports.figures import Figure, FigureTable, PeriodTable
from fts_app.reports.narrative import suppression_note
from fts_app.reports.trends import TrendChart

BOARD_HEADER = ("section", "measure", "period", "value", "percent", "unit")
#: a spreadsheet would run a cell starting with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CASES, DAYS, PERCENT = "cases", "days", "percent"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Write rows as CSV text, neutralising anything a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_inert(value) for value in row] for row in rows)
    return buffer.getvalue()


def _inert(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def board_csv(report: BoardReport) -> str:
    """Write every figure of the board report as a row, in the order the report shows them."""
    return csv_text(BOARD_HEADER, _board_rows(report))


def _board_rows(report: BoardReport) -> Iterator[tuple[str, ...]]:
    quarter = report.quarter
    yield from _period_rows(report.headline)
    for table in (report.elements, report.worker_groups, report.routes, report.directorates):
        yield from _table_rows(table, quarter)
    yield from _period_rows(report.anonymous)
    yield from _period_rows(report.detriment)
    for timing in report.timings:
        yield _row("Timeliness", f"{timing.label}: cases", quarter, timing.cases)
        for statistic, value in (
            ("median", timing.median),
            ("90th percentile", timing.ninetieth_percentile),
        ):
            yield ("Timeliness", f"{timing.label}: {statistic}", quarter, value, "", DAYS)
    for record in report.deadlines:
        yield _row("Timeliness", f"{record.label}: due", quarter, record.due)
        yield _row("Timeliness", f"{record.label}: met", quarter, record.met)
    yield from _table_rows(report.speak_up_again, quarter)
    for chart in report.charts:
        yield from _chart_rows(chart)
    barriers = report.barriers
    for row in (*barriers.rows, *([barriers.totals] if barriers.totals else [])):
        for column, figure in zip(barriers.columns, row.figures, strict=True):
            yield _row(barriers.title, f"{row.label}, {column}", quarter, figure)
    equality = report.equality
    yield _row("Equality monitoring", "Responses", quarter, equality.responses)
    for table in equality.tables:
        yield from _table_rows(table, quarter, section=f"Equality monitoring: {table.title}")
    # a spreadsheet travels without the page, so it says what "not shown" means itself
    yield ("Notes", "Counts not shown", "", suppression_note(report.threshold), "", "")


def _row(section: str, measure: str, period: str, figure: Figure) -> tuple[str, ...]:
    value = figure.display if figure.value is None else str(figure.value)
    return (section, measure, period, value, (figure.percent or "").rstrip("%"), CASES)


def _period_rows(table: PeriodTable) -> Iterator[tuple[str, ...]]:
    for row in table.rows:
        for period, figure in zip(table.periods, row.figures, strict=True):
            yield _row(table.title, row.label, period, figure)


def _table_rows(
    table: FigureTable, period: str, section: str | None = None
) -> Iterator[tuple[str, ...]]:
    for figure in (*table.rows, *([table.total] if table.total else [])):
        yield _row(section or table.title, figure.label, period, figure)


def _chart_rows(chart: TrendChart) -> Iterator[tuple[str, ...]]:
    if not chart.rows:
        return
    unit = CASES if chart.counts else PERCENT
    for point in chart.rows:
        yield (chart.title, chart.y_label, point.label, point.value.replace(",", ""), "", unit)
    first = chart.rows[0]
    statistic_unit = f"{unit} ({chart.period_heading.lower()} statistic)"
    for statistic, value in (
        ("Mean", first.mean),
        ("Lower process limit", first.lower_limit),
        ("Upper process limit", first.upper_limit),
    ):
        yield (chart.title, statistic, "", value.replace(",", ""), "", statistic_unit)
