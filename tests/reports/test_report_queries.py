"""The report queries' own rules, each checked against hand-built cases."""

from collections.abc import Callable
from datetime import date

import pytest

from fts_app import db
from fts_app.cases.models import Case
from fts_app.reports.queries import DeadlineOutcome, deadline_outcome

DUE = date(2026, 9, 21)

#: feedback given, feedback found not possible -> whether the first feedback deadline was met
FIRST_FEEDBACK_RULES = [
    (date(2026, 9, 20), None, True),
    (date(2026, 9, 22), None, False),
    (None, DUE, True),
    (None, date(2026, 9, 22), False),
    # found not possible in time, and the person later got in touch and heard back
    (date(2026, 10, 5), date(2026, 9, 18), True),
    (None, None, False),
]


@pytest.mark.parametrize(("given_on", "not_possible_on", "met"), FIRST_FEEDBACK_RULES)
def test_feedback_found_not_possible_by_the_deadline_meets_it(
    make_case: Callable[..., Case],
    given_on: date | None,
    not_possible_on: date | None,
    met: bool,
) -> None:
    make_case(
        received_on=date(2026, 9, 14),
        first_feedback_due_on=DUE,
        first_feedback_on=given_on,
        feedback_not_possible_on=not_possible_on,
    )
    outcome = deadline_outcome(
        db.session(),
        Case.first_feedback_due_on,
        Case.first_feedback_on,
        date(2026, 7, 1),
        date(2026, 9, 30),
    )
    assert outcome == DeadlineOutcome(due=1, met=int(met))


def test_feedback_found_not_possible_does_not_meet_the_acknowledgement_deadline(
    make_case: Callable[..., Case],
) -> None:
    make_case(
        received_on=date(2026, 9, 14),
        acknowledge_due_on=DUE,
        feedback_not_possible_on=date(2026, 9, 15),
    )
    outcome = deadline_outcome(
        db.session(), Case.acknowledge_due_on, Case.acknowledged_on, date(2026, 7, 1), DUE
    )
    assert outcome == DeadlineOutcome(due=1, met=0)
