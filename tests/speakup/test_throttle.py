"""Guessing access codes slows down per reference and overall, but never locks anyone out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from fts_app import db
from fts_app.speakup import throttle
from fts_app.speakup.models import FollowUpThrottle

REFERENCE = "FTSU-2026-0042"
START = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "failures, seconds",
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (10, 32), (14, 512), (15, 900), (10_000, 900)],
)
def test_the_wait_doubles_after_five_failures_up_to_fifteen_minutes(
    failures: int, seconds: int
) -> None:
    delay = throttle.delay_after(failures, throttle.FREE_FAILURES, throttle.MAX_DELAY)
    assert delay == timedelta(seconds=seconds)


def attempt(reference: str, at: datetime) -> datetime | None:
    """Ask to check one attempt at a given time; return the wait if it must wait."""
    with db.write_transaction() as session:
        return throttle.admit(session, reference, at)


def as_utc(moment: datetime) -> datetime:
    """Return a time read back from either database as aware UTC."""
    return throttle.naive_utc(moment).replace(tzinfo=UTC)


def test_five_attempts_go_through_then_the_sixth_waits_a_second(app: Flask) -> None:
    for _ in range(5):
        assert attempt(REFERENCE, START) is None
    wait = attempt(REFERENCE, START)
    assert wait is not None
    assert as_utc(wait) == START + timedelta(seconds=1)


def test_an_attempt_made_while_waiting_does_not_lengthen_the_wait(app: Flask) -> None:
    for _ in range(6):
        attempt(REFERENCE, START)
    first = attempt(REFERENCE, START + timedelta(milliseconds=100))
    second = attempt(REFERENCE, START + timedelta(milliseconds=200))
    assert first == second


def test_the_wait_never_passes_fifteen_minutes_however_many_failures(app: Flask) -> None:
    moment = START
    for _ in range(40):
        wait = attempt(REFERENCE, moment)
        if wait is not None:
            assert as_utc(wait) - moment <= throttle.MAX_DELAY
            moment = as_utc(wait)
    assert attempt(REFERENCE, moment + throttle.MAX_DELAY) is None


def test_other_references_are_not_slowed_by_one_under_attack(app: Flask) -> None:
    for _ in range(8):
        attempt(REFERENCE, START)
    assert attempt("FTSU-2026-0043", START) is None


def test_many_failures_across_references_slow_everyone_for_at_most_a_minute(
    app: Flask,
) -> None:
    for number in range(throttle.OVERALL_FREE_FAILURES):
        assert attempt(f"FTSU-2026-{number:04d}", START) is None
    wait = attempt("FTSU-2027-0001", START)
    assert wait is not None
    assert as_utc(wait) - START <= throttle.OVERALL_MAX_DELAY
    assert attempt("FTSU-2027-0001", START + throttle.OVERALL_MAX_DELAY) is None


def test_a_right_code_clears_its_reference_count(app: Flask) -> None:
    for _ in range(4):
        attempt(REFERENCE, START)
    with db.write_transaction() as session:
        throttle.forgive(session, REFERENCE)
    for _ in range(5):
        assert attempt(REFERENCE, START) is None


def test_counts_are_forgotten_after_a_quiet_day(app: Flask) -> None:
    for _ in range(7):
        attempt(REFERENCE, START)
    assert attempt(REFERENCE, START + throttle.FORGET_AFTER + timedelta(seconds=1)) is None
    row = db.session().get(FollowUpThrottle, throttle.throttle_key(REFERENCE))
    assert row is not None and row.failures == 1


def test_the_table_holds_a_keyed_hash_never_the_reference(app: Flask) -> None:
    attempt(REFERENCE, START)
    keys = set(db.session().scalars(select(FollowUpThrottle.key)))
    assert keys == {throttle.throttle_key(REFERENCE), throttle.OVERALL_KEY}
    assert all(REFERENCE not in key and "0042" not in key for key in keys)
    assert throttle.throttle_key(REFERENCE) != throttle.throttle_key("FTSU-2026-0043")
