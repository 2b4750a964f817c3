"""The quarterly board report: every figure a board member sees, suppressed before it leaves here.

The model holds only what may be published: the words shown for each figure, and the number
itself only where it is shown. A hidden count never reaches a template, a CSV or a PDF, and a
released report stores exactly what the board saw.

How the suppression rule is applied (see suppression.py for the rule itself):
- A breakdown where each case falls in one category (worker group, route, directorate, answer)
  is one table whose total is the quarter's count, so secondary suppression protects it. That
  total is in the headline figures too, so it is never hidden in one place and shown in another.
- Elements: a case can have several, so the table's total is the number of cases, given to the
  suppression module as a published total rather than the sum of the rows.
- A count that is part of a published whole (anonymous cases, detriment, deadlines met) is the
  table {part, rest} with the whole as total: it shows only when the rest could be shown too,
  since the rest is the whole minus the part.
- Charts plot monthly counts, or quarterly ones when a month is too small; a chart whose every
  point would not survive suppression is replaced by a sentence.
- Cross-tabulations and equality figures are shown only when no cell needs suppressing.
"""

from __future__ import annotations

import json
import statistics
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from fts_app.admin.services import get_settings
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, SpeakUpAgain, WorkerGroup
from fts_app.cases.models import Case
from fts_app.choices import Choice
from fts_app.quarters import Quarter, financial_quarter
from fts_app.reports import queries
from fts_app.reports.charts import (
    ChartTableRow,
    chart_table_rows,
    describe_chart,
    format_number,
    render_xmr_svg,
)
from fts_app.reports.spc import HigherIs, xmr
from fts_app.reports.suppression import (
    Cell,
    suppress_count,
    suppress_table,
    suppress_two_way,
    validate_threshold,
)
from fts_app.speakup.enums import (
    AgeBand,
    Disability,
    Ethnicity,
    Religion,
    Sex,
    SexualOrientation,
)

NOT_RECORDED = "Not recorded"
NOT_ANSWERED = "Not answered"
#: a median or 90th percentile of fewer cases than this says too much about each of them
MIN_CASES_FOR_PERCENTILES = 5
TOO_FEW_CASES = "too few cases"
CHART_MONTHS = 24
MONTHS_PER_QUARTER = 3
TOO_SMALL_TO_CHART = (
    "Some monthly and quarterly figures are too small to publish, so this chart is not drawn."
)
TOO_SHORT_TO_CHART = "There are not yet two months of figures, so this chart is not drawn."
#: what every rendering of the report says around the figures
SPC_NOTE = (
    "Statistical process control (XmR) charts: the process limits are the mean plus or minus "
    "2.66 times the mean moving range. A point outside the limits, 7 in a row rising or "
    "falling, 7 in a row on one side of the mean, or 2 of 3 in a row close to a limit is "
    "marked as special cause variation."
)
NOT_WRITTEN = "The lead guardian has not written this section yet."


@dataclass(frozen=True)
class Figure:
    """One published figure: the words shown, and the count only when it is shown."""

    label: str
    display: str
    value: int | None = None
    #: the share of the published total, such as "12.5%"; only beside a shown count
    percent: str | None = None

    @property
    def shown(self) -> bool:
        """Tell whether the count itself is published."""
        return self.value is not None


@dataclass(frozen=True)
class FigureTable:
    """A one-way breakdown: a row per category and, where published, the total."""

    title: str
    category: str
    rows: tuple[Figure, ...]
    total: Figure | None = None
    note: str = ""


@dataclass(frozen=True)
class FigureRow:
    """A labelled row of figures, such as one measure over three quarters."""

    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class PeriodTable:
    """Measures (rows) over quarters (columns)."""

    title: str
    periods: tuple[str, ...]
    rows: tuple[FigureRow, ...]
    note: str = ""


@dataclass(frozen=True)
class StepTiming:
    """How many days a step took from receipt, over the cases that took it this quarter."""

    label: str
    cases: Figure
    median: str
    ninetieth_percentile: str


@dataclass(frozen=True)
class DeadlineRecord:
    """How many deadlines fell due this quarter and how many were met."""

    label: str
    due: Figure
    met: Figure


@dataclass(frozen=True)
class TrendChart:
    """An XmR chart as SVG with its table alternative, or the sentence said instead."""

    key: str
    title: str
    y_label: str
    period_heading: str = ""
    #: whether the plotted values are counts (so they are count cells in the table)
    counts: bool = True
    svg: str = ""
    summary: str = ""
    rows: tuple[ChartTableRow, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class CrossTabulation:
    """A two-way table with its totals, or the sentence said instead."""

    title: str
    row_heading: str
    columns: tuple[str, ...] = ()
    rows: tuple[FigureRow, ...] = ()
    totals: FigureRow | None = None
    message: str = ""


@dataclass(frozen=True)
class EqualitySection:
    """Equality monitoring answers that survive suppression, and the questions withheld."""

    responses: Figure
    tables: tuple[FigureTable, ...]
    withheld: tuple[str, ...]


@dataclass(frozen=True)
class Narrative:
    """What the lead guardian writes for the board; never drawn from case narratives."""

    themes_and_barriers: str = ""
    learning_and_actions: str = ""


@dataclass(frozen=True)
class BoardReport:
    """The quarterly report to the board, as published."""

    quarter: str
    period: str
    organisation: str
    threshold: int
    compiled_on: str
    #: the quarter has ended, so its figures will only change if cases are edited
    complete: bool
    has_cases: bool
    headline: PeriodTable
    elements: FigureTable
    worker_groups: FigureTable
    routes: FigureTable
    directorates: FigureTable
    anonymous: PeriodTable
    detriment: PeriodTable
    timings: tuple[StepTiming, ...]
    deadlines: tuple[DeadlineRecord, ...]
    speak_up_again: FigureTable
    charts: tuple[TrendChart, ...]
    barriers: CrossTabulation
    equality: EqualitySection
    narrative: Narrative

    def to_json(self) -> str:
        """Return the report as JSON, for freezing it on release."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> BoardReport:
        """Rebuild a report frozen with to_json."""
        report: BoardReport = _rebuild(cls, json.loads(text))
        return report


def build_board_report(
    session: Session,
    quarter: Quarter,
    *,
    today: date,
    narrative: Narrative,
    released: Mapping[str, BoardReport] | None = None,
) -> BoardReport:
    """Compile the report for a quarter from the cases as they stand today.

    `released` holds the reports already released for the quarters it is compared with, by
    quarter: their columns repeat the figures the board was given rather than recounting them.
    """
    settings = get_settings(session)
    threshold = validate_threshold(settings.suppression_threshold)
    periods = (quarter, quarter.previous(), quarter.a_year_earlier())
    frozen = {p.label: released[p.label] for p in periods[1:] if p.label in (released or {})}
    totals = queries.case_totals(session, quarter)
    answers = queries.speak_up_again_counts(session, quarter)
    columns = [
        _live_column(session, quarter, threshold, totals, answers),
        *(
            _released_column(frozen[p.label])
            if p.label in frozen
            else _live_column(
                session,
                p,
                threshold,
                queries.case_totals(session, p),
                queries.speak_up_again_counts(session, p),
            )
            for p in periods[1:]
        ),
    ]
    as_released = _as_released_note(frozen)
    received = totals.received
    return BoardReport(
        quarter=quarter.label,
        period=quarter.description,
        organisation=settings.organisation_name,
        threshold=threshold,
        compiled_on=long_date(today),
        complete=quarter.last_day < today,
        has_cases=received > 0,
        headline=PeriodTable(
            "Headline figures",
            tuple(period.label for period in periods),
            tuple(
                _across(label, (getattr(column, name) for column in columns))
                for name, label in HEADLINE_ROWS
            ),
            note="This quarter, the quarter before and the same quarter a year earlier. Cases "
            "received, anonymous and with detriment count the cases received in each quarter; "
            f"closures and feedback responses count what happened in it.{as_released}",
        ),
        elements=_breakdown(
            "Elements of the concerns",
            "Element",
            _labelled(queries.element_counts(session, quarter), Element),
            received,
            threshold,
            note="A case can have more than one element, so the rows add up to more than the "
            "number of cases; percentages are of the number of cases.",
        ),
        worker_groups=_breakdown(
            "Who spoke up",
            "Worker group",
            _labelled(queries.counts_by(session, Case.worker_group, quarter), WorkerGroup),
            received,
            threshold,
        ),
        routes=_breakdown(
            "How concerns reached the guardians",
            "Route",
            _labelled(queries.counts_by(session, Case.route, quarter), Route),
            received,
            threshold,
        ),
        directorates=_breakdown(
            "Directorates",
            "Directorate",
            _directorates(queries.directorate_counts(session, quarter)),
            received,
            threshold,
        ),
        anonymous=_share_table(
            "Raised anonymously",
            periods,
            [column.anonymous for column in columns],
            "A high share of anonymous concerns can mean that people fear speaking up openly."
            + as_released,
        ),
        detriment=_share_table(
            "Indicating detriment",
            periods,
            [column.detriment for column in columns],
            "Cases where the person said they had been treated badly as a result of speaking up."
            + as_released,
        ),
        timings=_timings(session, quarter, threshold),
        deadlines=_deadlines(session, quarter, today, threshold),
        speak_up_again=_breakdown(
            "Would you speak up again?",
            "Answer",
            _labelled(answers, SpeakUpAgain),
            sum(answers.values()),
            threshold,
            note="Answers given this quarter by people whose case had closed.",
        ),
        charts=_trend_charts(session, quarter, today, threshold),
        barriers=_barriers(session, quarter, threshold),
        equality=_equality(session, quarter, threshold),
        narrative=narrative,
    )


@dataclass(frozen=True)
class _Column:
    """One quarter's figures in the headline and share tables."""

    received: Figure
    anonymous: Figure
    detriment: Figure
    closed: Figure
    responses: Figure


#: the headline's rows: the _Column field each shows, and its label
HEADLINE_ROWS = (
    ("received", "Cases received"),
    ("anonymous", "Raised anonymously"),
    ("detriment", "Indicating detriment"),
    ("closed", "Cases closed"),
    ("responses", "Feedback responses"),
)


def _live_column(
    session: Session,
    quarter: Quarter,
    threshold: int,
    totals: queries.CaseTotals,
    answers: Mapping[str, int],
) -> _Column:
    """Count a quarter's headline figures from the cases as they stand."""
    return _Column(
        received=_figure(suppress_count(totals.received, threshold)),
        anonymous=_part_of_whole(totals.anonymous, totals.received, threshold),
        detriment=_part_of_whole(totals.detriment, totals.received, threshold),
        closed=_figure(suppress_count(queries.closed_count(session, quarter), threshold)),
        responses=_figure(suppress_count(sum(answers.values()), threshold)),
    )


def _released_column(report: BoardReport) -> _Column:
    """Take a released quarter's headline figures from its report, as the board was given them."""
    headline = {row.label: row.figures[0] for row in report.headline.rows}
    figures = {name: headline[label] for name, label in HEADLINE_ROWS}
    # the share tables hold the same counts with their percentages
    figures["anonymous"] = report.anonymous.rows[0].figures[0]
    figures["detriment"] = report.detriment.rows[0].figures[0]
    return _Column(**figures)


def _as_released_note(released: Mapping[str, BoardReport]) -> str:
    """Say which comparison quarters show the figures their released report gave."""
    if not released:
        return ""
    return f" Figures for {' and '.join(released)} are as released to the board."


def long_date(day: date) -> str:
    """Write a date as people read it, such as 26 November 2026."""
    return f"{day.day} {day:%B %Y}"


def release_status(report: BoardReport, released_on: str | None) -> str:
    """Say whether the report is released, a draft, or for a quarter not yet over."""
    if released_on:
        return (
            f"Released on {released_on} by the lead guardian. These figures are frozen: "
            "later changes to cases do not alter them."
        )
    if not report.complete:
        return "Draft: the quarter is not over yet, so these figures will change."
    return "Draft: not yet released by the lead guardian; figures may change."


def suppression_note(report: BoardReport) -> str:
    """Explain how small numbers are hidden."""
    return (
        f"To protect the people who spoke up, counts from 1 to {report.threshold - 1} are not "
        "published, nor are some larger counts that would let a small one be worked out from a "
        'total. Every hidden count reads "not shown", whatever its size. Zeros are shown, except '
        'in a table where every count is "not shown". No percentage is given for a hidden count.'
    )


def timeliness_note(report: BoardReport) -> str:
    """Explain the timeliness figures and when percentiles are withheld."""
    return (
        "Days from receipt, over the cases that reached each step this quarter. A median or "
        f"90th percentile is not given for fewer than {_fewest_for_percentiles(report.threshold)} "
        "cases."
    )


def _fewest_for_percentiles(threshold: int) -> int:
    return max(MIN_CASES_FOR_PERCENTILES, threshold)


def _figure(cell: Cell) -> Figure:
    """Publish a suppressed cell: its words, and its count and percentage only if shown."""
    return Figure(
        label=cell.label,
        display=cell.display,
        value=cell.count if cell.shown else None,
        percent=None if cell.percent is None else f"{format_number(cell.percent)}%",
    )


def _part_of_whole(part: int, whole: int, threshold: int) -> Figure:
    """Publish a count that is part of a published whole, hiding it if the rest is small."""
    cells = suppress_table(
        {"": part, "rest": whole - part}, whole, threshold, total_published_elsewhere=True
    )
    return _figure(cells[0])


def _labelled(counts: Mapping[str, int], choices: type[Choice]) -> dict[str, int]:
    """Key counts by label in the vocabulary's order, zeros included; unknown values last."""
    every = [*(member.value for member in choices), *counts]
    return {label: counts.get(value, 0) for value, label in _present_in_order(every, choices)}


def _directorates(counts: Mapping[str | None, int]) -> dict[str, int]:
    """Key directorate counts by name, alphabetically, with cases not recorded last."""
    named = {name: counts[name] for name in sorted(name for name in counts if name is not None)}
    return {**named, NOT_RECORDED: counts.get(None, 0)}


def _breakdown(
    title: str,
    category: str,
    counts: Mapping[str, int],
    total: int,
    threshold: int,
    note: str = "",
) -> FigureTable:
    """Suppress a one-way breakdown and publish it with its total, which the headline shows too."""
    table = suppress_table(counts, total, threshold, total_published_elsewhere=True)
    assert table.total is not None
    return FigureTable(
        title=title,
        category=category,
        rows=tuple(_figure(cell) for cell in table),
        total=_figure(table.total),
        note=note,
    )


def _across(label: str, figures: Iterable[Figure | Cell]) -> FigureRow:
    """Publish one measure over several quarters, without labels or percentages."""
    return FigureRow(label, tuple(_plain(figure) for figure in figures))


def _plain(figure: Figure | Cell) -> Figure:
    """Drop a figure's label and percentage, for a grid that labels its rows and columns."""
    published = _figure(figure) if isinstance(figure, Cell) else figure
    return Figure(label="", display=published.display, value=published.value)


def _share_table(
    label: str, periods: Sequence[Quarter], figures: Sequence[Figure], note: str
) -> PeriodTable:
    """Publish a part of each quarter's cases with its share."""
    return PeriodTable(
        title=label,
        periods=tuple(period.label for period in periods),
        rows=(FigureRow(label, tuple(figures)),),
        note=note,
    )


STEPS = (
    ("Received to acknowledged", Case.acknowledged_on),
    ("Received to first feedback", Case.first_feedback_on),
    ("Received to closed", Case.closed_on),
)
DEADLINES = (
    ("Acknowledged by the deadline", Case.acknowledge_due_on, Case.acknowledged_on),
    ("First feedback by the deadline", Case.first_feedback_due_on, Case.first_feedback_on),
)


def _timings(session: Session, quarter: Quarter, threshold: int) -> tuple[StepTiming, ...]:
    """Median and 90th percentile days from receipt, for each step taken in the quarter."""
    fewest = _fewest_for_percentiles(threshold)
    timings = []
    for label, done_on in STEPS:
        days = list(queries.days_taken(session, done_on, quarter).elements())
        cases = _figure(suppress_count(len(days), threshold, label=label))
        if len(days) < fewest:
            timings.append(StepTiming(label, cases, TOO_FEW_CASES, TOO_FEW_CASES))
            continue
        ninetieth = statistics.quantiles(days, n=10, method="inclusive")[-1]
        timings.append(StepTiming(label, cases, _days(statistics.median(days)), _days(ninetieth)))
    return tuple(timings)


def _days(value: float) -> str:
    """Write a number of days, such as "1 day" or "2.5 days"."""
    written = format_number(value)
    return f"{written} day" if written == "1" else f"{written} days"


def _deadlines(
    session: Session, quarter: Quarter, today: date, threshold: int
) -> tuple[DeadlineRecord, ...]:
    """Count the deadlines due in the quarter (up to yesterday) and the share met."""
    last = min(quarter.last_day, today - timedelta(days=1))
    records = []
    for label, due_on, done_on in DEADLINES:
        outcome = queries.deadline_outcome(session, due_on, done_on, quarter.first_day, last)
        cells = suppress_table(
            {"Met": outcome.met, "Missed": outcome.due - outcome.met}, outcome.due, threshold
        )
        assert cells.total is not None
        records.append(DeadlineRecord(label, _figure(cells.total), _figure(cells[0])))
    return tuple(records)


@dataclass(frozen=True)
class _Period:
    """A month or quarter of the chart, with its counts."""

    label: str
    first: date
    last: date
    cases: int = 0
    anonymous: int = 0


def _trend_charts(
    session: Session, quarter: Quarter, today: date, threshold: int
) -> tuple[TrendChart, ...]:
    """Chart the cases and the share raised anonymously, month by month where possible."""
    end = _chart_end(quarter, today)
    months = _chart_months(session, end)
    if not months:
        return (
            TrendChart("cases-trend", "Cases received", "Cases", message=TOO_SHORT_TO_CHART),
            TrendChart(
                "anonymous-trend",
                "Share raised anonymously",
                "Per cent",
                counts=False,
                message=TOO_SHORT_TO_CHART,
            ),
        )
    quarters = [period for period in _quarters_of(months) if period.last <= end]
    start = min([months[0].first, *(period.first for period in quarters)])
    daily = queries.daily_counts(session, start, end)
    monthly = _Series(_fill(months, daily), _not_plotted(quarter, today, by_month=True))
    quarterly = _Series(_fill(quarters, daily), _not_plotted(quarter, today, by_month=False))
    return (
        _chart(
            "cases-trend",
            "Cases received",
            "Cases",
            [monthly, quarterly],
            lambda period: period.cases,
            lambda period: [period.cases],
            threshold,
            higher_is=HigherIs.NEITHER,
            counts=True,
        ),
        _chart(
            "anonymous-trend",
            "Share raised anonymously",
            "Per cent",
            [series.with_cases() for series in (monthly, quarterly)],
            lambda period: 100 * period.anonymous / period.cases,
            lambda period: [period.anonymous, period.cases - period.anonymous],
            threshold,
            higher_is=HigherIs.WORSE,
            counts=False,
        ),
    )


@dataclass(frozen=True)
class _Series:
    """The periods a chart may plot, and what to say about a period left off the end."""

    periods: list[_Period]
    not_plotted: str = ""

    def with_cases(self) -> _Series:
        """Keep only the periods with cases: a share of none is not a value."""
        return _Series([period for period in self.periods if period.cases], self.not_plotted)


def _chart_end(quarter: Quarter, today: date) -> date:
    """Return the last day the charts cover: the quarter's last, or the last of a month now over.

    The month of the compile date is not over, so its count so far would look like a fall and
    could be flagged as special cause; it is left out of the points, the mean and the limits.
    """
    return min(quarter.last_day, today.replace(day=1) - timedelta(days=1))


def _not_plotted(quarter: Quarter, today: date, *, by_month: bool) -> str:
    """Say which period of the quarter is left off the chart because it is not over, if any."""
    if quarter.last_day < today:
        return ""
    if by_month:
        return (
            f"{today:%B %Y} is not plotted: the month was not over when these figures were "
            "compiled."
        )
    return f"{quarter} is not plotted: the quarter was not over when these figures were compiled."


def _chart_months(session: Session, end: date) -> list[_Period]:
    """Return the chart's months: up to 24 ending on `end`, none before the first case."""
    first_case = queries.first_received_on(session)
    if first_case is None:
        return []
    index = end.year * 12 + end.month - 1
    starts = [date(n // 12, n % 12 + 1, 1) for n in range(index - CHART_MONTHS + 1, index + 1)]
    earliest = first_case.replace(day=1)
    return [
        _Period(f"{start:%b %Y}", start, _month_end(start)) for start in starts if start >= earliest
    ]


def _month_end(start: date) -> date:
    return (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)


def _quarters_of(months: Sequence[_Period]) -> list[_Period]:
    """Return the financial quarters the months fall in, with their first and last days."""
    quarters = dict.fromkeys(financial_quarter(month.first) for month in months)
    return [_Period(q.label, q.first_day, q.last_day) for q in quarters]


def _fill(periods: Sequence[_Period], daily: Sequence[queries.DailyCount]) -> list[_Period]:
    """Add up the daily counts into the periods."""
    filled = []
    for period in periods:
        days = [count for count in daily if period.first <= count.day <= period.last]
        filled.append(
            _Period(
                period.label,
                period.first,
                period.last,
                cases=sum(count.cases for count in days),
                anonymous=sum(count.anonymous for count in days),
            )
        )
    return filled


def _chart(
    key: str,
    title: str,
    y_label: str,
    candidates: Sequence[_Series],
    value: typing.Callable[[_Period], float],
    counts_behind: typing.Callable[[_Period], list[int]],
    threshold: int,
    *,
    higher_is: HigherIs,
    counts: bool,
) -> TrendChart:
    """Draw the first candidate series (monthly, then quarterly) whose every count survives."""
    usable = [series for series in candidates if len(series.periods) >= 2]
    if not usable:
        return TrendChart(key, title, y_label, counts=counts, message=TOO_SHORT_TO_CHART)
    for series in usable:
        if all(_survives(n, threshold) for period in series.periods for n in counts_behind(period)):
            return _drawn_chart(key, title, y_label, series, value, higher_is, counts=counts)
    return TrendChart(key, title, y_label, counts=counts, message=TOO_SMALL_TO_CHART)


def _survives(count: int, threshold: int) -> bool:
    return count == 0 or count >= threshold


def _drawn_chart(
    key: str,
    title: str,
    y_label: str,
    series: _Series,
    value: typing.Callable[[_Period], float],
    higher_is: HigherIs,
    *,
    counts: bool,
) -> TrendChart:
    periods = series.periods
    by_month = periods[0].first.month == periods[0].last.month
    period_heading = "Month" if by_month else "Quarter"
    full_title = f"{title} each {period_heading.lower()}"
    chart = xmr([(period.label, value(period)) for period in periods], higher_is=higher_is)
    summary = describe_chart(chart, y_label=y_label)
    return TrendChart(
        key=key,
        title=full_title,
        y_label=y_label,
        period_heading=period_heading,
        counts=counts,
        svg=render_xmr_svg(
            chart, chart_id=key, title=full_title, y_label=y_label, x_label=period_heading
        ),
        summary=f"{summary} {series.not_plotted}".strip(),
        rows=tuple(chart_table_rows(chart)),
    )


def _barriers(session: Session, quarter: Quarter, threshold: int) -> CrossTabulation:
    """Cross worker group with confidentiality, if every cell of it survives suppression."""
    title, row_heading = "Confidentiality chosen by each worker group", "Worker group"
    counts = queries.cross_counts(session, Case.worker_group, Case.confidentiality, quarter)
    matrix = {
        group: {level.label: counts[value].get(level.value, 0) for level in ConfidentialityLevel}
        for value, group in _present_in_order(counts, WorkerGroup)
    }
    if not matrix:
        return CrossTabulation(title, row_heading, message="There were no cases this quarter.")
    table = suppress_two_way(matrix, threshold)
    grid = {row: [*table.cells[row].values(), table.row_totals[row]] for row in table.rows} | {
        "Total": [*table.column_totals.values(), table.grand_total]
    }
    if not all(cell.shown for cells in grid.values() for cell in cells):
        return CrossTabulation(
            title,
            row_heading,
            message="Some of these figures are too small to publish, so the table is not shown.",
        )
    rows = [FigureRow(label, tuple(_plain(c) for c in cells)) for label, cells in grid.items()]
    return CrossTabulation(
        title=title,
        row_heading=row_heading,
        columns=(*table.columns, "Total"),
        rows=tuple(rows[:-1]),
        totals=rows[-1],
    )


def _present_in_order(values: Iterable[str], choices: type[Choice]) -> list[tuple[str, str]]:
    """Return (value, label) for the values present, in the vocabulary's order, unknown last."""
    present = set(values)
    known = [(member.value, member.label) for member in choices if member.value in present]
    unknown = sorted(present - {member.value for member in choices})
    return known + [(value, value) for value in unknown]


#: (heading, the question's name in fts_app/speakup/equality.py, its vocabulary)
EQUALITY_QUESTIONS: tuple[tuple[str, str, type[Choice]], ...] = (
    ("Age band", "age_band", AgeBand),
    ("Disability", "disability", Disability),
    ("Ethnic group", "ethnicity", Ethnicity),
    ("Religion or belief", "religion", Religion),
    ("Sex", "sex", Sex),
    ("Sexual orientation", "sexual_orientation", SexualOrientation),
)


def _equality(session: Session, quarter: Quarter, threshold: int) -> EqualitySection:
    """Publish each equality question's answers only if no cell needs suppressing."""
    tally = queries.equality_tally(session, quarter)
    responses = tally.responses
    tables, withheld = [], []
    for question, name, answers in EQUALITY_QUESTIONS:
        counts = tally.answers[name]
        table = _breakdown(question, "Answer", _answers(counts, answers), responses, threshold)
        if not responses:
            continue
        if all(figure.shown for figure in [*table.rows, *([table.total] if table.total else [])]):
            tables.append(table)
        else:
            withheld.append(question)
    return EqualitySection(
        responses=_figure(suppress_count(responses, threshold, label="Responses")),
        tables=tuple(tables),
        withheld=tuple(withheld),
    )


def _answers(counts: Mapping[str | None, int], answers: type[Choice]) -> dict[str, int]:
    """Label the answers given, in the question's order, with questions left blank last."""
    given = {value: count for value, count in counts.items() if value is not None}
    labelled = {label: given[value] for value, label in _present_in_order(given, answers)}
    return labelled | ({NOT_ANSWERED: counts[None]} if counts.get(None) else {})


def _rebuild(kind: Any, data: Any) -> Any:
    """Turn JSON data back into the typed value `kind` describes."""
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _rebuild(hints[f.name], data[f.name]) for f in fields(kind)})
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return tuple(_rebuild(arguments[0], item) for item in data)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return _rebuild(inner, data)
    if isinstance(kind, type) and issubclass(kind, tuple):
        return kind(*data)
    return data
