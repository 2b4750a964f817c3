"""Deadline clocks: due, due today, overdue, done, and the list's overdue count agreeing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.cases.dashboard import overdue
from fts_app.cases.deadlines import ClockState, case_clocks, clock, deadlines_for
from fts_app.cases.models import Case

TODAY = date(2026, 11, 26)
DUE = date(2026, 11, 25)

#: due day, day done, case open -> the clock's state on TODAY
CLOCK_RULES = [
    (date(2026, 11, 27), None, True, ClockState.DUE),
    (TODAY, None, True, ClockState.DUE_TODAY),
    (date(2026, 11, 25), None, True, ClockState.OVERDUE),
    (date(2026, 11, 25), date(2026, 11, 24), True, ClockState.DONE),
    (date(2026, 11, 25), date(2026, 11, 26), True, ClockState.DONE),
    (date(2026, 11, 25), None, False, ClockState.NOT_DONE),
    (None, None, True, ClockState.NO_DEADLINE),
]


@pytest.mark.parametrize(("due_on", "done_on", "case_open", "state"), CLOCK_RULES)
def test_clock_states(
    due_on: date | None, done_on: date | None, case_open: bool, state: ClockState
) -> None:
    shown = clock(due_on, done_on, today=TODAY, case_open=case_open)
    assert shown.state is state
    assert shown.overdue is (state is ClockState.OVERDUE)


#: feedback given, feedback found not possible, case open -> the clock's state and day on TODAY
NOT_POSSIBLE_RULES = [
    (None, date(2026, 11, 20), True, ClockState.NOT_POSSIBLE, date(2026, 11, 20)),
    (None, date(2026, 11, 20), False, ClockState.NOT_POSSIBLE, date(2026, 11, 20)),
    # the person got in touch later and heard back: the clock had already stopped
    (date(2026, 11, 24), date(2026, 11, 20), True, ClockState.NOT_POSSIBLE, date(2026, 11, 20)),
    (date(2026, 11, 20), date(2026, 11, 24), True, ClockState.DONE, date(2026, 11, 20)),
    (date(2026, 11, 20), date(2026, 11, 20), True, ClockState.DONE, date(2026, 11, 20)),
]


@pytest.mark.parametrize(
    ("given_on", "not_possible_on", "case_open", "state", "stopped_on"), NOT_POSSIBLE_RULES
)
def test_finding_feedback_not_possible_stops_the_clock(
    given_on: date | None,
    not_possible_on: date,
    case_open: bool,
    state: ClockState,
    stopped_on: date,
) -> None:
    shown = clock(DUE, given_on, today=TODAY, case_open=case_open, not_possible_on=not_possible_on)
    assert (shown.state, shown.done_on, shown.overdue) == (state, stopped_on, False)


@pytest.mark.parametrize(
    ("due_on", "done_on", "late"),
    [(DUE, date(2026, 11, 26), True), (DUE, DUE, False), (DUE, date(2026, 11, 1), False)],
)
def test_a_step_done_after_its_deadline_is_marked_late(
    due_on: date, done_on: date, late: bool
) -> None:
    assert clock(due_on, done_on, today=TODAY, case_open=True).done_late is late


@pytest.mark.parametrize(
    ("received_on", "acknowledge", "first_feedback", "substantive"),
    [
        # Thursday: two working days is Monday
        (date(2026, 9, 17), date(2026, 9, 21), date(2026, 9, 24), date(2026, 12, 21)),
        # Christmas Eve: Christmas Day, Boxing Day (moved to Monday 28th) and the weekend skipped
        (date(2026, 12, 24), date(2026, 12, 30), date(2026, 12, 31), date(2027, 3, 30)),
    ],
)
def test_deadlines_count_working_days_from_the_settings(
    app: Flask, received_on: date, acknowledge: date, first_feedback: date, substantive: date
) -> None:
    with db.write_transaction() as session:
        due = deadlines_for(get_settings(session), received_on)
    assert (due.acknowledge, due.first_feedback, due.substantive_feedback) == (
        acknowledge,
        first_feedback,
        substantive,
    )


#: the case's columns -> whether it counts as overdue on TODAY
OVERDUE_RULES = [
    ({"status": "new", "acknowledge_due_on": DUE}, True),
    ({"status": "new", "acknowledge_due_on": TODAY}, False),
    ({"status": "new", "acknowledge_due_on": DUE, "acknowledged_on": DUE}, False),
    ({"status": "in-progress", "acknowledged_on": DUE, "first_feedback_due_on": DUE}, True),
    (
        {
            "status": "in-progress",
            "acknowledged_on": DUE,
            "first_feedback_due_on": DUE,
            "first_feedback_on": TODAY,
        },
        False,
    ),
    (
        {
            "status": "in-progress",
            "acknowledged_on": DUE,
            "first_feedback_due_on": DUE,
            "feedback_not_possible_on": TODAY,
        },
        False,
    ),
    ({"status": "closed", "acknowledge_due_on": DUE, "first_feedback_due_on": DUE}, False),
]


@pytest.mark.parametrize(("columns", "is_overdue"), OVERDUE_RULES)
def test_the_lists_overdue_rule_matches_the_clocks(
    make_case: Callable[..., Case], columns: dict[str, object], is_overdue: bool
) -> None:
    far_future = date(2027, 1, 1)
    defaults = {"acknowledge_due_on": far_future, "first_feedback_due_on": far_future}
    case = make_case(**{**defaults, **columns})
    assert case_clocks(case, TODAY).overdue is is_overdue
    counted = db.session().scalar(select(func.count()).select_from(Case).where(overdue(TODAY)))
    assert counted == int(is_overdue)
