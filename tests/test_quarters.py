from datetime import date

import pytest

from fts_app.quarters import (
    Quarter,
    QuarterError,
    check_started,
    financial_quarter,
    latest_complete_quarter,
    parse_quarter,
    recent_quarters,
)


@pytest.mark.parametrize(
    ("text", "year", "number"),
    [
        ("2026-27-Q2", 2026, 2),
        ("2025-26-Q4", 2025, 4),
        ("1999-00-Q1", 1999, 1),
        (" 2026-27-q3 ", 2026, 3),
    ],
)
def test_a_quarter_is_read_from_its_written_form(text: str, year: int, number: int) -> None:
    assert parse_quarter(text) == Quarter(year, number)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-27-Q5", "four quarters, Q1 to Q4"),
        ("2026-27-Q0", "four quarters, Q1 to Q4"),
        ("2026-28-Q1", "2026-28 is not a financial year"),
        ("abc", "Enter a quarter in the form 2026-27-Q2"),
        ("", "Enter a quarter in the form 2026-27-Q2"),
        (None, "Enter a quarter in the form 2026-27-Q2"),
        ("2026-27-Q2x", "Enter a quarter in the form 2026-27-Q2"),
        ("2026/27 Q2", "Enter a quarter in the form 2026-27-Q2"),
        ("0000-01-Q1", "no reports for the financial year starting 0"),
        ("9999-00-Q1", "no reports for the financial year starting 9999"),
    ],
)
def test_a_malformed_or_impossible_quarter_is_refused_with_a_reason(
    text: str | None, message: str
) -> None:
    with pytest.raises(QuarterError, match=message):
        parse_quarter(text)


@pytest.mark.parametrize(
    ("quarter", "label", "first", "last", "description"),
    [
        (Quarter(2026, 1), "2026-27-Q1", date(2026, 4, 1), date(2026, 6, 30), "April to June 2026"),
        (
            Quarter(2026, 2),
            "2026-27-Q2",
            date(2026, 7, 1),
            date(2026, 9, 30),
            "July to September 2026",
        ),
        (
            Quarter(2026, 3),
            "2026-27-Q3",
            date(2026, 10, 1),
            date(2026, 12, 31),
            "October to December 2026",
        ),
        (
            Quarter(2026, 4),
            "2026-27-Q4",
            date(2027, 1, 1),
            date(2027, 3, 31),
            "January to March 2027",
        ),
        (
            Quarter(2099, 4),
            "2099-00-Q4",
            date(2100, 1, 1),
            date(2100, 3, 31),
            "January to March 2100",
        ),
        (
            Quarter(2027, 4),
            "2027-28-Q4",
            date(2028, 1, 1),
            date(2028, 3, 31),
            "January to March 2028",
        ),
    ],
)
def test_each_quarter_covers_three_months_of_the_financial_year(
    quarter: Quarter, label: str, first: date, last: date, description: str
) -> None:
    assert (quarter.label, quarter.first_day, quarter.last_day) == (label, first, last)
    assert quarter.description == description
    assert str(quarter) == label


def test_a_quarter_knows_its_months() -> None:
    assert Quarter(2026, 4).months == (date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1))


@pytest.mark.parametrize(
    ("quarter", "previous", "a_year_earlier"),
    [
        (Quarter(2026, 2), Quarter(2026, 1), Quarter(2025, 2)),
        (Quarter(2026, 1), Quarter(2025, 4), Quarter(2025, 1)),
        (Quarter(2026, 4), Quarter(2026, 3), Quarter(2025, 4)),
    ],
)
def test_the_previous_quarter_and_the_same_quarter_last_year(
    quarter: Quarter, previous: Quarter, a_year_earlier: Quarter
) -> None:
    assert quarter.previous() == previous
    assert quarter.a_year_earlier() == a_year_earlier
    assert previous.next() == quarter


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 4, 1), "2026-27-Q1"),
        (date(2026, 6, 30), "2026-27-Q1"),
        (date(2026, 7, 1), "2026-27-Q2"),
        (date(2026, 12, 31), "2026-27-Q3"),
        (date(2027, 1, 1), "2026-27-Q4"),
        (date(2027, 3, 31), "2026-27-Q4"),
    ],
)
def test_a_day_falls_in_one_financial_quarter(day: date, label: str) -> None:
    assert financial_quarter(day).label == label


def test_the_latest_complete_quarter_is_the_one_before_today() -> None:
    assert latest_complete_quarter(date(2026, 11, 26)) == Quarter(2026, 2)
    assert latest_complete_quarter(date(2026, 4, 1)) == Quarter(2025, 4)


def test_recent_quarters_count_back_from_the_latest_complete_one() -> None:
    labels = [quarter.label for quarter in recent_quarters(date(2026, 11, 26), 3)]
    assert labels == ["2026-27-Q2", "2026-27-Q1", "2025-26-Q4"]


def test_a_quarter_that_has_not_started_is_refused() -> None:
    today = date(2026, 11, 26)
    assert check_started(Quarter(2026, 3), today) == Quarter(2026, 3)
    with pytest.raises(QuarterError, match=r"2026-27-Q4 \(January to March 2027\) has not started"):
        check_started(Quarter(2026, 4), today)
