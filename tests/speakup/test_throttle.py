"""Access-code checks share one budget: a burst, then one per interval, and nobody waits long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from fts_app import db
from fts_app.speakup import throttle

START = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)


def attempt(at: datetime) -> datetime | None:
    """Ask to check one attempt at a given time; return when to come back if refused."""
    with db.write_transaction() as session:
        return throttle.admit(session, at)


def admitted(times: list[datetime]) -> int:
    """Make an attempt at each time and count those let through to be checked."""
    return sum(attempt(moment) is None for moment in times)


def test_a_burst_goes_through_then_one_check_per_interval(app: Flask) -> None:
    assert admitted([START] * throttle.BURST) == throttle.BURST
    assert attempt(START) == START + throttle.INTERVAL
    assert admitted([START + throttle.INTERVAL] * 3) == 1


def test_a_refused_attempt_takes_nothing_from_the_budget(app: Flask) -> None:
    admitted([START] * throttle.BURST)
    waits = {attempt(START + timedelta(milliseconds=step)) for step in range(100)}
    assert waits == {START + throttle.INTERVAL}


@pytest.mark.parametrize(
    "spacing, expected_share",
    [
        (throttle.INTERVAL * 4, 1.0),
        (throttle.INTERVAL, 1.0),
        (throttle.INTERVAL / 2, 0.5),
        (throttle.INTERVAL / 10, 0.1),
    ],
    ids=["slow", "at the rate", "twice the rate", "ten times the rate"],
)
def test_guessing_gets_at_most_one_check_per_interval_after_the_burst(
    app: Flask, spacing: timedelta, expected_share: float
) -> None:
    admitted([START] * throttle.BURST)
    times = [START + spacing * (step + 1) for step in range(200)]
    assert admitted(times) == pytest.approx(200 * expected_share, abs=1)


def test_nobody_is_ever_told_to_wait_longer_than_one_interval(app: Flask) -> None:
    for step in range(300):
        moment = START + timedelta(milliseconds=37 * step)
        wait = attempt(moment)
        assert wait is None or wait - moment <= throttle.INTERVAL


def test_the_budget_is_full_again_a_burst_after_guessing_stops(app: Flask) -> None:
    admitted([START + timedelta(milliseconds=step) for step in range(1_000)])
    quiet_again = START + timedelta(seconds=1) + throttle.BURST * throttle.INTERVAL
    assert admitted([quiet_again] * (throttle.BURST + 1)) == throttle.BURST
