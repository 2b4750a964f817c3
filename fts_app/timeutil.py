"""Time in one place: aware UTC for storage, Europe/London for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def today_in_london() -> date:
    """Return today's date where the trust is."""
    return datetime.now(LONDON).date()


def start_of_london_day(moment: datetime | None = None) -> datetime:
    """Return the start of the London day of `moment` (or now), as an aware UTC time.

    The only time kept of a person's own actions in the portal: with times of day, rotas, door
    logs or proxy logs could tell who sent a concern or read a reply (README, "Who sees what").
    """
    day = as_london(moment or utcnow()).date()
    return datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(UTC)


def as_london(moment: datetime) -> datetime:
    """Convert a stored time (aware or naive UTC) to London time for display."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def naive_utc(moment: datetime) -> datetime:
    """Return a stored time as naive UTC, whichever database it came back from."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
