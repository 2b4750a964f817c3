"""When the bank holiday list runs out: a warning at start-up, a notice for the lead guardian."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from fts_app import create_app
from fts_app.auth.enums import Role
from fts_app.auth.models import User

from ..conftest import sign_in

#: the shipped list covers 2018 to 2030
LAST_DAY_COVERED = date(2030, 12, 31)
FIRST_DAY_NOT_COVERED = date(2031, 1, 1)
RAN_OUT = "The bank holiday list covers up to 2030 only"
NOTICE = "The bank holiday list runs only to the end of 2030"


def start_up_warnings(app_config: dict[str, Any], caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.set_level(logging.WARNING, logger="fts_app")
    application = create_app(app_config)
    application.extensions["fts_engine"].dispose()
    return [record.getMessage() for record in caplog.records if record.name == "fts_app"]


@pytest.mark.parametrize(
    ("today", "warned"), [(LAST_DAY_COVERED, False), (FIRST_DAY_NOT_COVERED, True)]
)
def test_start_up_warns_once_today_is_past_the_last_year_covered(
    app_config: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    today: date,
    warned: bool,
) -> None:
    monkeypatch.setattr("fts_app.cases.deadlines.today_in_london", lambda: today)
    warnings = start_up_warnings(app_config, caplog)
    assert any(RAN_OUT in warning for warning in warnings) is warned


def test_start_up_warns_of_an_unreadable_instance_list_and_still_starts(
    app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    instance = Path(app_config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "bank_holidays_england_wales.json").write_text("{not json", encoding="utf-8")
    warnings = start_up_warnings(app_config, caplog)
    assert any("is not valid JSON" in warning for warning in warnings)


@pytest.mark.parametrize(
    ("role", "today", "shown"),
    [
        (Role.LEAD_GUARDIAN, FIRST_DAY_NOT_COVERED, True),
        (Role.LEAD_GUARDIAN, LAST_DAY_COVERED, False),
        (Role.GUARDIAN, FIRST_DAY_NOT_COVERED, False),
    ],
)
def test_the_lead_guardian_is_told_on_the_case_list_when_the_list_has_run_out(
    client: FlaskClient,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
    role: Role,
    today: date,
    shown: bool,
) -> None:
    monkeypatch.setattr("fts_app.cases.views.today_in_london", lambda: today)
    sign_in(client, make_user(role))
    assert (NOTICE in client.get("/cases").get_data(as_text=True)) is shown
