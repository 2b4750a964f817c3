"""Dates and times as pages, exports and messages write them: UK style, in London time.

Every function is also a Jinja filter of the same name (`{{ case.received_on | long_date }}`).
Each returns "" for None, so a date not set yet shows nothing. A stored time is shown in London
time (`fts_app/timeutil.py`); a date passed as a stored time is its London date. Month and day names
are spelled out here rather than taken from `strftime`, whose names follow the server's locale.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import Flask

from fts_app.timeutil import as_london

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _london_day(day: date) -> date:
    # a datetime is a date too: without this it would show its UTC day, a day early late at night
    return as_london(day).date() if isinstance(day, datetime) else day


def month_name(day: date | None) -> str:
    """Name the month of a date: December."""
    return MONTHS[_london_day(day).month - 1] if day else ""


def month_year(day: date | None) -> str:
    """Write the month of a date: December 2026."""
    return f"{month_name(day)} {_london_day(day).year}" if day else ""


def short_month_year(day: date | None) -> str:
    """Write the month of a date shortly, as a chart labels it: Dec 2026."""
    return f"{month_name(day)[:3]} {_london_day(day).year}" if day else ""


def long_date(day: date | None) -> str:
    """Write a date the NHS way: 3 December 2026."""
    if not day:
        return ""
    local = _london_day(day)
    return f"{local.day} {month_year(local)}"


def weekday_date(day: date | None) -> str:
    """Write a date as people say it: Thursday 3 December 2026."""
    return f"{WEEKDAYS[_london_day(day).weekday()]} {long_date(day)}" if day else ""


def short_date(day: date | None) -> str:
    """Write a date with its month shortened: 3 Dec 2026."""
    if not day:
        return ""
    local = _london_day(day)
    return f"{local.day} {short_month_year(local)}"


def clock_time(moment: datetime | None) -> str:
    """Write a stored time's London time of day on the 12-hour clock: 2:05pm, 12:00am."""
    if moment is None:
        return ""
    local = as_london(moment)
    return f"{local.hour % 12 or 12}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def long_date_time(moment: datetime | None) -> str:
    """Write a stored time in London time, as pages show it: 3 December 2026 at 2:05pm."""
    return f"{long_date(moment)} at {clock_time(moment)}" if moment else ""


def long_date_24_hour(moment: datetime | None) -> str:
    """Write a stored time in London time on the 24-hour clock: 3 December 2026 14:05."""
    if moment is None:
        return ""
    local = as_london(moment)
    return f"{long_date(local)} {local:%H:%M}"


def short_date_time(moment: datetime | None) -> str:
    """Write a stored time in London time for a table: 3 Dec 2026 14:05."""
    if moment is None:
        return ""
    local = as_london(moment)
    return f"{short_date(local)} {local:%H:%M}"


def short_date_time_seconds(moment: datetime | None) -> str:
    """Write a stored time in London time to the second, for a record: 3 Dec 2026 14:05:09."""
    if moment is None:
        return ""
    local = as_london(moment)
    return f"{short_date(local)} {local:%H:%M:%S}"


FILTERS: dict[str, Callable[..., str]] = {
    function.__name__: function
    for function in (
        month_name,
        month_year,
        short_month_year,
        long_date,
        weekday_date,
        short_date,
        clock_time,
        long_date_time,
        long_date_24_hour,
        short_date_time,
        short_date_time_seconds,
    )
}


def init_app(app: Flask) -> None:
    """Offer every formatting function to templates as a filter of the same name."""
    app.jinja_env.filters.update(FILTERS)
