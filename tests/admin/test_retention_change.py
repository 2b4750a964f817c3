"""A shorter retention period takes effect only once the lead guardian confirms it.

Shortening retention makes the next purge destroy cases sooner, so an administrator alone must
not be able to do it; lengthening it destroys nothing and applies at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case
from fts_app.cases.retention import cases_due_for_purge
from fts_app.timeutil import today_in_london
from tests.auth.support import audit_entries
from tests.conftest import csrf_token_from, sign_in, submit_form

from .test_settings import VALID

RETENTION_PAGE = "/retention-change"


def ask_for(client: FlaskClient, years: int) -> Any:
    """Save the settings form with `years` of retention, all else as VALID."""
    return submit_form(client, "/admin/settings", {**VALID, "retention_years": str(years)})


def retention() -> tuple[int, int | None]:
    """Return the retention in force and the one waiting, as stored now."""
    settings = get_settings(db.session())
    db.session().refresh(settings)
    return settings.retention_years, settings.pending_retention_years


def closed_years_ago(make_case: Callable[..., Case], years: int) -> Case:
    """A case closed a little over `years` years ago."""
    closed_on = today_in_london() - timedelta(days=365 * years + 30)
    return make_case(
        received_on=closed_on - timedelta(days=40),
        status="closed",
        closed_on=closed_on,
        acknowledged_on=closed_on - timedelta(days=38),
    )


@pytest.fixture
def lead_client(app: Flask, make_user: Callable[..., User]) -> FlaskClient:
    return sign_in(app.test_client(), make_user(Role.LEAD_GUARDIAN))


def decide(client: FlaskClient, decision: str, asked_years: str) -> Any:
    token = csrf_token_from(client.get(RETENTION_PAGE).get_data(as_text=True))
    return client.post(
        f"{RETENTION_PAGE}/{decision}", data={"csrf_token": token, "asked_years": asked_years}
    )


def test_a_shorter_period_from_the_admin_waits_and_changes_nothing(
    admin_client: FlaskClient,
) -> None:
    ask_for(admin_client, 10)
    page = admin_client.get(ask_for(admin_client, 3).headers["Location"]).get_data(as_text=True)
    assert retention() == (10, 3)
    assert "takes effect only once the lead guardian confirms it" in page
    assert 'id="retention-waiting"' in page
    (entry,) = audit_entries("admin.retention_shortening_asked")
    assert entry[1]["asked_years"] == 3 and entry[1]["retention_years"] == 10


def test_a_longer_period_applies_at_once(admin_client: FlaskClient) -> None:
    ask_for(admin_client, 12)
    assert retention() == (12, None)


def test_choosing_the_current_period_again_withdraws_the_waiting_change(
    admin_client: FlaskClient,
) -> None:
    ask_for(admin_client, 10)
    ask_for(admin_client, 2)
    ask_for(admin_client, 10)
    assert retention() == (10, None)
    assert audit_entries("admin.retention_shortening_withdrawn")


def test_the_settings_page_says_how_many_cases_the_next_purge_destroys(
    admin_client: FlaskClient, make_case: Callable[..., Case]
) -> None:
    for years in (7, 9):
        closed_years_ago(make_case, years)
    ask_for(admin_client, 6)
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "kept for 6 years, the next purge would destroy 2 closed cases" in page


def test_the_lead_sees_what_the_shorter_period_would_destroy_and_confirms_it(
    admin_client: FlaskClient, lead_client: FlaskClient, make_case: Callable[..., Case]
) -> None:
    for years in (2, 4, 7):
        closed_years_ago(make_case, years)
    ask_for(admin_client, 6)
    ask_for(admin_client, 3)
    dashboard = lead_client.get("/cases").get_data(as_text=True)
    assert "A shorter retention period waits for you" in dashboard
    page = lead_client.get(RETENTION_PAGE).get_data(as_text=True)
    assert 'id="purged-now">1<' in page and 'id="purged-if-confirmed">2<' in page
    assert decide(lead_client, "confirm", "3").status_code == 302
    assert retention() == (3, None)
    assert audit_entries("admin.retention_shortened")


def test_the_lead_can_keep_the_current_period(
    admin_client: FlaskClient, lead_client: FlaskClient
) -> None:
    ask_for(admin_client, 8)
    ask_for(admin_client, 2)
    decide(lead_client, "refuse", "2")
    assert retention() == (8, None)
    assert audit_entries("admin.retention_shortening_refused")


@pytest.mark.parametrize("asked", ["4", "", "three", "٣", "9" * 400, "-2"])
def test_a_decision_on_anything_but_the_period_shown_changes_nothing(
    admin_client: FlaskClient, lead_client: FlaskClient, asked: str
) -> None:
    ask_for(admin_client, 8)
    ask_for(admin_client, 2)
    response = decide(lead_client, "confirm", asked)
    assert response.status_code == 302
    assert retention() == (8, 2)
    page = lead_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "decided already or has changed since" in page


def test_the_lead_is_told_when_nothing_waits(lead_client: FlaskClient) -> None:
    page = lead_client.get(RETENTION_PAGE).get_data(as_text=True)
    assert "No change to the retention period waits for you" in page


def test_cases_closed_today_are_not_counted_as_due(make_case: Callable[..., Case]) -> None:
    make_case(status="closed", closed_on=today_in_london(), received_on=date(2026, 1, 5))
    assert cases_due_for_purge(db.session(), 1) == 0
