"""Submissions share one portal-wide budget: floods are bounded, no words lost or logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fts_app import db
from fts_app.cases.models import Case, ReferenceCounter
from fts_app.config import DEFAULTS
from fts_app.speakup import throttle, views
from fts_app.timeutil import today_in_london, utcnow
from tests.speakup.portal import answers, enter_code, send_concern, speak_up

BURST = 3
INTERVAL_SECONDS = 60
NARRATIVE = "Agency staff on ward 12 are asked to sign off drug charts they did not see."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """A small budget, so a test can spend it in a few submissions."""
    return {
        **app_config,
        "SUBMISSION_BURST": BURST,
        "SUBMISSION_INTERVAL_SECONDS": INTERVAL_SECONDS,
    }


@dataclass
class Clock:
    """The budget's idea of now, moved on by the test instead of by sleeping."""

    now: datetime

    def advance(self, by: timedelta) -> None:
        """Move time on."""
        self.now += by


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Stop the budget's clock at the present moment."""
    stopped = Clock(utcnow())
    monkeypatch.setattr(throttle, "utcnow", lambda: stopped.now)
    return stopped


def case_count() -> int:
    db.session().expire_all()
    return db.session().scalar(select(func.count()).select_from(Case)) or 0


def test_a_burst_is_taken_then_the_next_submission_is_refused_with_the_form_kept(
    client: FlaskClient, clock: Clock
) -> None:
    for _ in range(BURST):
        speak_up(client)

    refused = send_concern(client, answers(narrative=NARRATIVE, location="Ward 12"))

    assert refused.status_code == 429
    # counted from the real time the response was made, which the stopped clock lags behind
    assert 1 <= int(refused.headers["Retry-After"]) <= INTERVAL_SECONDS
    page = refused.get_data(as_text=True)
    assert "Your concern has not been sent yet" in page
    assert views.SUBMISSIONS_BUSY.replace('"', "&#34;") in page
    assert NARRATIVE in page
    assert 'value="Ward 12"' in page
    assert case_count() == BURST


def test_a_refused_form_can_be_sent_again_once_the_budget_refills(
    client: FlaskClient, clock: Clock
) -> None:
    for _ in range(BURST):
        speak_up(client)
    assert send_concern(client, answers()).status_code == 429

    clock.advance(timedelta(seconds=INTERVAL_SECONDS))

    assert send_concern(client, answers()).status_code == 200
    assert send_concern(client, answers()).status_code == 429
    assert case_count() == BURST + 1


def test_a_refused_submission_takes_nothing_from_the_budget(
    client: FlaskClient, clock: Clock
) -> None:
    for _ in range(BURST):
        speak_up(client)
    for _ in range(10):
        assert send_concern(client, answers()).status_code == 429

    clock.advance(timedelta(seconds=INTERVAL_SECONDS))

    assert send_concern(client, answers()).status_code == 200


def test_nothing_the_person_wrote_is_logged_when_they_are_refused(
    client: FlaskClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(BURST):
        speak_up(client)

    send_concern(client, answers(narrative=NARRATIVE, contact_name="Jo Bloggs"))

    assert "ward 12" not in caplog.text.lower()
    assert "Bloggs" not in caplog.text


def test_the_default_budget_takes_a_burst_of_30_then_one_a_minute(app: Flask) -> None:
    budget = throttle.Budget(
        throttle.SUBMISSIONS_KEY,
        DEFAULTS["SUBMISSION_BURST"],
        timedelta(seconds=DEFAULTS["SUBMISSION_INTERVAL_SECONDS"]),
    )
    start = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)

    def admitted(times: list[datetime]) -> int:
        with db.write_transaction() as session:
            return sum(throttle.admit(session, moment, budget) is None for moment in times)

    assert admitted([start] * 31) == 30
    a_day_of_a_flood = [start + timedelta(seconds=5 * step) for step in range(1, 17_281)]
    assert admitted(a_day_of_a_flood) == 24 * 60


def test_the_budget_is_read_from_the_settings(app: Flask) -> None:
    assert throttle.submission_budget() == throttle.Budget(
        throttle.SUBMISSIONS_KEY, BURST, timedelta(seconds=INTERVAL_SECONDS)
    )


def test_a_reference_of_more_than_six_digits_opens_its_case(client: FlaskClient) -> None:
    year = today_in_london().year
    with db.write_transaction() as session:
        session.add(ReferenceCounter(year=year, last_number=1_234_566))

    shown = speak_up(client)

    assert shown.reference == f"FTSU-{year}-1234567"
    typed = f"  ftsu-{year}-1234567 "
    assert enter_code(client, typed, shown.code).status_code == 302


@pytest.mark.parametrize("typed", ["FTSU-2026-123", "FTSU-26-0042", "FTSU-2026-00x42", "2026-0042"])
def test_a_reference_of_another_shape_is_still_refused(client: FlaskClient, typed: str) -> None:
    response = enter_code(client, typed, "1111 2222 3333 4444 5555")

    assert response.status_code == 400
    assert "Enter your case reference as it was shown" in response.get_data(as_text=True)
