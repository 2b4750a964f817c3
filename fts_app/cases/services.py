"""Casework rules: open a case, record its timeline, share it, close it.

Each public function a page calls opens its own write transaction, checks the user may see the
case, and writes one audit entry. The building blocks they run on a case already found
(`open_case`, `acknowledge`, `give_feedback`, `close` ...) run in the caller's transaction, so the
demo data goes through the same rules as the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.auth.models import User
from fts_app.cases import access_codes
from fts_app.cases.access import (
    Viewer,
    find_visible_case,
    is_assigned_to,
    is_in_queue,
    is_lead_guardian,
    is_named_on,
    is_unassigned,
)
from fts_app.cases.deadlines import deadlines_for, detriment_check_in_due, substantive_feedback_due
from fts_app.cases.enums import (
    AccessKind,
    CaseStatus,
    CheckInResult,
    ConfidentialityLevel,
    Element,
    EscalationTarget,
    EventKind,
    FeedbackMethod,
    MessageDirection,
    Restriction,
    Route,
    WorkerGroup,
)
from fts_app.cases.models import (
    Case,
    CaseAccess,
    CaseElement,
    CaseEvent,
    CaseMessage,
    ReferenceCounter,
    new_case_id,
)
from fts_app.crypto.services import create_data_key
from fts_app.template_filters import long_date
from fts_app.timeutil import today_in_london, utcnow

REFERENCE_PREFIX = "FTSU"


@dataclass
class NewConcern:
    """What is known about a concern when it is first recorded."""

    route: Route
    confidentiality: ConfidentialityLevel
    received_on: date
    narrative: str = field(repr=False)
    elements: list[Element] = field(default_factory=list)
    worker_group: WorkerGroup = WorkerGroup.NOT_KNOWN
    directorate_id: int | None = None
    location: str | None = field(default=None, repr=False)
    when_happened: str | None = field(default=None, repr=False)
    harm: str | None = field(default=None, repr=False)
    raised_before: str | None = field(default=None, repr=False)
    outcome_hoped: str | None = field(default=None, repr=False)
    contact_name: str | None = field(default=None, repr=False)
    contact_details: str | None = field(default=None, repr=False)
    restricted: bool = False


def allocate_reference(session: Session, year: int) -> str:
    """Return the next reference for a year; the counter row's lock keeps them unique."""
    if not _bump_counter(session, year):
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(year=year, last_number=1))
        except IntegrityError:
            # Another writer opened the year first; take the next number after theirs.
            _bump_counter(session, year)
    number = session.scalar(
        select(ReferenceCounter.last_number).where(ReferenceCounter.year == year)
    )
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def _bump_counter(session: Session, year: int) -> bool:
    bumped = session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
    )
    return bool(bumped.rowcount)  # type: ignore[attr-defined]


def open_case(session: Session, concern: NewConcern, *, actor_id: int | None = None) -> Case:
    """Record a new concern in the guardians' queue; call inside a write transaction."""
    settings = get_settings(session)
    deadlines = deadlines_for(settings, concern.received_on)
    case = Case(
        id=new_case_id(),
        reference=allocate_reference(session, concern.received_on.year),
        route=concern.route,
        confidentiality=concern.confidentiality,
        worker_group=concern.worker_group,
        directorate_id=concern.directorate_id,
        status=CaseStatus.NEW,
        received_on=concern.received_on,
        acknowledge_due_on=deadlines.acknowledge,
        first_feedback_due_on=deadlines.first_feedback,
        substantive_feedback_due_on=deadlines.substantive_feedback,
        restricted=concern.restricted,
        element_rows=[CaseElement(element=element) for element in set(concern.elements)],
    )
    session.add(case)
    create_data_key(session, case.id)
    _fill_encrypted_answers(case, concern)
    if actor_id is not None:
        case.access_rows.append(CaseAccess(user_id=actor_id, kind="assigned"))
    session.add(CaseEvent(case_id=case.id, kind=EventKind.RECEIVED, actor_id=actor_id))
    session.flush()
    record(session, "case.opened", actor_id=actor_id, case_id=case.id, route=case.route)
    return case


def _fill_encrypted_answers(case: Case, concern: NewConcern) -> None:
    # Only a person with the case's data key can read any of these.
    case.narrative = concern.narrative
    for name in (
        "location",
        "when_happened",
        "harm",
        "raised_before",
        "outcome_hoped",
        "contact_name",
        "contact_details",
    ):
        setattr(case, name, getattr(concern, name))


class CaseActionRefused(Exception):
    """A casework step cannot be taken as asked; the message tells the guardian why."""


class CaseNotClosable(CaseActionRefused):
    """The case cannot close yet; the message says what is missing."""


@dataclass(frozen=True)
class Identity:
    """Who spoke up and how to reach them, decrypted for one page view."""

    name: str | None = field(repr=False)
    contact_details: str | None = field(repr=False)


@dataclass(frozen=True)
class LoggedConcern:
    """A concern a guardian logged, and the access code to give the person, if any."""

    reference: str
    access_code: str | None = field(repr=False)


SPEAK_UP_AGAIN_QUESTION = (
    "Your case is now closed. Thank you for speaking up. "
    "Given your experience, would you speak up again? You can answer on this page."
)
FEEDBACK_KINDS = (EventKind.FEEDBACK, EventKind.FEEDBACK_NOT_POSSIBLE)


def log_concern(actor: Viewer, concern: NewConcern, *, give_access_code: bool) -> LoggedConcern:
    """Record a concern that reached a guardian by any route, assigned to that guardian."""
    # hashed first: the write transaction holds the database's write lock, so keep it short
    code, code_hash = access_codes.new_hashed_access_code() if give_access_code else (None, None)
    with db.write_transaction() as session:
        case = open_case(session, concern, actor_id=actor.id)
        if code_hash is not None:
            issue_access_code(session, case, actor, code_hash)
        return LoggedConcern(case.reference, code)


def give_access_code(reference: str, actor: Viewer) -> str:
    """Give the person a new access code for the portal; any earlier code stops working."""
    # hashed first: the write transaction holds the database's write lock, so keep it short
    code, code_hash = access_codes.new_hashed_access_code()
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, actor)
        blocker = access_code_blocker(case, actor)
        if blocker:
            raise CaseActionRefused(blocker)
        issue_access_code(session, case, actor, code_hash)
    return code


def access_code_blocker(case: Case, actor: Viewer) -> str | None:
    """Say why the actor cannot give the case's person an access code, or None when they can."""
    if case.access_code_hash and case.confidentiality == ConfidentialityLevel.ANONYMOUS:
        # a new code would lock the person out, and whoever held it could speak as them
        return (
            "This case was raised anonymously, so it cannot be given a new access code: "
            "nobody knows who to give it to, and the person's own code would stop working."
        )
    if not (is_lead_guardian(actor) or is_assigned_to(case, actor)):
        return "Only the case's assigned guardian or the lead guardian can give an access code."
    return None


def issue_access_code(session: Session, case: Case, actor: Viewer, code_hash: str) -> None:
    """Give the case an access code's hash in the caller's transaction (see `give_access_code`)."""
    replaced = case.access_code_hash is not None
    case.access_code_hash = code_hash
    record(session, "access_code.issued", actor_id=actor.id, case_id=case.id, replaced=replaced)


def view_case(reference: str, viewer: Viewer) -> Case:
    """Open a case for reading: audited, and its messages marked read for its guardians."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, viewer)
        marked = (
            mark_messages_read(session, case)
            if is_named_on(case, viewer) or is_unassigned(case)
            else 0
        )
        record(session, "case.viewed", actor_id=viewer.id, case_id=case.id, messages_read=marked)
    return case


def view_audit_history(reference: str, viewer: Viewer) -> Case:
    """Open a case's audit history; looking at it is audited too."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, viewer)
        record(session, "case.audit_viewed", actor_id=viewer.id, case_id=case.id)
    return case


def mark_messages_read(session: Session, case: Case) -> int:
    """Mark the person's unread messages read and clear the case's unread marker."""
    unread = session.scalars(
        select(CaseMessage).where(
            CaseMessage.case_id == case.id,
            CaseMessage.direction == MessageDirection.FROM_PERSON,
            CaseMessage.read_at.is_(None),
        )
    ).all()
    now = utcnow()
    for message in unread:
        message.read_at = now
    case.unread_for_guardian = False
    return len(unread)


def reveal_identity(reference: str, viewer: Viewer) -> Identity:
    """Decrypt who spoke up for this one view; every reveal is audited."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, viewer)
        identity = Identity(case.contact_name, case.contact_details)
        if not (identity.name or identity.contact_details):
            raise CaseActionRefused("No name or contact details are recorded for this case.")
        record(session, "identity.revealed", actor_id=viewer.id, case_id=case.id, via="case-page")
        return identity


def take_case(reference: str, actor: Viewer) -> None:
    """Take a case from the shared queue: the actor becomes its assigned guardian."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, actor)
        if not is_in_queue(case):
            raise CaseActionRefused("This case is no longer in the queue.")
        take(session, case, actor)


def take(session: Session, case: Case, actor: Viewer) -> CaseEvent:
    """Make the actor the case's assigned guardian in the caller's transaction."""
    _grant(case, actor.id, AccessKind.ASSIGNED)
    event = _add_event(
        session, case, EventKind.ASSIGNMENT, actor, category=AccessKind.ASSIGNED.value
    )
    record(session, "case.taken", actor_id=actor.id, case_id=case.id)
    return event


def _take_if_unassigned(session: Session, case: Case, actor: Viewer) -> None:
    """Make the actor the guardian of a case with none, as a step takes it out of the queue.

    Otherwise the case would leave the queue with nobody assigned, and only the lead guardian
    would see it and its detriment check-in.
    """
    if is_unassigned(case):
        take(session, case, actor)


def assign_case(reference: str, actor: Viewer, guardian_id: int) -> None:
    """Make one guardian the case's assigned guardian, in place of any other (the lead's call)."""
    if not is_lead_guardian(actor):
        raise CaseActionRefused("Only the lead guardian can assign cases.")
    _name_guardian(reference, actor, guardian_id, AccessKind.ASSIGNED, "case.assigned")


def share_case(reference: str, actor: Viewer, guardian_id: int) -> None:
    """Let another guardian work on the case alongside its assigned guardians."""
    _name_guardian(reference, actor, guardian_id, AccessKind.SHARED, "case.shared")


def _name_guardian(
    reference: str, actor: Viewer, guardian_id: int, kind: AccessKind, action: str
) -> None:
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, actor)
        guardian = _case_worker(session, guardian_id)
        if kind is AccessKind.SHARED and any(
            row.user_id == guardian.id for row in case.access_rows
        ):
            raise CaseActionRefused(f"{guardian.display_name} can already open this case.")
        if kind is AccessKind.ASSIGNED:
            for row in list(case.access_rows):
                if row.kind == AccessKind.ASSIGNED and row.user_id != guardian.id:
                    case.access_rows.remove(row)
        _grant(case, guardian.id, kind)
        _add_event(
            session,
            case,
            EventKind.ASSIGNMENT,
            actor,
            category=kind.value,
            body=guardian.display_name,
        )
        record(session, action, actor_id=actor.id, case_id=case.id, user_id=guardian.id)


def set_restricted(reference: str, actor: Viewer, restricted: bool) -> None:
    """Limit a case to the guardians named on it, or lift that limit."""
    with db.write_transaction() as session:
        case = find_visible_case(session, reference, actor)
        if case.restricted == restricted:
            raise CaseActionRefused(
                "This case is already restricted." if restricted else "This case is not restricted."
            )
        if restricted and not is_named_on(case, actor):
            # whoever restricts a case must keep it, or it would vanish from their own list
            _grant(case, actor.id, AccessKind.SHARED)
        case.restricted = restricted
        change = Restriction.RESTRICTED if restricted else Restriction.UNRESTRICTED
        _add_event(session, case, EventKind.STATUS_CHANGE, actor, category=change.value)
        record(
            session,
            "case.restriction_changed",
            actor_id=actor.id,
            case_id=case.id,
            restricted=restricted,
        )


def acknowledge_case(
    reference: str, actor: Viewer, acknowledged_on: date, note: str | None = None
) -> None:
    """Record that the person was thanked and told what happens next; work starts."""
    with _case_for(reference, actor) as (session, case):
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
        _take_if_unassigned(session, case, actor)

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
    with _case_for(reference, actor) as (session, case):
        write_note(session, case, actor, body)


def write_note(session: Session, case: Case, actor: Viewer, body: str) -> CaseEvent:
    """Add a note in the caller's transaction (see `add_note`)."""
    return add_entry(
        session, case, actor, EventKind.NOTE, "case.note_added", body=_text(body, "note")
    )


def record_action(reference: str, actor: Viewer, body: str, done_on: date) -> None:
    """Record something done about the concern."""
    _record_entry(
        reference,
        actor,
        EventKind.ACTION,
        "case.action_recorded",
        body=_text(body, "action"),
        effective_on=done_on,
    )


def record_escalation(
    reference: str, actor: Viewer, target: EscalationTarget, reason: str, escalated_on: date
) -> None:
    """Record that the concern was escalated, to whom and why."""
    with _case_for(reference, actor) as (session, case):
        pass_on(session, case, actor, EventKind.ESCALATION, target, reason, escalated_on)


def record_referral(
    reference: str, actor: Viewer, target: EscalationTarget, reason: str, referred_on: date
) -> None:
    """Record that the concern was referred elsewhere, to whom and why."""
    with _case_for(reference, actor) as (session, case):
        pass_on(session, case, actor, EventKind.REFERRAL, target, reason, referred_on)


ONWARD_ACTIONS = {EventKind.ESCALATION: "case.escalated", EventKind.REFERRAL: "case.referred"}


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
        body=_text(reason, "reason"),
        category=target.value,
        effective_on=happened_on,
        target=target.value,
    )


def record_feedback(
    reference: str, actor: Viewer, given_on: date, method: FeedbackMethod, summary: str
) -> None:
    """Record feedback given to the person; the first one stops the first feedback clock."""
    with _case_for(reference, actor) as (session, case):
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
        body=_text(summary, "summary"),
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

    _record_entry(
        reference,
        actor,
        EventKind.FEEDBACK_NOT_POSSIBLE,
        "case.feedback_not_possible",
        body=_text(reason, "reason"),
        effective_on=decided_on,
        apply=apply,
    )


def record_detriment(
    reference: str, actor: Viewer, what_reported: str, action_taken: str, reported_on: date
) -> None:
    """Record detriment the person reported for speaking up, and what was done about it."""
    with _case_for(reference, actor) as (session, case):
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
        body=_labelled(
            ("What was reported", _text(what_reported, "what was reported")),
            ("What was done", _text(action_taken, "what was done")),
        ),
        effective_on=reported_on,
        apply=apply,
    )


def record_identity_disclosure(
    reference: str, actor: Viewer, to_whom: str, reason: str, disclosed_on: date
) -> None:
    """Record that the person's identity was disclosed to someone, and why."""
    _record_entry(
        reference,
        actor,
        EventKind.IDENTITY_DISCLOSURE,
        "identity.disclosed",
        body=_labelled(
            ("Disclosed to", _text(to_whom, "who it was disclosed to")),
            ("Reason", _text(reason, "reason")),
        ),
        effective_on=disclosed_on,
    )


def record_detriment_check_in(
    reference: str, actor: Viewer, checked_on: date, result: CheckInResult, summary: str
) -> None:
    """Record the check-in after closure that asks whether the person suffered detriment."""
    with _case_for(reference, actor) as (session, case):
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
    with _case_for(reference, actor) as (session, case):
        message_person(session, case, actor, body)


def message_person(session: Session, case: Case, actor: Viewer, body: str) -> CaseMessage:
    """Send the person a message in the caller's transaction (see `send_message_to_person`)."""
    message = _message_to_person(session, case, actor.id, _text(body, "message"))
    record(session, "message.sent", actor_id=actor.id, case_id=case.id)
    return message


def _message_to_person(session: Session, case: Case, author_id: int, body: str) -> CaseMessage:
    message = CaseMessage(
        case_id=case.id, direction=MessageDirection.TO_PERSON, author_id=author_id
    )
    session.add(message)
    message.body = body
    return message


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
    with _case_for(reference, actor) as (session, case):
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
    _take_if_unassigned(session, case, actor)
    case.status = CaseStatus.CLOSED
    case.closed_on = closed_on
    case.outcome = outcome.strip()
    case.learning = learning.strip()
    case.open_actions = open_actions.strip() or None
    case.detriment_check_in_due_on = detriment_check_in_due(get_settings(session), closed_on)
    case.detriment_checked_in_on = None
    event = _add_event(
        session, case, EventKind.CLOSURE, actor, body=case.outcome, effective_on=closed_on
    )
    asked = case.access_code_hash is not None
    if asked:
        _message_to_person(session, case, actor.id, SPEAK_UP_AGAIN_QUESTION)
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

    _record_entry(
        reference,
        actor,
        EventKind.REOPENED,
        "case.reopened",
        body=_text(reason, "reason"),
        apply=apply,
    )


def _record_entry(
    reference: str,
    actor: Viewer,
    kind: EventKind,
    action: str,
    *,
    body: str | None = None,
    category: str | None = None,
    effective_on: date | None = None,
    apply: Callable[[Session, Case], None] | None = None,
    **audit_detail: Any,
) -> None:
    """Add one timeline entry (and its effect on the case) with its audit entry."""
    with _case_for(reference, actor) as (session, case):
        add_entry(
            session,
            case,
            actor,
            kind,
            action,
            body=body,
            category=category,
            effective_on=effective_on,
            apply=apply,
            **audit_detail,
        )


@contextmanager
def _case_for(reference: str, actor: Viewer) -> Iterator[tuple[Session, Case]]:
    """Open a write transaction on a case the actor may see."""
    with db.write_transaction() as session:
        yield session, find_visible_case(session, reference, actor)


def add_entry(
    session: Session,
    case: Case,
    actor: Viewer,
    kind: EventKind,
    action: str,
    *,
    body: str | None = None,
    category: str | None = None,
    effective_on: date | None = None,
    apply: Callable[[Session, Case], None] | None = None,
    **audit_detail: Any,
) -> CaseEvent:
    """Add one timeline entry (and its effect on the case) in the caller's transaction."""
    _check_day(effective_on, case)
    if apply is not None:
        apply(session, case)
    event = _add_event(
        session, case, kind, actor, body=body, category=category, effective_on=effective_on
    )
    session.flush()
    record(session, action, actor_id=actor.id, case_id=case.id, event_id=event.id, **audit_detail)
    return event


def _add_event(
    session: Session,
    case: Case,
    kind: EventKind,
    actor: Viewer,
    *,
    body: str | None = None,
    category: str | None = None,
    effective_on: date | None = None,
) -> CaseEvent:
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_id=actor.id,
        category=category,
        effective_on=effective_on,
    )
    session.add(event)
    event.body = body
    return event


def _grant(case: Case, user_id: int, kind: AccessKind) -> None:
    for row in case.access_rows:
        if row.user_id == user_id:
            row.kind = kind
            return
    case.access_rows.append(CaseAccess(user_id=user_id, kind=kind))


def _case_worker(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active or not user.role.works_cases:
        raise CaseActionRefused("Choose a guardian who can work on cases.")
    return user


def _check_day(day: date | None, case: Case) -> None:
    if day is None:
        return
    if day > today_in_london():
        raise CaseActionRefused("The date cannot be in the future.")
    if day < case.received_on:
        raise CaseActionRefused("The date cannot be before the concern was received.")


def _text(value: str, what: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise CaseActionRefused(f"Enter the {what}.")
    return stripped


def _labelled(*parts: tuple[str, str]) -> str:
    """Join labelled paragraphs into one encrypted body that reads well anywhere it is shown."""
    return "\n\n".join(f"{label}: {text}" for label, text in parts)
