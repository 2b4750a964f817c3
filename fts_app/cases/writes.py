"""What every casework step writes with: its refusal, its transaction, its timeline and audit entry.

Each public step a page calls (in intake, assignment, progress, closure and reading) opens its own
write transaction on a case the user may see and writes one audit entry. The building blocks they
run on a case already found (`open_case`, `acknowledge`, `give_feedback`, `close` ...) run in the
caller's transaction, so the demo data goes through the same rules as the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.cases.access import Viewer, find_visible_case
from fts_app.cases.enums import EventKind, MessageDirection
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.timeutil import today_in_london


class CaseActionRefused(Exception):
    """A casework step cannot be taken as asked; the message tells the guardian why."""


@contextmanager
def case_for(reference: str, actor: Viewer) -> Iterator[tuple[Session, Case]]:
    """Open a write transaction on a case the actor may see."""
    with db.write_transaction() as session:
        yield session, find_visible_case(session, reference, actor)


def record_entry(
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
    with case_for(reference, actor) as (session, case):
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
    event = add_event(
        session, case, kind, actor, body=body, category=category, effective_on=effective_on
    )
    session.flush()
    record(session, action, actor_id=actor.id, case_id=case.id, event_id=event.id, **audit_detail)
    return event


def add_event(
    session: Session,
    case: Case,
    kind: EventKind,
    actor: Viewer,
    *,
    body: str | None = None,
    category: str | None = None,
    effective_on: date | None = None,
) -> CaseEvent:
    """Add a timeline event, its body encrypted; the caller writes the audit entry."""
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


def message_to_person(session: Session, case: Case, author_id: int, body: str) -> CaseMessage:
    """Add a message for the person's follow-up page; the caller writes the audit entry."""
    message = CaseMessage(
        case_id=case.id, direction=MessageDirection.TO_PERSON, author_id=author_id
    )
    session.add(message)
    message.body = body
    return message


def _check_day(day: date | None, case: Case) -> None:
    if day is None:
        return
    if day > today_in_london():
        raise CaseActionRefused("The date cannot be in the future.")
    if day < case.received_on:
        raise CaseActionRefused("The date cannot be before the concern was received.")


def required_text(value: str, what: str) -> str:
    """Return the text without surrounding space, refusing it when nothing is left."""
    stripped = value.strip()
    if not stripped:
        raise CaseActionRefused(f"Enter the {what}.")
    return stripped


def labelled(*parts: tuple[str, str]) -> str:
    """Join labelled paragraphs into one encrypted body that reads well anywhere it is shown."""
    return "\n\n".join(f"{label}: {text}" for label, text in parts)
