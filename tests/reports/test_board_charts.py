"""Trend charts in the board report: monthly where every month survives, else quarterly."""

from collections.abc import Callable
from datetime import date

from flask import Flask
from sqlalchemy import delete

from fts_app import db
from fts_app.cases.enums import ConfidentialityLevel
from fts_app.cases.models import Case
from fts_app.crypto.models import CaseKey
from fts_app.quarters import Quarter
from fts_app.reports.board import BoardReport, build_board_report
from fts_app.reports.narrative import Narrative
from fts_app.reports.national_return import build_national_return, national_return_csv
from fts_app.reports.trends import TOO_SHORT_TO_CHART, TOO_SMALL_TO_CHART, TrendChart

QUARTER = Quarter(2026, 2)
TODAY = date(2026, 11, 26)

MakeCase = Callable[..., Case]


def make_cases(make_case: MakeCase, received: dict[date, int], **fields: object) -> None:
    for day, count in received.items():
        for _ in range(count):
            make_case(received_on=day, **fields)


def report(quarter: Quarter = QUARTER, today: date = TODAY) -> BoardReport:
    return build_board_report(db.session(), quarter, today=today, narrative=Narrative())


def table(chart: TrendChart) -> list[tuple[str, str]]:
    return [(row.label, row.value) for row in chart.rows]


def test_months_that_all_survive_are_charted_by_month(app: Flask, make_case: MakeCase) -> None:
    make_cases(make_case, {date(2026, 7, 3): 5, date(2026, 8, 14): 6})
    cases, anonymous = report().charts

    assert (cases.title, cases.period_heading, cases.counts) == (
        "Cases received each month",
        "Month",
        True,
    )
    assert table(cases) == [("Jul 2026", "5"), ("Aug 2026", "6"), ("Sep 2026", "0")]
    # mean 11 / 3; moving ranges 1 and 6, mean 3.5; upper limit 3.67 + 2.66 * 3.5 = 12.98
    first = cases.rows[0]
    assert (first.mean, first.lower_limit, first.upper_limit) == ("3.7", "0", "13")
    assert cases.svg.startswith("<svg") and 'aria-labelledby="cases-trend-title' in cases.svg
    assert "Mean 3.7; process limits 0 to 13." in cases.summary
    # a month with no cases has no share to chart
    assert table(anonymous) == [("Jul 2026", "0"), ("Aug 2026", "0")]
    assert (anonymous.title, anonymous.counts) == ("Share raised anonymously each month", False)
    assert "not plotted" not in cases.summary


def test_a_small_month_sends_the_chart_to_quarters(app: Flask, make_case: MakeCase) -> None:
    make_cases(make_case, {date(2026, 4, 7): 3, date(2026, 5, 7): 3, date(2026, 7, 7): 6})
    cases, _ = report().charts

    assert (cases.title, cases.period_heading) == ("Cases received each quarter", "Quarter")
    assert table(cases) == [("2026-27-Q1", "6"), ("2026-27-Q2", "6")]


def test_a_share_is_charted_only_where_neither_part_is_small(
    app: Flask, make_case: MakeCase
) -> None:
    # 5 of 9 anonymous in each quarter: the 4 not anonymous could be worked out from the share
    for day in (date(2026, 5, 7), date(2026, 8, 7)):
        make_cases(make_case, {day: 5}, confidentiality=ConfidentialityLevel.ANONYMOUS)
        make_cases(make_case, {day: 4})
    cases, anonymous = report().charts

    assert table(cases) == [
        ("May 2026", "9"),
        ("Jun 2026", "0"),
        ("Jul 2026", "0"),
        ("Aug 2026", "9"),
        ("Sep 2026", "0"),
    ]
    assert (anonymous.svg, anonymous.rows, anonymous.message) == ("", (), TOO_SMALL_TO_CHART)


def test_a_single_month_of_data_is_too_short_to_chart(app: Flask, make_case: MakeCase) -> None:
    make_cases(make_case, {date(2026, 9, 1): 6})
    for chart in report().charts:
        assert (chart.svg, chart.message) == ("", TOO_SHORT_TO_CHART)


def test_the_chart_covers_the_24_months_up_to_the_quarter(app: Flask, make_case: MakeCase) -> None:
    make_cases(make_case, {date(2024, 1, 15): 5, date(2026, 9, 15): 5, date(2026, 10, 1): 5})
    cases, _ = report().charts

    assert len(cases.rows) == 24
    assert (cases.rows[0].label, cases.rows[-1].label) == ("Oct 2024", "Sep 2026")


def test_figures_come_from_structured_fields_never_from_case_text(
    app: Flask, make_case: MakeCase
) -> None:
    make_cases(make_case, {date(2026, 7, 3): 5, date(2026, 8, 14): 6})
    before = (report(), national_return_csv(build_national_return(db.session(), QUARTER)))
    # destroying every data key leaves no case text anyone could read
    with db.write_transaction() as session:
        session.execute(delete(CaseKey))
    after = (report(), national_return_csv(build_national_return(db.session(), QUARTER)))
    assert after == before


UNDER_WAY, COMPILED_ON = Quarter(2026, 3), date(2026, 11, 27)


def test_a_quarter_under_way_is_charted_to_its_last_month_that_is_over(
    app: Flask, make_case: MakeCase
) -> None:
    make_cases(
        make_case,
        {date(2026, 7, 3): 5, date(2026, 8, 3): 6, date(2026, 10, 5): 7, date(2026, 11, 2): 5},
    )
    cases, _ = report(UNDER_WAY, COMPILED_ON).charts

    # December has not begun and November is not over: neither is a point, nor in the limits
    assert table(cases) == [
        ("Jul 2026", "5"),
        ("Aug 2026", "6"),
        ("Sep 2026", "0"),
        ("Oct 2026", "7"),
    ]
    assert "Mean 4.5;" in cases.summary
    assert cases.summary.endswith(
        "November 2026 is not plotted: the month was not over when these figures were compiled."
    )
    assert "Dec 2026" not in cases.svg and "Nov 2026" not in cases.svg


def test_a_quarter_under_way_is_left_off_a_chart_by_quarter(
    app: Flask, make_case: MakeCase
) -> None:
    make_cases(make_case, {date(2026, 4, 7): 3, date(2026, 5, 7): 3, date(2026, 7, 7): 6})
    make_cases(make_case, {date(2026, 10, 7): 6})
    cases, _ = report(UNDER_WAY, COMPILED_ON).charts

    assert table(cases) == [("2026-27-Q1", "6"), ("2026-27-Q2", "6")]
    assert cases.summary.endswith(
        "2026-27-Q3 is not plotted: the quarter was not over when these figures were compiled."
    )


def test_a_quarter_cut_by_the_24_months_is_counted_whole_on_a_chart_by_quarter(
    app: Flask, make_case: MakeCase
) -> None:
    # the 24 months end with October 2026, so they start in November 2024, within 2024-25-Q3
    make_cases(make_case, {date(2024, 10, 10): 3, date(2024, 11, 10): 3})
    cases, _ = report(UNDER_WAY, COMPILED_ON).charts

    assert table(cases)[0] == ("2024-25-Q3", "6")
    assert table(cases)[-1] == ("2026-27-Q2", "0")
