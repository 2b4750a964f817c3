"""Closing a case once feedback is recorded (asking the feedback question), and reopening it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.cases.access import Viewer
from fts_app.cases.assignment import take_if_unassigned
from fts_app.cases.deadlines import detriment_check_in_due
from fts_app.cases.enums import CaseStatus, EventKind
from fts_app.cases.models import Case, CaseEvent
from fts_app.cases.writes import (
    CaseActionRefused,
    add_event,
    case_for,
    message_to_person,
    record_entry,
    required_text,
)
from fts_app.timeutil import today_in_london

SPEAK_UP_AGAIN_QUESTION = (
    "Your case is now closed. Thank you for speaking up. "
    "Given your experience, would you speak up again? You can answer on this page."
)
FEEDBACK_KINDS = (EventKind.FEEDBACK, EventKind.FEEDBACK_NOT_POSSIBLE)


class CaseNotClosable(CaseActionRefused):
    """The case cannot close yet; the message says what is missing."""


def closure_blocker(session: Session, case: Case) -> str | None:
    """Say why the case cannot close yet, or None when it can."""
    if case.status == CaseStatus.CLOSED:
        return "This case is already closed."
    feedback_recorded = session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind.in_(FEEDBACK_KINDS))
    )
    if not feedback_recorded:
        return (
            "Record the feedback given to the person, or why it could not be given, "
            "before you close this case."
        )
    return None


def close_case(
    reference: str, actor: Viewer, outcome: str, learning: str, open_actions: str
) -> None:
    """Close a case once feedback is recorded; portal users are asked the feedback question."""
    with case_for(reference, actor) as (session, case):
        close(session, case, actor, outcome, learning, open_actions, today_in_london())


def close(
    session: Session,
    case: Case,
    actor: Viewer,
    outcome: str,
    learning: str,
    open_actions: str,
    closed_on: date,
) -> CaseEvent:
    """Close a case on `closed_on` in the caller's transaction (see `close_case`)."""
    blocker = closure_blocker(session, case)
    if blocker:
        raise CaseNotClosable(blocker)
    if not outcome.strip() or not learning.strip():
        raise CaseNotClosable("Enter the outcome and the learning before you close this case.")
    take_if_unassigned(session, case, actor)
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on
    case.outcome = outcome.strip()
    case.learning = learning.strip()
    case.open_actions = open_actions.strip() or None
    case.detriment_check_in_due_on = detriment_check_in_due(get_settings(session), closed_on)
    case.detriment_checked_in_on = None
    event = add_event(
        session, case, EventKind.CLOSURE, actor, body=case.outcome, effective_on=closed_on
    )
    asked = case.access_code_hash is not None
    if asked:
        message_to_person(session, case, actor.id, SPEAK_UP_AGAIN_QUESTION)
    record(session, "case.closed", actor_id=actor.id, case_id=case.id, speak_up_again_asked=asked)
    return event


def reopen_case(reference: str, actor: Viewer, reason: str) -> None:
    """Reopen a closed case; its detriment check-in waits for the next closure."""

    def apply(_session: Session, case: Case) -> None:
        if case.status != CaseStatus.CLOSED:
            raise CaseActionRefused("Only a closed case can be reopened.")
        case.status = CaseStatus.IN_PROGRESS
        case.closed_on = None
        case.detriment_check_in_due_on = None

    record_entry(
        reference,
        actor,
        EventKind.REOPENED,
        "case.reopened",
        body=required_text(reason, "reason"),
        apply=apply,
    )
