"""Case deadlines from the organisation's settings, in working days where they say so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from fts_app.admin.models import OrganisationSettings
from fts_app.cases.enums import CaseStatus
from fts_app.cases.working_days import (
    BankHolidayCalendar,
    BankHolidayFileError,
    DeadlineRule,
    load_bank_holidays,
)
from fts_app.timeutil import today_in_london

INSTANCE_OVERRIDE = "bank_holidays_england_wales.json"


def bank_holidays() -> BankHolidayCalendar:
    """Return the calendar: the instance folder's file if a trust placed one, else ours."""
    calendar = current_app.extensions.get("fts_bank_holidays")
    if calendar is None:
        override = Path(current_app.instance_path) / INSTANCE_OVERRIDE
        calendar = load_bank_holidays(override if override.exists() else None)
        current_app.extensions["fts_bank_holidays"] = calendar
    return calendar


def bank_holidays_ran_out(today: date) -> int | None:
    """Return the last year the bank holiday list covers if today is past it, else None."""
    calendar = bank_holidays()
    return calendar.years_covered()[-1] if calendar.is_out_of_date(today) else None


def warn_if_bank_holidays_ran_out(app: Flask) -> None:
    """Warn at start-up if the bank holiday list cannot be read or no longer covers today."""
    with app.app_context():
        try:
            last_year = bank_holidays_ran_out(today_in_london())
        except BankHolidayFileError as error:
            # deadlines cannot be worked out until the file is fixed; say so now, not at a case
            app.logger.warning("%s", error)
            return
    if last_year is not None:
        app.logger.warning(
            "The bank holiday list covers up to %s only, so working-day deadlines count no bank "
            "holidays now. Place an updated %s in the instance folder.",
            last_year,
            INSTANCE_OVERRIDE,
        )


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
        substantive_feedback=substantive_feedback_due(settings, acknowledge),
    )


def substantive_feedback_due(settings: OrganisationSettings, acknowledged_on: date) -> date:
    """Return when substantive feedback is due, counted from acknowledgement."""
    return DeadlineRule(settings.substantive_feedback_months, "months").due_date(
        acknowledged_on, bank_holidays()
    )


def detriment_check_in_due(settings: OrganisationSettings, closed_on: date) -> date:
    """Return when to ask, after closure, whether the person suffered detriment."""
    return DeadlineRule(settings.detriment_check_in_months, "months").due_date(
        closed_on, bank_holidays()
    )


class ClockState(Enum):
    """Where one step of the feedback loop stands on a given day."""

    DONE = "done"
    #: the step could not be taken (no way to reach the person), which stops its clock too
    NOT_POSSIBLE = "not-possible"
    DUE = "due"
    DUE_TODAY = "due-today"
    OVERDUE = "overdue"
    #: the case closed without this step being recorded
    NOT_DONE = "not-done"
    NO_DEADLINE = "no-deadline"


@dataclass(frozen=True)
class Clock:
    """One step's deadline, when it was done, and whether it is overdue today."""

    state: ClockState
    due_on: date | None
    done_on: date | None

    @property
    def overdue(self) -> bool:
        """Tell whether the deadline has passed with the step still to do."""
        return self.state is ClockState.OVERDUE

    @property
    def done_late(self) -> bool:
        """Tell whether the step was done after its deadline."""
        return bool(self.done_on and self.due_on and self.done_on > self.due_on)


def clock(
    due_on: date | None,
    done_on: date | None,
    *,
    today: date,
    case_open: bool,
    not_possible_on: date | None = None,
) -> Clock:
    """Return a step's clock: overdue once the due day has passed with the step not done.

    Finding the step could not be taken stops the clock too, unless it was done earlier.
    """
    if not_possible_on is not None and (done_on is None or not_possible_on < done_on):
        return Clock(ClockState.NOT_POSSIBLE, due_on, not_possible_on)
    if done_on is not None:
        state = ClockState.DONE
    elif not case_open:
        state = ClockState.NOT_DONE
    elif due_on is None:
        state = ClockState.NO_DEADLINE
    elif due_on < today:
        state = ClockState.OVERDUE
    elif due_on == today:
        state = ClockState.DUE_TODAY
    else:
        state = ClockState.DUE
    return Clock(state, due_on, done_on)


class HasClocks(Protocol):
    """The plain columns a case's clocks are worked out from (a Case or a list row)."""

    status: str
    acknowledge_due_on: date | None
    acknowledged_on: date | None
    first_feedback_due_on: date | None
    first_feedback_on: date | None
    feedback_not_possible_on: date | None


@dataclass(frozen=True)
class CaseClocks:
    """The two clocks guardians are measured on."""

    acknowledge: Clock
    first_feedback: Clock

    @property
    def overdue(self) -> bool:
        """Tell whether either clock is overdue."""
        return self.acknowledge.overdue or self.first_feedback.overdue


def case_clocks(case: HasClocks, today: date) -> CaseClocks:
    """Return the acknowledgement and first feedback clocks of a case on a given day."""
    case_open = case.status != CaseStatus.CLOSED
    return CaseClocks(
        acknowledge=clock(
            case.acknowledge_due_on, case.acknowledged_on, today=today, case_open=case_open
        ),
        first_feedback=clock(
            case.first_feedback_due_on,
            case.first_feedback_on,
            today=today,
            case_open=case_open,
            not_possible_on=case.feedback_not_possible_on,
        ),
    )
