"""Reading one case's history: its timeline of events and messages, and its audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fts_app.admin.models import Directorate
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.enums import (
    AccessKind,
    CheckInResult,
    EscalationTarget,
    EventKind,
    FeedbackMethod,
    MessageDirection,
    Restriction,
    Route,
    SpeakUpAgain,
)
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.choices import Choice

PERSON = "The person who spoke up"
SYSTEM = "The service"
FORMER_STAFF = "A former member of staff"
AUDIT_PAGE_SIZE = 50

CATEGORY_CHOICES: dict[str, type[Choice]] = {
    EventKind.ESCALATION: EscalationTarget,
    EventKind.REFERRAL: EscalationTarget,
    EventKind.FEEDBACK: FeedbackMethod,
    EventKind.STATUS_CHANGE: Restriction,
    EventKind.ASSIGNMENT: AccessKind,
    EventKind.DETRIMENT_CHECK_IN: CheckInResult,
    EventKind.SPEAK_UP_AGAIN_ANSWER: SpeakUpAgain,
}
AUDIT_ACTIONS = {
    "case.opened": "Case opened",
    "case.viewed": "Case viewed",
    "case.taken": "Taken from the queue",
    "case.assigned": "Assigned",
    "case.shared": "Shared",
    "case.restriction_changed": "Restriction changed",
    "case.acknowledged": "Acknowledged",
    "case.note_added": "Note added",
    "case.action_recorded": "Action recorded",
    "case.escalated": "Escalation recorded",
    "case.referred": "Referral recorded",
    "case.feedback_recorded": "Feedback recorded",
    "case.feedback_not_possible": "Feedback not possible recorded",
    "case.detriment_recorded": "Detriment recorded",
    "case.detriment_check_in_recorded": "Detriment check-in recorded",
    "case.closed": "Case closed",
    "case.reopened": "Case reopened",
    "case.exported": "Case exported as PDF",
    "case.audit_viewed": "Audit history viewed",
    "identity.revealed": "Identity shown",
    "identity.disclosed": "Identity disclosure recorded",
    "message.sent": "Message sent to the person",
    "access_code.issued": "Access code given",
    "portal.submitted": "Concern sent through the portal",
    "portal.reply_added": "Message from the person",
    "portal.speak_up_again_answered": "Feedback question answered",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened on a case, with who and when."""

    kind: str
    title: str
    recorded_at: datetime
    happened_on: date | None
    who: str
    category: str | None
    body: str | None
    #: kept to the day only (anything the person did): show no time of day
    day_only: bool = False


@dataclass(frozen=True)
class AuditLine:
    """One audit entry about a case, for people to read."""

    sequence: int
    occurred_at: datetime
    who: str
    what: str
    detail: str
    #: an entry with no staff actor (the portal's visitor): kept and shown to the day only
    day_only: bool = False


@dataclass(frozen=True)
class AuditPage:
    """One page of a case's audit history, newest first."""

    lines: list[AuditLine]
    page: int
    pages: int


def timeline(session: Session, case: Case) -> list[TimelineEntry]:
    """Return the case's events and messages, newest first, decrypted for the page."""
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    messages = session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).all()
    names = staff_names(
        session,
        {event.actor_id for event in events} | {message.author_id for message in messages},
    )
    entries = [_event_entry(event, names, case) for event in events]
    entries += [_message_entry(message, names) for message in messages]
    return sorted(entries, key=lambda entry: entry.recorded_at, reverse=True)


def _event_entry(event: CaseEvent, names: dict[int, str], case: Case) -> TimelineEntry:
    kind = event.kind
    return TimelineEntry(
        kind=kind,
        title=kind.label,
        recorded_at=event.occurred_at,
        happened_on=event.effective_on,
        who=_who(
            event.actor_id,
            names,
            from_person=kind is EventKind.RECEIVED and case.route == Route.ONLINE_PORTAL,
        ),
        category=_category_label(event.kind, event.category),
        body=event.body,
        day_only=event.actor_id is None,
    )


def _message_entry(message: CaseMessage, names: dict[int, str]) -> TimelineEntry:
    direction = message.direction
    from_person = direction is MessageDirection.FROM_PERSON
    return TimelineEntry(
        kind=f"message-{direction.value}",
        title="Message from the person" if from_person else "Message to the person",
        recorded_at=message.sent_at,
        happened_on=None,
        who=_who(message.author_id, names, from_person=from_person),
        category=None,
        body=message.body,
        day_only=from_person,
    )


def _category_label(kind: str, category: str | None) -> str | None:
    choices = CATEGORY_CHOICES.get(kind)
    member = choices.parse(category) if choices and category else None
    return member.label if member else category


def _who(user_id: int | None, names: dict[int, str], *, from_person: bool = False) -> str:
    if user_id is not None:
        return names.get(user_id, FORMER_STAFF)
    return PERSON if from_person else SYSTEM


def staff_names(session: Session, user_ids: set[int | None]) -> dict[int, str]:
    """Return the display names of these staff members."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    return dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()
    )


def case_guardians(session: Session, case: Case) -> list[tuple[str, AccessKind]]:
    """Return who the case is assigned to and shared with."""
    names = staff_names(session, {row.user_id for row in case.access_rows})
    return sorted(
        ((names.get(row.user_id, FORMER_STAFF), AccessKind(row.kind)) for row in case.access_rows),
        key=lambda pair: (pair[1] is not AccessKind.ASSIGNED, pair[0]),
    )


def guardians_to_offer(session: Session, excluding: set[int]) -> list[tuple[int, str]]:
    """Return the active guardians and lead guardians, less those named, for a choice."""
    rows = session.execute(
        select(User.id, User.display_name)
        .where(
            User.is_active.is_(True),
            User.role.in_((Role.GUARDIAN, Role.LEAD_GUARDIAN)),
        )
        .order_by(User.display_name)
    ).all()
    return [(user_id, name) for user_id, name in rows if user_id not in excluding]


def directorate_name(session: Session, case: Case) -> str | None:
    """Return the name of the case's directorate or site."""
    if case.directorate_id is None:
        return None
    return session.scalar(select(Directorate.name).where(Directorate.id == case.directorate_id))


def audit_history(session: Session, case: Case, page: int) -> AuditPage:
    """Return one page of the audit entries about the case, newest first."""
    total = (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case.id)
        )
        or 0
    )
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.sequence.desc())
        .limit(AUDIT_PAGE_SIZE)
        .offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    names = staff_names(session, {entry.actor_id for entry in entries})
    lines = [
        AuditLine(
            sequence=entry.sequence,
            occurred_at=entry.occurred_at,
            who=_who(entry.actor_id, names),
            what=AUDIT_ACTIONS.get(entry.action, entry.action),
            detail=_audit_detail(entry.detail),
            day_only=entry.actor_id is None,
        )
        for entry in entries
    ]
    return AuditPage(lines, page, pages)


def _audit_detail(detail: str) -> str:
    facts = json.loads(detail or "{}")
    return ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in sorted(facts.items()))
