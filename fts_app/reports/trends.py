"""The board report's trend charts: XmR charts of the cases and the share raised anonymously.

Charts plot monthly counts, or quarterly ones when a month is too small; a chart with any count
that suppression would hide (suppression.py) is replaced by a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fts_app.quarters import Quarter, financial_quarter
from fts_app.reports import queries
from fts_app.reports.charts import (
    ChartTableRow,
    chart_table_rows,
    describe_chart,
    render_xmr_svg,
)
from fts_app.reports.spc import HigherIs, xmr
from fts_app.template_filters import month_year, short_month_year

CHART_MONTHS = 24
TOO_SMALL_TO_CHART = (
    "Some monthly and quarterly figures are too small to publish, so this chart is not drawn."
)
TOO_SHORT_TO_CHART = "There are not yet two months of figures, so this chart is not drawn."
#: what every rendering of the report says around the charts
SPC_NOTE = (
    "Statistical process control (XmR) charts: the process limits are the mean plus or minus "
    "2.66 times the mean moving range. A point outside the limits, 7 in a row rising or "
    "falling, 7 in a row on one side of the mean, or 2 of 3 in a row close to a limit is "
    "marked as special cause variation."
)


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
class _Period:
    """A month or quarter of the chart, with its counts."""

    label: str
    first: date
    last: date
    cases: int = 0
    anonymous: int = 0


def trend_charts(
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
            f"{month_year(today)} is not plotted: the month was not over when these figures were "
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
        _Period(short_month_year(start), start, _month_end(start))
        for start in starts
        if start >= earliest
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
    value: Callable[[_Period], float],
    counts_behind: Callable[[_Period], list[int]],
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
    value: Callable[[_Period], float],
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
