"""Deadline arithmetic in working days, calendar days and months for England and Wales."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn, get_args

SHIPPED_BANK_HOLIDAYS = Path(__file__).parent / "data" / "bank_holidays_england_wales.json"
DIVISION = "england-and-wales"

ONE_DAY = timedelta(days=1)
SATURDAY = 5
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

DeadlineUnit = Literal["working_days", "calendar_days", "months"]


class BankHolidayFileError(ValueError):
    """A bank holiday file that cannot be read or does not have the expected shape."""


@dataclass(frozen=True)
class BankHolidayCalendar:
    """The bank holidays listed in one file."""

    dates: frozenset[date]
    updated: date
    source: Path

    def __contains__(self, day: object) -> bool:
        return day in self.dates

    def years_covered(self) -> range:
        """Return the calendar years from the first to the last holiday in the file."""
        years = [day.year for day in self.dates]
        return range(min(years), max(years) + 1)

    def is_out_of_date(self, today: date) -> bool:
        """Say whether today falls after the last year the file covers."""
        return today.year >= self.years_covered().stop


def load_bank_holidays(path: Path | None = None) -> BankHolidayCalendar:
    """Load bank holidays from the given file, or from the list shipped with the product."""
    source = SHIPPED_BANK_HOLIDAYS if path is None else path
    document = _read_json_object(source)
    if document.get("division") != DIVISION:
        _fail(source, f"division is {document.get('division')!r}, expected {DIVISION!r}")
    updated = _parse_date(source, document.get("updated"), "updated")
    return BankHolidayCalendar(
        dates=_parse_events(source, document.get("events")), updated=updated, source=source
    )


def _read_json_object(source: Path) -> dict[str, Any]:
    """Read the file as a JSON object."""
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        _fail(source, f"cannot be read ({error.strerror or error})")
    except UnicodeDecodeError:
        _fail(source, "is not UTF-8 text")
    except json.JSONDecodeError as error:
        _fail(source, f"is not valid JSON ({error})")
    if not isinstance(document, dict):
        _fail(source, "expected a JSON object with division, updated and events")
    return document


def _parse_events(source: Path, events: object) -> frozenset[date]:
    """Return the dates of the events, checking each has a date and a title."""
    if not isinstance(events, list) or not events:
        _fail(source, "events must be a non-empty list")
    dates: set[date] = set()
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            _fail(source, f"event {number} is not an object with date and title")
        day = _parse_date(source, event.get("date"), f"event {number} date")
        title = event.get("title")
        if not isinstance(title, str) or not title.strip():
            _fail(source, f"event {number} has no title")
        if day in dates:
            _fail(source, f"event {number} repeats {day.isoformat()}")
        dates.add(day)
    return frozenset(dates)


def _parse_date(source: Path, value: object, field: str) -> date:
    """Parse a YYYY-MM-DD string, naming the field when it is not one."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail(source, f"{field} is {value!r}, expected a real date written YYYY-MM-DD")


def _fail(source: Path, problem: str) -> NoReturn:
    """Raise a one-line error naming the file and what is wrong with it."""
    raise BankHolidayFileError(f"Bank holiday file {source}: {problem}")


def is_working_day(day: date, holidays: BankHolidayCalendar) -> bool:
    """Say whether the day is neither a weekend nor a bank holiday."""
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: BankHolidayCalendar) -> date:
    """Return the day on which the given number of working days after start is reached."""
    if days < 0:
        raise ValueError(f"cannot count a negative number of working days ({days})")
    day = start
    remaining = days
    while remaining:
        day += ONE_DAY
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, holidays: BankHolidayCalendar) -> int:
    """Count the working days after start up to and including end; negative if end is earlier."""
    if end < start:
        return -working_days_between(end, start, holidays)
    days_after_start = (start + ONE_DAY * offset for offset in range(1, (end - start).days + 1))
    return sum(1 for day in days_after_start if is_working_day(day, holidays))


def add_calendar_days(start: date, days: int) -> date:
    """Return the date the given number of calendar days after start."""
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """Return the same day of the month the given number of months on, kept within that month."""
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


@dataclass(frozen=True)
class DeadlineRule:
    """How long after an event something is due, such as 2 working days after receipt."""

    amount: int
    unit: DeadlineUnit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"a deadline cannot be a negative amount ({self.amount})")
        if self.unit not in get_args(DeadlineUnit):
            raise ValueError(f"unknown deadline unit {self.unit!r}")

    def due_date(self, start: date, holidays: BankHolidayCalendar) -> date:
        """Return the date this rule makes due when counted from start."""
        if self.unit == "working_days":
            return add_working_days(start, self.amount, holidays)
        if self.unit == "calendar_days":
            return add_calendar_days(start, self.amount)
        return add_months(start, self.amount)


DEFAULT_DEADLINES: Mapping[str, DeadlineRule] = MappingProxyType(
    {
        # these two count from the day the concern was received
        "acknowledge": DeadlineRule(2, "working_days"),
        "first_feedback": DeadlineRule(7, "calendar_days"),
        # counted from acknowledgement, the EU Whistleblowing Directive's benchmark
        "substantive_feedback": DeadlineRule(3, "months"),
        # counted from closure
        "detriment_check_in": DeadlineRule(3, "months"),
    }
)
