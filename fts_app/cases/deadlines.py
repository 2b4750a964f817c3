"""Case deadlines from the organisation's settings, in working days where they say so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app

from fts_app.admin.models import OrganisationSettings
from fts_app.cases.working_days import BankHolidayCalendar, DeadlineRule, load_bank_holidays

INSTANCE_OVERRIDE = "bank_holidays_england_wales.json"


def bank_holidays() -> BankHolidayCalendar:
    """Return the calendar: the instance folder's file if a trust placed one, else ours."""
    calendar = current_app.extensions.get("fts_bank_holidays")
    if calendar is None:
        override = Path(current_app.instance_path) / INSTANCE_OVERRIDE
        calendar = load_bank_holidays(override if override.exists() else None)
        current_app.extensions["fts_bank_holidays"] = calendar
    return calendar


@dataclass(frozen=True)
class CaseDeadlines:
    """When each step of the feedback loop is due for one case."""

    acknowledge: date
    first_feedback: date
    substantive_feedback: date


def deadlines_for(settings: OrganisationSettings, received_on: date) -> CaseDeadlines:
    """Work out a new case's deadlines from the day it was received."""
    holidays = bank_holidays()
    acknowledge = DeadlineRule(settings.acknowledge_working_days, "working_days").due_date(
        received_on, holidays
    )
    return CaseDeadlines(
        acknowledge=acknowledge,
        first_feedback=DeadlineRule(settings.first_feedback_days, "calendar_days").due_date(
            received_on, holidays
        ),
        substantive_feedback=DeadlineRule(settings.substantive_feedback_months, "months").due_date(
            acknowledge, holidays
        ),
    )


def detriment_check_in_due(settings: OrganisationSettings, closed_on: date) -> date:
    """Return when to ask, after closure, whether the person suffered detriment."""
    return DeadlineRule(settings.detriment_check_in_months, "months").due_date(
        closed_on, bank_holidays()
    )
