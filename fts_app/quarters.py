"""Financial quarters as the product writes them: 2026-27-Q2 is July to September 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from fts_app.template_filters import month_name, month_year

QUARTER_FORMAT = re.compile(r"(\d{4})-(\d{2})-Q(\d)\Z", re.IGNORECASE)
#: the financial year starts in April, so Q1 is April to June and Q4 is January to March
FIRST_MONTH = 4
MONTHS_PER_QUARTER = 3
EARLIEST_YEAR, LATEST_YEAR = 1900, 9998
EXAMPLE = "2026-27-Q2"


class QuarterError(ValueError):
    """A quarter that cannot be reported on; the message is written for people."""


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter: the calendar year its financial year starts in, and 1 to 4."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise QuarterError("A financial year has four quarters, Q1 to Q4.")
        if not EARLIEST_YEAR <= self.year <= LATEST_YEAR:
            raise QuarterError(f"There are no reports for the financial year starting {self.year}.")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the quarter as written in the product, such as 2026-27-Q2."""
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.number}"

    @property
    def first_day(self) -> date:
        """Return the quarter's first day."""
        return self.months[0]

    @property
    def last_day(self) -> date:
        """Return the quarter's last day."""
        following_month = (self.months[2] + timedelta(days=31)).replace(day=1)
        return following_month - timedelta(days=1)

    @property
    def months(self) -> tuple[date, date, date]:
        """Return the first day of each of the quarter's three months."""
        first = self.year * 12 + FIRST_MONTH - 1 + (self.number - 1) * MONTHS_PER_QUARTER
        starts = [date(index // 12, index % 12 + 1, 1) for index in range(first, first + 3)]
        return starts[0], starts[1], starts[2]

    @property
    def description(self) -> str:
        """Say which months the quarter covers, such as "July to September 2026"."""
        first, _, last = self.months
        return f"{month_name(first)} to {month_year(last)}"

    def previous(self) -> Quarter:
        """Return the quarter before this one."""
        return self._shifted(-1)

    def next(self) -> Quarter:
        """Return the quarter after this one."""
        return self._shifted(1)

    def a_year_earlier(self) -> Quarter:
        """Return the same quarter of the previous financial year."""
        return Quarter(self.year - 1, self.number)

    def _shifted(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def parse_quarter(text: str | None) -> Quarter:
    """Read a quarter such as 2026-27-Q2, or raise QuarterError saying what is wrong."""
    match = QUARTER_FORMAT.match((text or "").strip())
    if match is None:
        raise QuarterError(
            f"Enter a quarter in the form {EXAMPLE}: the year the financial year starts, "
            "the last two digits of the next year, then Q1 to Q4."
        )
    year, next_year, number = (int(part) for part in match.groups())
    if next_year != (year + 1) % 100:
        raise QuarterError(
            f"{year}-{next_year:02d} is not a financial year: the one starting in {year} "
            f"is written {year}-{(year + 1) % 100:02d}."
        )
    return Quarter(year, number)


def financial_quarter(day: date) -> Quarter:
    """Return the financial quarter a day falls in."""
    months_into_year = (day.month - FIRST_MONTH) % 12
    year = day.year if day.month >= FIRST_MONTH else day.year - 1
    return Quarter(year, months_into_year // MONTHS_PER_QUARTER + 1)


def latest_complete_quarter(today: date) -> Quarter:
    """Return the most recent quarter that has ended."""
    return financial_quarter(today).previous()


def check_started(quarter: Quarter, today: date) -> Quarter:
    """Return the quarter if it has started by today, else raise QuarterError."""
    if quarter.first_day > today:
        raise QuarterError(
            f"{quarter} ({quarter.description}) has not started yet. "
            f"Choose {financial_quarter(today)} or an earlier quarter."
        )
    return quarter


def recent_quarters(today: date, count: int) -> list[Quarter]:
    """Return the latest `count` complete quarters, the most recent first."""
    quarters = [latest_complete_quarter(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
