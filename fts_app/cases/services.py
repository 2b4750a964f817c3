"""Casework rules: open a case, with its reference, data key, deadlines and first event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fts_app.admin.services import get_settings
from fts_app.audit.services import record
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
from fts_app.crypto.services import create_data_key

REFERENCE_PREFIX = "FTSU"


@dataclass
class NewConcern:
    """What is known about a concern when it is first recorded."""

    route: Route
    confidentiality: ConfidentialityLevel
    received_on: date
    narrative: str
    elements: list[Element] = field(default_factory=list)
    worker_group: WorkerGroup = WorkerGroup.NOT_KNOWN
    directorate_id: int | None = None
    location: str | None = None
    when_happened: str | None = None
    harm: str | None = None
    raised_before: str | None = None
    outcome_hoped: str | None = None
    contact_name: str | None = None
    contact_details: str | None = None
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
        route=concern.route.value,
        confidentiality=concern.confidentiality.value,
        worker_group=concern.worker_group.value,
        directorate_id=concern.directorate_id,
        status=CaseStatus.NEW.value,
        received_on=concern.received_on,
        acknowledge_due_on=deadlines.acknowledge,
        first_feedback_due_on=deadlines.first_feedback,
        substantive_feedback_due_on=deadlines.substantive_feedback,
        restricted=concern.restricted,
        element_rows=[CaseElement(element=element.value) for element in set(concern.elements)],
    )
    session.add(case)
    create_data_key(session, case.id)
    _fill_encrypted_answers(case, concern)
    if actor_id is not None:
        case.access_rows.append(CaseAccess(user_id=actor_id, kind="assigned"))
    session.add(CaseEvent(case_id=case.id, kind=EventKind.RECEIVED.value, actor_id=actor_id))
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
