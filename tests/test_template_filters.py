"""Dates and times read the same everywhere: UK style, London time, nothing shown for None."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import Flask, render_template_string
from hypothesis import given
from hypothesis import strategies as st

from fts_app.template_filters import (
    FILTERS,
    clock_time,
    long_date,
    long_date_24_hour,
    long_date_time,
    month_name,
    month_year,
    short_date,
    short_date_time,
    short_date_time_seconds,
    short_month_year,
    weekday_date,
)
from fts_app.timeutil import LONDON

#: in 2026 British Summer Time runs from 01:00 UTC on 29 March to 01:00 UTC on 25 October
WINTER_AFTERNOON = datetime(2026, 12, 3, 14, 5, 9, tzinfo=UTC)
SUMMER_AFTERNOON = datetime(2026, 7, 3, 13, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 12, 3), "3 December 2026"),
        (date(2026, 9, 14), "14 September 2026"),
        (date(2027, 1, 1), "1 January 2027"),
        (date(2028, 2, 29), "29 February 2028"),
    ],
)
def test_a_long_date_has_no_leading_zero_and_the_whole_month(day: date, shown: str) -> None:
    assert long_date(day) == shown


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 12, 1), "Tuesday 1 December 2026"),
        (date(2026, 12, 6), "Sunday 6 December 2026"),
        (date(2026, 9, 14), "Monday 14 September 2026"),
    ],
)
def test_a_weekday_date_names_the_day_first(day: date, shown: str) -> None:
    assert weekday_date(day) == shown


def test_a_short_date_shortens_the_month_to_three_letters() -> None:
    assert short_date(date(2026, 9, 4)) == "4 Sep 2026"
    assert short_date(date(2026, 6, 30)) == "30 Jun 2026"
    assert short_date(date(2026, 5, 1)) == "1 May 2026"


def test_a_month_is_named_in_full_or_shortened_with_its_year() -> None:
    assert month_name(date(2026, 7, 31)) == "July"
    assert month_year(date(2026, 12, 3)) == "December 2026"
    assert short_month_year(date(2026, 9, 1)) == "Sep 2026"
    assert [short_month_year(date(2026, month, 1))[:3] for month in range(1, 13)] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (WINTER_AFTERNOON, "3 December 2026 at 2:05pm"),
        # summer: London is an hour ahead of UTC
        (SUMMER_AFTERNOON, "3 July 2026 at 2:05pm"),
        (datetime(2026, 12, 3, 0, 0, tzinfo=UTC), "3 December 2026 at 12:00am"),
        (datetime(2026, 12, 3, 12, 0, tzinfo=UTC), "3 December 2026 at 12:00pm"),
        (datetime(2026, 12, 3, 9, 7, tzinfo=UTC), "3 December 2026 at 9:07am"),
        (datetime(2026, 12, 3, 23, 59, tzinfo=UTC), "3 December 2026 at 11:59pm"),
    ],
)
def test_a_long_date_time_is_london_time_on_the_twelve_hour_clock(
    moment: datetime, shown: str
) -> None:
    assert long_date_time(moment) == shown


def test_a_time_stored_late_on_a_summer_evening_falls_on_the_next_london_day() -> None:
    stored = datetime(2026, 7, 3, 23, 30, tzinfo=UTC)
    assert long_date_time(stored) == "4 July 2026 at 12:30am"
    assert long_date(stored) == "4 July 2026"
    assert weekday_date(stored) == "Saturday 4 July 2026"
    assert short_date_time(stored) == "4 Jul 2026 00:30"


def test_a_naive_stored_time_is_taken_as_utc() -> None:
    # SQLite hands stored times back without a zone
    assert long_date_time(datetime(2026, 7, 3, 13, 5)) == "3 July 2026 at 2:05pm"
    assert short_date_time(datetime(2026, 12, 3, 14, 5)) == "3 Dec 2026 14:05"


def test_a_time_already_in_london_is_not_moved_again() -> None:
    summer = timezone(timedelta(hours=1))
    assert long_date_time(datetime(2026, 7, 3, 14, 5, tzinfo=summer)) == "3 July 2026 at 2:05pm"


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        # the clocks go forward at 01:00 UTC on 29 March 2026
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29 Mar 2026 00:59"),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29 Mar 2026 02:00"),
        # and back at 01:00 UTC on 25 October 2026, so 01:30 London comes twice
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 Oct 2026 01:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 Oct 2026 01:30"),
        (datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "25 Oct 2026 02:00"),
    ],
)
def test_times_follow_the_clock_changes(moment: datetime, shown: str) -> None:
    assert short_date_time(moment) == shown


def test_the_24_hour_forms_pad_hours_minutes_and_seconds() -> None:
    assert long_date_24_hour(WINTER_AFTERNOON) == "3 December 2026 14:05"
    assert long_date_24_hour(SUMMER_AFTERNOON) == "3 July 2026 14:05"
    assert long_date_24_hour(datetime(2026, 12, 3, 0, 0, tzinfo=UTC)) == "3 December 2026 00:00"
    assert short_date_time(datetime(2026, 12, 3, 7, 4, tzinfo=UTC)) == "3 Dec 2026 07:04"
    assert short_date_time_seconds(WINTER_AFTERNOON) == "3 Dec 2026 14:05:09"
    assert short_date_time_seconds(SUMMER_AFTERNOON) == "3 Jul 2026 14:05:09"
    assert short_date_time_seconds(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == (
        "2 Jan 2026 03:04:05"
    )


def test_the_clock_time_alone_is_on_the_twelve_hour_clock() -> None:
    assert clock_time(datetime(2026, 12, 3, 0, 5, tzinfo=UTC)) == "12:05am"
    assert clock_time(datetime(2026, 12, 3, 12, 5, tzinfo=UTC)) == "12:05pm"
    assert clock_time(SUMMER_AFTERNOON) == "2:05pm"


@pytest.mark.parametrize("function", FILTERS.values(), ids=list(FILTERS))
def test_nothing_is_shown_for_a_date_not_set(function: Callable[..., str]) -> None:
    assert function(None) == ""


def test_the_app_offers_the_filters_to_templates(app: Flask) -> None:
    with app.test_request_context():
        shown = render_template_string(
            "{{ day | long_date }}; {{ day | weekday_date }}; {{ moment | long_date_time }}; "
            "{{ moment | short_date_time_seconds }}; [{{ nothing | long_date }}]",
            day=date(2026, 12, 1),
            moment=SUMMER_AFTERNOON,
            nothing=None,
        )
    assert shown == (
        "1 December 2026; Tuesday 1 December 2026; 3 July 2026 at 2:05pm; 3 Jul 2026 14:05:09; []"
    )
    assert {name: app.jinja_env.filters[name] for name in FILTERS} == FILTERS


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31)))
def test_the_text_is_what_the_pages_wrote_before_the_formats_were_shared(naive: datetime) -> None:
    # the pages, exports and messages each wrote these with strftime in the C locale
    stored = naive.replace(tzinfo=UTC)
    local = stored.astimezone(LONDON)
    day = naive.date()
    assert long_date(day) == f"{day.day} {day:%B %Y}"
    assert weekday_date(day) == f"{day:%A} {day.day} {day:%B %Y}"
    assert month_year(day) == f"{day:%B %Y}"
    assert short_month_year(day) == f"{day:%b %Y}"
    twelve_hour = f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
    assert long_date_time(stored) == f"{local.day} {local:%B %Y} at {twelve_hour}"
    assert long_date_24_hour(stored) == f"{local.day} {local:%B %Y %H:%M}"
    assert short_date_time(stored) == local.strftime("%-d %b %Y %H:%M")
    assert short_date_time_seconds(naive) == local.strftime("%-d %b %Y %H:%M:%S")
