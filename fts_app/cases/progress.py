"""Working an open case: acknowledge it, add notes and actions, pass it on, give feedback,
record detriment and the check-in after closure, and message the person.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.cases.access import Viewer
from fts_app.cases.assignment import take_if_unassigned
from fts_app.cases.deadlines import substantive_feedback_due
from fts_app.cases.enums import (
    CaseStatus,
    CheckInResult,
    EscalationTarget,
    EventKind,
    FeedbackMethod,
)
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.cases.writes import (
    CaseActionRefused,
    add_entry,
    case_for,
    labelled,
    message_to_person,
    record_entry,
    required_text,
)
from fts_app.template_filters import long_date

ONWARD_ACTIONS = {EventKind.ESCALATION: "case.escalated", EventKind.REFERRAL: "case.referred"}


def acknowledge_case(
    reference: str, actor: Viewer, acknowledged_on: date, note: str | None = None
) -> None:
    """Record that the person was thanked and told what happens next; work starts."""
    with case_for(reference, actor) as (session, case):
        acknowledge(session, case, actor, acknowledged_on, note)


def acknowledge(
    session: Session, case: Case, actor: Viewer, acknowledged_on: date, note: str | None = None
) -> CaseEvent:
    """Acknowledge a case in the caller's transaction (see `acknowledge_case`)."""

    def apply(session: Session, case: Case) -> None:
        if case.acknowledged_on is not None:
            raise CaseActionRefused("This case has already been acknowledged.")
        case.acknowledged_on = acknowledged_on
        case.substantive_feedback_due_on = substantive_feedback_due(
            get_settings(session), acknowledged_on
        )
        if case.status == CaseStatus.NEW:
            case.status = CaseStatus.IN_PROGRESS
        take_if_unassigned(session, case, actor)

    return add_entry(
        session,
        case,
        actor,
        EventKind.ACKNOWLEDGED,
        "case.acknowledged",
        body=note or None,
        effective_on=acknowledged_on,
        apply=apply,
    )


def add_note(reference: str, actor: Viewer, body: str) -> None:
    """Add a note to the case's timeline."""
    with case_for(reference, actor) as (session, case):
        write_note(session, case, actor, body)


def write_note(session: Session, case: Case, actor: Viewer, body: str) -> CaseEvent:
    """Add a note in the caller's transaction (see `add_note`)."""
    return add_entry(
        session, case, actor, EventKind.NOTE, "case.note_added", body=required_text(body, "note")
    )


def record_action(reference: str, actor: Viewer, body: str, done_on: date) -> None:
    """Record something done about the concern."""
    record_entry(
        reference,
        actor,
        EventKind.ACTION,
        "case.action_recorded",
        body=required_text(body, "action"),
        effective_on=done_on,
    )


def record_escalation(
    reference: str, actor: Viewer, target: EscalationTarget, reason: str, escalated_on: date
) -> None:
    """Record that the concern was escalated, to whom and why."""
    with case_for(reference, actor) as (session, case):
        pass_on(session, case, actor, EventKind.ESCALATION, target, reason, escalated_on)


def record_referral(
    reference: str, actor: Viewer, target: EscalationTarget, reason: str, referred_on: date
) -> None:
    """Record that the concern was referred elsewhere, to whom and why."""
    with case_for(reference, actor) as (session, case):
        pass_on(session, case, actor, EventKind.REFERRAL, target, reason, referred_on)


def pass_on(
    session: Session,
    case: Case,
    actor: Viewer,
    kind: EventKind,
    target: EscalationTarget,
    reason: str,
    happened_on: date,
) -> CaseEvent:
    """Record that the concern was passed on (escalated or referred), to whom and why."""
    return add_entry(
        session,
        case,
        actor,
        kind,
        ONWARD_ACTIONS[kind],
        body=required_text(reason, "reason"),
        category=target.value,
        effective_on=happened_on,
        target=target.value,
    )


def record_feedback(
    reference: str, actor: Viewer, given_on: date, method: FeedbackMethod, summary: str
) -> None:
    """Record feedback given to the person; the first one stops the first feedback clock."""
    with case_for(reference, actor) as (session, case):
        give_feedback(session, case, actor, given_on, method, summary)


def give_feedback(
    session: Session,
    case: Case,
    actor: Viewer,
    given_on: date,
    method: FeedbackMethod,
    summary: str,
) -> CaseEvent:
    """Record feedback in the caller's transaction (see `record_feedback`)."""

    def apply(_session: Session, case: Case) -> None:
        if case.first_feedback_on is None or given_on < case.first_feedback_on:
            case.first_feedback_on = given_on

    return add_entry(
        session,
        case,
        actor,
        EventKind.FEEDBACK,
        "case.feedback_recorded",
        body=required_text(summary, "summary"),
        category=method.value,
        effective_on=given_on,
        apply=apply,
        method=method.value,
    )


def record_feedback_not_possible(
    reference: str, actor: Viewer, reason: str, decided_on: date
) -> None:
    """Record why feedback could not be given (an anonymous letter); it stops the first clock."""

    def apply(_session: Session, case: Case) -> None:
        if case.feedback_not_possible_on is None or decided_on < case.feedback_not_possible_on:
            case.feedback_not_possible_on = decided_on

    record_entry(
        reference,
        actor,
        EventKind.FEEDBACK_NOT_POSSIBLE,
        "case.feedback_not_possible",
        body=required_text(reason, "reason"),
        effective_on=decided_on,
        apply=apply,
    )


def record_detriment(
    reference: str, actor: Viewer, what_reported: str, action_taken: str, reported_on: date
) -> None:
    """Record detriment the person reported for speaking up, and what was done about it."""
    with case_for(reference, actor) as (session, case):
        report_detriment(session, case, actor, what_reported, action_taken, reported_on)


def report_detriment(
    session: Session,
    case: Case,
    actor: Viewer,
    what_reported: str,
    action_taken: str,
    reported_on: date,
) -> CaseEvent:
    """Record detriment in the caller's transaction (see `record_detriment`)."""

    def apply(_session: Session, case: Case) -> None:
        case.detriment_indicated = True

    return add_entry(
        session,
        case,
        actor,
        EventKind.DETRIMENT,
        "case.detriment_recorded",
        body=labelled(
            ("What was reported", required_text(what_reported, "what was reported")),
            ("What was done", required_text(action_taken, "what was done")),
        ),
        effective_on=reported_on,
        apply=apply,
    )


def record_identity_disclosure(
    reference: str, actor: Viewer, to_whom: str, reason: str, disclosed_on: date
) -> None:
    """Record that the person's identity was disclosed to someone, and why."""
    record_entry(
        reference,
        actor,
        EventKind.IDENTITY_DISCLOSURE,
        "identity.disclosed",
        body=labelled(
            ("Disclosed to", required_text(to_whom, "who it was disclosed to")),
            ("Reason", required_text(reason, "reason")),
        ),
        effective_on=disclosed_on,
    )


def record_detriment_check_in(
    reference: str, actor: Viewer, checked_on: date, result: CheckInResult, summary: str
) -> None:
    """Record the check-in after closure that asks whether the person suffered detriment."""
    with case_for(reference, actor) as (session, case):
        check_in(session, case, actor, checked_on, result, summary)


def check_in(
    session: Session,
    case: Case,
    actor: Viewer,
    checked_on: date,
    result: CheckInResult,
    summary: str,
) -> CaseEvent:
    """Record the check-in in the caller's transaction (see `record_detriment_check_in`)."""

    def apply(_session: Session, case: Case) -> None:
        if case.detriment_check_in_due_on is None or case.closed_on is None:
            raise CaseActionRefused("A detriment check-in is only due after the case closes.")
        if checked_on < case.closed_on:
            raise CaseActionRefused(
                "The check-in date cannot be before the case was closed, "
                f"{long_date(case.closed_on)}."
            )
        case.detriment_checked_in_on = checked_on
        if result is CheckInResult.DETRIMENT:
            case.detriment_indicated = True

    return add_entry(
        session,
        case,
        actor,
        EventKind.DETRIMENT_CHECK_IN,
        "case.detriment_check_in_recorded",
        body=summary.strip() or None,
        category=result.value,
        effective_on=checked_on,
        apply=apply,
        result=result.value,
    )


def send_message_to_person(reference: str, actor: Viewer, body: str) -> None:
    """Send the person a message they read on their follow-up page."""
    with case_for(reference, actor) as (session, case):
        message_person(session, case, actor, body)


def message_person(session: Session, case: Case, actor: Viewer, body: str) -> CaseMessage:
    """Send the person a message in the caller's transaction (see `send_message_to_person`)."""
    message = message_to_person(session, case, actor.id, required_text(body, "message"))
    record(session, "message.sent", actor_id=actor.id, case_id=case.id)
    return message
