"""The feedback loop: a case closes only once feedback (or why there was none) is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.auth.models import User
from fts_app.cases import closure, intake, progress
from fts_app.cases.access import CaseNotVisible
from fts_app.cases.closure import SPEAK_UP_AGAIN_QUESTION, CaseNotClosable
from fts_app.cases.enums import CaseStatus, CheckInResult, EventKind, FeedbackMethod
from fts_app.cases.models import Case, CaseMessage
from fts_app.cases.writes import CaseActionRefused

from .conftest import audit_actions, event_kinds, reload

NO_FEEDBACK = "Record the feedback given to the person, or why it could not be given"


def feedback(reference: str, user: User) -> None:
    progress.record_feedback(reference, user, date(2026, 9, 20), FeedbackMethod.PHONE, "Told them")


def feedback_not_possible(reference: str, user: User) -> None:
    progress.record_feedback_not_possible(
        reference, user, "Anonymous letter, no way to reply", date(2026, 9, 20)
    )


def note(reference: str, user: User) -> None:
    progress.add_note(reference, user, "Spoke to the ward manager")


def note_and_action(reference: str, user: User) -> None:
    note(reference, user)
    progress.record_action(reference, user, "Met the director", date(2026, 10, 1))


def closed_already(reference: str, user: User) -> None:
    feedback(reference, user)
    closure.close_case(reference, user, "Resolved", "Rota review", "")


#: what happened before closing, the words given at closure -> None if it closes, else why not
CLOSE_RULES = [
    ("nothing recorded", [], "Resolved", "Rota review", NO_FEEDBACK),
    ("only a note", [note], "Resolved", "Rota review", NO_FEEDBACK),
    ("notes and actions, no feedback", [note_and_action], "Resolved", "Rota", NO_FEEDBACK),
    ("feedback given", [feedback], "Resolved", "Rota review", None),
    ("feedback not possible, with the reason", [feedback_not_possible], "Resolved", "Rota", None),
    ("feedback given, no outcome", [feedback], "  ", "Rota review", "Enter the outcome"),
    (
        "feedback given, no learning",
        [feedback],
        "Resolved",
        "",
        "Enter the outcome and the learning",
    ),
    ("already closed", [closed_already], "Resolved", "Rota review", "already closed"),
]


@pytest.mark.parametrize(
    ("history", "steps", "outcome", "learning", "refusal"),
    CLOSE_RULES,
    ids=[rule[0] for rule in CLOSE_RULES],
)
def test_close_rules(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    history: str,
    steps: list[Callable[[str, User], None]],
    outcome: str,
    learning: str,
    refusal: str | None,
) -> None:
    case = make_case(actor_id=guardian.id)
    for step in steps:
        step(case.reference, guardian)
    events_before, audit_before = event_kinds(case), audit_actions(case)
    status_before = reload(case).status
    if refusal is None:
        closure.close_case(case.reference, guardian, outcome, learning, "")
        assert reload(case).status == CaseStatus.CLOSED.value
        return
    with pytest.raises(CaseNotClosable, match=refusal):
        closure.close_case(case.reference, guardian, outcome, learning, "")
    assert reload(case).status == status_before
    assert event_kinds(case) == events_before
    assert audit_actions(case) == audit_before


def test_closing_a_queued_case_makes_the_guardian_who_closes_it_its_guardian(
    make_case: Callable[..., Case], guardian: User, other_guardian: User, fixed_today: date
) -> None:
    case = make_case()
    feedback_not_possible(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Passed to HR", "Rota review", "")
    stored = reload(case)
    assert [(row.user_id, row.kind) for row in stored.access_rows] == [(guardian.id, "assigned")]
    assert event_kinds(case)[-2:] == [EventKind.ASSIGNMENT.value, EventKind.CLOSURE.value]
    assert audit_actions(case)[-2:] == ["case.taken", "case.closed"]
    # the guardian who closed it keeps it, and can record its detriment check-in
    progress.record_detriment_check_in(
        case.reference, guardian, fixed_today, CheckInResult.NO_REPLY, ""
    )
    with pytest.raises(CaseNotVisible):
        progress.add_note(case.reference, other_guardian, "Anything new?")


def test_closing_a_case_with_a_guardian_leaves_its_assignment_alone(
    make_case: Callable[..., Case], guardian: User, lead: User, fixed_today: date
) -> None:
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, lead, "Resolved", "Rota review", "")
    assert [(row.user_id, row.kind) for row in reload(case).access_rows] == [
        (guardian.id, "assigned")
    ]
    assert "case.taken" not in audit_actions(case)


def test_a_refused_closure_leaves_a_queued_case_in_the_queue(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case()
    with pytest.raises(CaseNotClosable, match=NO_FEEDBACK):
        closure.close_case(case.reference, guardian, "Resolved", "Rota review", "")
    assert reload(case).access_rows == []
    assert audit_actions(case) == ["case.opened"]


def test_closing_records_outcome_learning_and_actions_encrypted(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(
        case.reference, guardian, "Rota fixed", "Check rotas monthly", "Audit in May"
    )
    stored = reload(case)
    assert (stored.outcome, stored.learning, stored.open_actions) == (
        "Rota fixed",
        "Check rotas monthly",
        "Audit in May",
    )
    assert b"Rota fixed" not in stored.outcome_ciphertext
    assert stored.closed_on == fixed_today
    assert event_kinds(case)[-1] == EventKind.CLOSURE.value
    assert audit_actions(case)[-1] == "case.closed"


@pytest.mark.parametrize(
    ("months", "closed_on", "check_in_due"),
    [
        (3, date(2026, 11, 26), date(2027, 2, 26)),
        (6, date(2026, 11, 26), date(2027, 5, 26)),
    ],
)
def test_closing_schedules_the_detriment_check_in_from_the_settings(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    months: int,
    closed_on: date,
    check_in_due: date,
) -> None:
    with db.write_transaction() as session:
        get_settings(session).detriment_check_in_months = months
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Resolved", "Learning", "")
    assert reload(case).closed_on == closed_on
    assert reload(case).detriment_check_in_due_on == check_in_due


@pytest.mark.parametrize(("has_access_code", "asked"), [(True, True), (False, False)])
def test_portal_users_are_asked_whether_they_would_speak_up_again(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    has_access_code: bool,
    asked: bool,
) -> None:
    case = make_case(actor_id=guardian.id)
    if has_access_code:
        intake.give_access_code(case.reference, guardian)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Resolved", "Learning", "")
    bodies = [message.body for message in db.session().scalars(select(CaseMessage))]
    assert (bodies == [SPEAK_UP_AGAIN_QUESTION]) is asked
    assert (bodies == []) is not asked


def test_the_detriment_check_in_after_closure_is_recorded(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Resolved", "Learning", "")
    progress.record_detriment_check_in(
        case.reference, guardian, fixed_today, CheckInResult.DETRIMENT, "Moved off the ward"
    )
    stored = reload(case)
    assert stored.detriment_checked_in_on == fixed_today
    assert stored.detriment_indicated is True


@pytest.mark.parametrize(
    ("checked_on", "refusal"),
    [
        (date(2026, 11, 25), "cannot be before the case was closed, 26 November 2026"),
        (date(2026, 11, 26), None),
    ],
)
def test_the_detriment_check_in_cannot_come_before_closure(
    make_case: Callable[..., Case],
    guardian: User,
    fixed_today: date,
    checked_on: date,
    refusal: str | None,
) -> None:
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Resolved", "Learning", "")
    events_before = event_kinds(case)

    def check_in() -> None:
        progress.record_detriment_check_in(
            case.reference, guardian, checked_on, CheckInResult.DETRIMENT, "Moved off the ward"
        )

    if refusal is None:
        check_in()
        assert reload(case).detriment_checked_in_on == checked_on
        return
    with pytest.raises(CaseActionRefused, match=refusal):
        check_in()
    stored = reload(case)
    assert (stored.detriment_checked_in_on, stored.detriment_indicated) == (None, False)
    assert event_kinds(case) == events_before


def test_reopening_a_closed_case_clears_closure_and_check_in(
    make_case: Callable[..., Case], guardian: User, fixed_today: date
) -> None:
    case = make_case(actor_id=guardian.id)
    feedback(case.reference, guardian)
    closure.close_case(case.reference, guardian, "Resolved", "Learning", "")
    closure.reopen_case(case.reference, guardian, "The behaviour started again")
    stored = reload(case)
    assert (stored.status, stored.closed_on, stored.detriment_check_in_due_on) == (
        CaseStatus.IN_PROGRESS.value,
        None,
        None,
    )
    assert event_kinds(case)[-1] == EventKind.REOPENED.value
    closure.close_case(case.reference, guardian, "Resolved again", "More learning", "")
    assert reload(case).status == CaseStatus.CLOSED.value


def test_an_open_case_cannot_be_reopened(make_case: Callable[..., Case], guardian: User) -> None:
    case = make_case(actor_id=guardian.id)
    with pytest.raises(CaseActionRefused, match="Only a closed case"):
        closure.reopen_case(case.reference, guardian, "Why not")
