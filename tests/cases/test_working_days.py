import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from fts_app.cases.working_days import (
    DEFAULT_DEADLINES,
    SHIPPED_BANK_HOLIDAYS,
    BankHolidayCalendar,
    BankHolidayFileError,
    DeadlineRule,
    add_calendar_days,
    add_months,
    add_working_days,
    is_working_day,
    load_bank_holidays,
    working_days_between,
)


@pytest.fixture(scope="module")
def holidays() -> BankHolidayCalendar:
    return load_bank_holidays()


def write_holiday_file(folder: Path, content: str | bytes) -> Path:
    path = folder / "bank_holidays_england_wales.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def holiday_document(events: list[dict[str, str]]) -> dict[str, object]:
    return {"division": "england-and-wales", "updated": "2031-01-05", "events": events}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 6, 3), True),  # Monday
        (date(2024, 6, 7), True),  # Friday
        (date(2024, 6, 8), False),  # Saturday
        (date(2024, 6, 9), False),  # Sunday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 4, 22), True),  # Tuesday after Easter
        (date(2021, 12, 27), False),  # Christmas Day substitute
        (date(2021, 12, 28), False),  # Boxing Day substitute
        (date(2022, 12, 26), False),  # Boxing Day on a Monday
        (date(2022, 12, 27), False),  # Christmas Day substitute
        (date(2022, 1, 3), False),  # New Year's Day substitute
        (date(2023, 1, 2), False),  # New Year's Day substitute
        (date(2020, 5, 8), False),  # VE Day, early May holiday moved to a Friday
        (date(2020, 5, 4), True),  # the first Monday of May 2020 was a working day
        (date(2022, 6, 2), False),  # spring holiday moved to a Thursday
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2022, 5, 30), True),  # the last Monday of May 2022 was a working day
        (date(2022, 9, 19), False),  # State Funeral of Queen Elizabeth II
        (date(2023, 5, 8), False),  # Coronation of King Charles III
        (date(2023, 5, 1), False),  # early May holiday in coronation year
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(day, expected, holidays):
    assert is_working_day(day, holidays) is expected


#: (start, working days, due date): every row was counted by hand on a calendar.
WORKING_DAY_SUMS = [
    (date(2024, 6, 3), 0, date(2024, 6, 3)),  # zero returns the start
    (date(2024, 6, 9), 0, date(2024, 6, 9)),  # zero returns the start, even a Sunday
    (date(2024, 6, 3), 2, date(2024, 6, 5)),  # Monday + 2 = Wednesday
    (date(2024, 6, 6), 2, date(2024, 6, 10)),  # Thursday + 2 = Monday
    (date(2024, 6, 7), 1, date(2024, 6, 10)),  # Friday + 1 = Monday
    (date(2024, 6, 7), 5, date(2024, 6, 14)),  # Friday + 5 = next Friday
    (date(2024, 6, 8), 1, date(2024, 6, 10)),  # Saturday + 1 = Monday
    (date(2024, 6, 9), 2, date(2024, 6, 11)),  # Sunday + 2 = Tuesday
    (date(2025, 4, 17), 1, date(2025, 4, 22)),  # Thursday before Easter + 1 = Tuesday after
    (date(2025, 4, 17), 2, date(2025, 4, 23)),
    (date(2025, 4, 18), 1, date(2025, 4, 22)),  # Good Friday + 1 = Tuesday after Easter
    (date(2020, 12, 24), 1, date(2020, 12, 29)),  # Boxing Day substitute on Monday 28th
    (date(2021, 12, 24), 1, date(2021, 12, 29)),  # both Christmas holidays substituted
    (date(2021, 12, 23), 2, date(2021, 12, 29)),
    (date(2022, 12, 23), 1, date(2022, 12, 28)),  # Boxing Day Monday, Christmas substitute Tuesday
    (date(2021, 12, 31), 1, date(2022, 1, 4)),  # New Year's Day substitute on Monday 3rd
    (date(2022, 12, 30), 1, date(2023, 1, 3)),  # New Year's Day substitute on Monday 2nd
    (date(2024, 12, 23), 5, date(2025, 1, 2)),  # across Christmas and New Year
    (date(2020, 5, 7), 1, date(2020, 5, 11)),  # VE Day Friday
    (date(2020, 5, 1), 1, date(2020, 5, 4)),  # no early May holiday on the first Monday
    (date(2022, 5, 27), 1, date(2022, 5, 30)),  # no spring holiday on the last Monday
    (date(2022, 6, 1), 1, date(2022, 6, 6)),  # Platinum Jubilee Thursday and Friday
    (date(2022, 9, 16), 1, date(2022, 9, 20)),  # State Funeral Monday
    (date(2023, 4, 28), 1, date(2023, 5, 2)),  # early May holiday 2023
    (date(2023, 5, 5), 1, date(2023, 5, 9)),  # Coronation Monday
]


@pytest.mark.parametrize(("start", "days", "expected"), WORKING_DAY_SUMS)
def test_add_working_days_counts_from_the_day_after_start(start, days, expected, holidays):
    assert add_working_days(start, days, holidays) == expected


@pytest.mark.parametrize(("start", "days", "due"), WORKING_DAY_SUMS)
def test_working_days_between_a_start_and_its_due_date_is_the_amount_added(
    start, days, due, holidays
):
    assert working_days_between(start, due, holidays) == days


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 6, 3), date(2024, 6, 3), 0),  # same day
        (date(2024, 6, 3), date(2024, 6, 7), 4),  # Monday to Friday
        (date(2024, 6, 8), date(2024, 6, 9), 0),  # a weekend
        (date(2024, 6, 7), date(2024, 6, 12), 3),  # Friday to Wednesday
        (date(2025, 4, 17), date(2025, 4, 21), 0),  # over Easter
        (date(2024, 6, 10), date(2024, 6, 7), -1),  # Monday back to the Friday before
        (date(2021, 12, 29), date(2021, 12, 24), -1),  # back over Christmas 2021
        (date(2024, 6, 7), date(2024, 6, 3), -4),  # Friday back to Monday
    ],
)
def test_working_days_between_counts_after_start_up_to_and_including_end(
    start, end, expected, holidays
):
    assert working_days_between(start, end, holidays) == expected


def test_add_working_days_rejects_a_negative_number(holidays):
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2024, 6, 3), -1, holidays)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 6, 7), 0, date(2024, 6, 7)),
        (date(2024, 6, 7), 7, date(2024, 6, 14)),
        (date(2024, 12, 28), 7, date(2025, 1, 4)),  # into the new year
        (date(2024, 2, 25), 7, date(2024, 3, 3)),  # over 29 February
        (date(2023, 2, 25), 7, date(2023, 3, 4)),  # February of a common year
        (date(2024, 12, 24), 7, date(2024, 12, 31)),  # bank holidays are ordinary days here
        (date(2024, 3, 1), -1, date(2024, 2, 29)),  # backwards
    ],
)
def test_add_calendar_days(start, days, expected):
    assert add_calendar_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
        (date(2024, 10, 15), 3, date(2025, 1, 15)),  # into the next year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),  # common year February
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 8, 31), 3, date(2024, 11, 30)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 2, 28), 1, date(2023, 3, 28)),  # the end of February is not the end of March
        (date(2024, 3, 31), -1, date(2024, 2, 29)),  # backwards, also clamped
        (date(2025, 1, 15), -3, date(2024, 10, 15)),
    ],
)
def test_add_months_keeps_the_day_within_the_target_month(start, months, expected):
    assert add_months(start, months) == expected


def test_default_deadlines_match_the_suggested_timescales():
    assert dict(DEFAULT_DEADLINES) == {
        "acknowledge": DeadlineRule(2, "working_days"),
        "first_feedback": DeadlineRule(7, "calendar_days"),
        "substantive_feedback": DeadlineRule(3, "months"),
        "detriment_check_in": DeadlineRule(3, "months"),
    }


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        (DEFAULT_DEADLINES["acknowledge"], date(2025, 4, 17), date(2025, 4, 23)),  # over Easter
        (DEFAULT_DEADLINES["acknowledge"], date(2024, 6, 6), date(2024, 6, 10)),  # over a weekend
        (DEFAULT_DEADLINES["first_feedback"], date(2025, 4, 17), date(2025, 4, 24)),
        (DEFAULT_DEADLINES["substantive_feedback"], date(2024, 11, 30), date(2025, 2, 28)),
        (DEFAULT_DEADLINES["detriment_check_in"], date(2025, 1, 31), date(2025, 4, 30)),
        (DeadlineRule(0, "working_days"), date(2024, 6, 8), date(2024, 6, 8)),
        (DeadlineRule(0, "months"), date(2024, 6, 8), date(2024, 6, 8)),
    ],
)
def test_deadline_rule_due_date(rule, start, expected, holidays):
    assert rule.due_date(start, holidays) == expected


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (-1, "working_days", "negative"),
        (-3, "months", "negative"),
        (2, "weeks", "unknown deadline unit 'weeks'"),
    ],
)
def test_deadline_rule_rejects_negative_amounts_and_unknown_units(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        DeadlineRule(amount, unit)


#: Every bank holiday in the shipped file, worked out year by year from the rules.
SHIPPED_HOLIDAYS = {
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: [
        *["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19"],
        *["12-26", "12-27"],
    ],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2028: ["01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"],
    2029: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2030: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
}


@pytest.mark.parametrize(("year", "month_days"), SHIPPED_HOLIDAYS.items())
def test_shipped_file_lists_every_bank_holiday_of_the_year(year, month_days, holidays):
    listed = {day for day in holidays.dates if day.year == year}
    assert listed == {date.fromisoformat(f"{year}-{month_day}") for month_day in month_days}


@pytest.mark.parametrize(
    ("year", "count"),
    [(year, 8) for year in (2018, 2019, 2020, 2021, *range(2024, 2031))] + [(2022, 10), (2023, 9)],
)
def test_shipped_file_has_eight_holidays_a_year_plus_the_one_offs(year, count, holidays):
    assert Counter(day.year for day in holidays.dates)[year] == count


@pytest.mark.parametrize(
    ("listed", "not_listed"),
    [
        ([date(2020, 5, 8)], [date(2020, 5, 4)]),  # VE Day replaced the first Monday of May
        ([date(2022, 6, 2), date(2022, 6, 3)], [date(2022, 5, 30)]),  # Platinum Jubilee
        ([date(2022, 9, 19)], []),  # State Funeral
        ([date(2023, 5, 1), date(2023, 5, 8)], []),  # Coronation on top of early May
    ],
)
def test_shipped_file_has_the_one_off_changes(listed, not_listed, holidays):
    assert all(day in holidays for day in listed)
    assert not any(day in holidays for day in not_listed)


def test_shipped_holidays_all_fall_on_weekdays(holidays):
    assert [day for day in holidays.dates if day.weekday() >= 5] == []


def test_shipped_file_describes_itself(holidays):
    assert holidays.source == SHIPPED_BANK_HOLIDAYS
    assert holidays.years_covered() == range(2018, 2031)


@pytest.mark.parametrize(
    ("today", "out_of_date"),
    [(date(2026, 11, 26), False), (date(2030, 12, 31), False), (date(2031, 1, 1), True)],
)
def test_calendar_is_out_of_date_once_past_its_last_year(today, out_of_date, holidays):
    assert holidays.is_out_of_date(today) is out_of_date


def test_an_override_file_replaces_the_shipped_list(tmp_path):
    events = [
        {"date": "2031-01-01", "title": "New Year's Day"},
        {"date": "2032-01-01", "title": "New Year's Day"},
    ]
    path = write_holiday_file(tmp_path, json.dumps(holiday_document(events)))

    holidays = load_bank_holidays(path)

    assert holidays.source == path
    assert holidays.updated == date(2031, 1, 5)
    assert holidays.years_covered() == range(2031, 2033)
    assert add_working_days(date(2030, 12, 31), 1, holidays) == date(2031, 1, 2)
    assert is_working_day(date(2025, 12, 25), holidays)  # a Thursday the override does not list


VALID_EVENT = {"date": "2031-01-01", "title": "New Year's Day"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        ("[]", "expected a JSON object"),
        (json.dumps({**holiday_document([VALID_EVENT]), "division": "scotland"}), "division"),
        (json.dumps({**holiday_document([VALID_EVENT]), "updated": "soon"}), "updated is 'soon'"),
        (json.dumps({"division": "england-and-wales", "events": [VALID_EVENT]}), "updated"),
        (json.dumps({"division": "england-and-wales", "updated": "2031-01-05"}), "events"),
        (json.dumps(holiday_document([])), "events must be a non-empty list"),
        (json.dumps(holiday_document(["2031-01-01"])), "event 1 is not an object"),
        (
            json.dumps(holiday_document([VALID_EVENT, {"date": "2031-13-01", "title": "X"}])),
            "event 2 date is '2031-13-01'",
        ),
        (
            json.dumps(holiday_document([{"date": "1 January 2031", "title": "X"}])),
            "event 1 date is '1 January 2031'",
        ),
        (json.dumps(holiday_document([{"date": "20310101", "title": "X"}])), "event 1 date"),
        (json.dumps(holiday_document([{"date": "2031-01-01"}])), "event 1 has no title"),
        (json.dumps(holiday_document([VALID_EVENT, VALID_EVENT])), "event 2 repeats 2031-01-01"),
    ],
)
def test_a_malformed_file_raises_a_one_line_error_naming_the_file_and_the_problem(
    content, problem, tmp_path
):
    path = write_holiday_file(tmp_path, content)

    with pytest.raises(BankHolidayFileError) as raised:
        load_bank_holidays(path)

    message = str(raised.value)
    assert str(path) in message
    assert problem in message
    assert "\n" not in message


def test_a_missing_file_raises_an_error_naming_it(tmp_path):
    path = tmp_path / "missing.json"

    with pytest.raises(BankHolidayFileError, match="cannot be read") as raised:
        load_bank_holidays(path)

    assert str(path) in str(raised.value)
