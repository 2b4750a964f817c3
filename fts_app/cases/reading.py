"""Reading a case: every look at it, its audit history or who spoke up is audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.audit.services import record
from fts_app.cases.access import Viewer, find_visible_case, is_named_on, is_unassigned
from fts_app.cases.enums import MessageDirection
from fts_app.cases.models import Case, CaseMessage
from fts_app.cases.writes import CaseActionRefused
from fts_app.timeutil import utcnow


@dataclass(frozen=True)
class Identity:
    """Who spoke up and how to reach them, decrypted for one page view."""

    name: str | None = field(repr=False)
    contact_details: str | None = field(repr=False)


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
