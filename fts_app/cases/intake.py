"""Opening a case: record a concern, give it its reference, and give the person an access code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.audit.services import record
from fts_app.cases import access_codes
from fts_app.cases.access import Viewer, find_visible_case, is_assigned_to, is_lead_guardian
from fts_app.cases.deadlines import deadlines_for
from fts_app.cases.enums import (
    CaseStatus,
    ConfidentialityLevel,
    Element,
    EventKind,
    Route,
    WorkerGroup,
)
from fts_app.cases.models import (
    Case,
    CaseAccess,
    CaseElement,
    CaseEvent,
    ReferenceCounter,
    new_case_id,
)
from fts_app.cases.writes import CaseActionRefused
from fts_app.crypto.services import create_data_key

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


@dataclass(frozen=True)
class LoggedConcern:
    """A concern a guardian logged, and the access code to give the person, if any."""

    reference: str
    access_code: str | None = field(repr=False)


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
    # an UPDATE gives the kind of Result that has a row count; execute() is typed for any statement
    assert isinstance(bumped, CursorResult)
    return bool(bumped.rowcount)


def open_case(
    session: Session,
    concern: NewConcern,
    *,
    actor_id: int | None = None,
    recorded_at: datetime | None = None,
) -> Case:
    """Record a new concern in the guardians' queue; call inside a write transaction.

    `recorded_at` replaces now as the time kept of its arrival (the portal keeps only the day).
    """
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
    if recorded_at is not None:
        case.created_at = case.updated_at = recorded_at
    session.add(case)
    create_data_key(session, case.id)
    _fill_encrypted_answers(case, concern)
    if actor_id is not None:
        case.access_rows.append(CaseAccess(user_id=actor_id, kind="assigned"))
    received = CaseEvent(case_id=case.id, kind=EventKind.RECEIVED, actor_id=actor_id)
    if recorded_at is not None:
        received.occurred_at = recorded_at
    session.add(received)
    session.flush()
    record(
        session,
        "case.opened",
        actor_id=actor_id,
        case_id=case.id,
        occurred_at=recorded_at,
        route=case.route,
    )
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
