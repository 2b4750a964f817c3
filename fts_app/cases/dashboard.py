"""The guardians' case list: filters, sort, counts and pages, all in SQL over plain columns.

Nothing here decrypts: a list row holds only structured fields, so a page of 25 out of 100,000
cases costs a few indexed queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from fts_app.admin.models import Directorate
from fts_app.cases.access import Viewer, in_queue, visible_to
from fts_app.cases.deadlines import CaseClocks, case_clocks
from fts_app.cases.enums import CaseStatus, ConfidentialityLevel, Element, Route, WorkerGroup
from fts_app.cases.models import Case, CaseElement
from fts_app.choices import Choice

PAGE_SIZE = 25
FULL_REFERENCE = re.compile(r"FTSU-\d{4}-\d{4,}")


class StatusFilter(Choice):
    """Which stage of casework to list."""

    OPEN = ("open", "Open (new or in progress)")
    NEW = ("new", "New")
    IN_PROGRESS = ("in-progress", "In progress")
    CLOSED = ("closed", "Closed")
    ALL = ("all", "Any status")


class Scope(Choice):
    """Whose cases to list, within those the user may see."""

    ALL = ("all", "All cases I can see")
    MINE = ("mine", "Assigned to or shared with me")
    QUEUE = ("queue", "Waiting in the queue")


class SortOrder(Choice):
    """How to order the list."""

    NEWEST = ("received-newest", "Received, newest first")
    OLDEST = ("received-oldest", "Received, oldest first")
    ACKNOWLEDGE_DUE = ("acknowledge-due", "Acknowledgement due, soonest first")
    FEEDBACK_DUE = ("feedback-due", "First feedback due, soonest first")
    REFERENCE = ("reference", "Reference")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.IN_PROGRESS)
STATUS_CONDITIONS = {
    StatusFilter.OPEN: Case.status.in_(OPEN_STATUSES),
    StatusFilter.NEW: Case.status == CaseStatus.NEW,
    StatusFilter.IN_PROGRESS: Case.status == CaseStatus.IN_PROGRESS,
    StatusFilter.CLOSED: Case.status == CaseStatus.CLOSED,
}
#: each clock's step is still to be done (finding feedback not possible stops that clock too)
ACKNOWLEDGEMENT_TO_DO = Case.acknowledged_on.is_(None)
FIRST_FEEDBACK_TO_DO = and_(
    Case.first_feedback_on.is_(None), Case.feedback_not_possible_on.is_(None)
)


def waiting_first(to_do: ColumnElement[bool]) -> ColumnElement[int]:
    """Return a sort key putting open cases still waiting for the step before all others."""
    return case((and_(Case.status.in_(OPEN_STATUSES), to_do), 0), else_=1)


SORT_COLUMNS = {
    SortOrder.NEWEST: (Case.received_on.desc(), Case.reference.desc()),
    SortOrder.OLDEST: (Case.received_on.asc(), Case.reference.asc()),
    SortOrder.ACKNOWLEDGE_DUE: (
        waiting_first(ACKNOWLEDGEMENT_TO_DO),
        Case.acknowledge_due_on.asc(),
        Case.reference.asc(),
    ),
    SortOrder.FEEDBACK_DUE: (
        waiting_first(FIRST_FEEDBACK_TO_DO),
        Case.first_feedback_due_on.asc(),
        Case.reference.asc(),
    ),
    SortOrder.REFERENCE: (Case.reference.asc(),),
}


ROW_QUERY = select(
    Case.id,
    Case.reference,
    Case.received_on,
    Case.status,
    Case.route,
    Case.confidentiality,
    Case.worker_group,
    Directorate.name.label("directorate"),
    Case.restricted,
    Case.unread_for_guardian,
    Case.acknowledge_due_on,
    Case.acknowledged_on,
    Case.first_feedback_due_on,
    Case.first_feedback_on,
    Case.feedback_not_possible_on,
).select_from(Case)


@dataclass(frozen=True)
class CaseFilters:
    """What the guardian asked the list to show."""

    status: StatusFilter = StatusFilter.ALL
    scope: Scope = Scope.ALL
    element: Element | None = None
    route: Route | None = None
    worker_group: WorkerGroup | None = None
    directorate_id: int | None = None
    confidentiality: ConfidentialityLevel | None = None
    received_from: date | None = None
    received_to: date | None = None
    reference: str = ""
    overdue_only: bool = False
    unread_only: bool = False
    sort: SortOrder = SortOrder.NEWEST


@dataclass(frozen=True)
class CaseRow:
    """One line of the list: plain columns only, never case text."""

    reference: str
    received_on: date
    status: CaseStatus
    route: Route
    confidentiality: ConfidentialityLevel
    worker_group: WorkerGroup
    directorate: str | None
    restricted: bool
    unread: bool
    clocks: CaseClocks
    elements: list[Element] = field(default_factory=list)


@dataclass(frozen=True)
class CasePage:
    """One page of the list and how many cases match in all."""

    rows: list[CaseRow]
    total: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """Return how many pages the matching cases fill."""
        return page_count(self.total)


@dataclass(frozen=True)
class Summary:
    """Counts over the user's open cases, for the top of the list."""

    in_queue: int
    overdue: int
    unread: int


def page_count(total: int) -> int:
    """Return how many pages a number of cases fills (at least one, even when empty)."""
    return max(1, -(-total // PAGE_SIZE))


def overdue(today: date) -> ColumnElement[bool]:
    """Match open cases with acknowledgement or first feedback past its due day and not done.

    Finding that feedback could not be given stops the first feedback clock, as on the case page.
    """
    return and_(
        Case.status.in_(OPEN_STATUSES),
        or_(
            and_(ACKNOWLEDGEMENT_TO_DO, Case.acknowledge_due_on < today),
            and_(FIRST_FEEDBACK_TO_DO, Case.first_feedback_due_on < today),
        ),
    )


def list_cases(
    session: Session, user: Viewer, filters: CaseFilters, *, page: int, today: date
) -> CasePage:
    """Return one page of the cases the user may see that match the filters."""
    total = session.scalar(_matching(select(func.count()).select_from(Case), user, filters, today))
    page = min(max(page, 1), page_count(total or 0))
    rows = session.execute(
        _matching(ROW_QUERY, user, filters, today)
        .outerjoin(Directorate, Directorate.id == Case.directorate_id)
        .order_by(*SORT_COLUMNS[filters.sort])
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    elements = _elements_of(session, [row.id for row in rows])
    rows_shown = [_row(row, elements.get(row.id, []), today) for row in rows]
    return CasePage(rows_shown, total or 0, page)


def summarise(session: Session, user: Viewer, today: date) -> Summary:
    """Count the user's open cases waiting in the queue, overdue, and with unread messages."""

    def count(condition: ColumnElement[bool]) -> int:
        # one small indexed count each, rather than one pass over every open case
        query = select(func.count()).select_from(Case).where(Case.status.in_(OPEN_STATUSES))
        return session.scalar(visible_to(user, query.where(condition))) or 0

    return Summary(
        in_queue=count(in_queue()),
        overdue=count(overdue(today)),
        unread=count(Case.unread_for_guardian.is_(True)),
    )


def _matching(query: Select[Any], user: Viewer, filters: CaseFilters, today: date) -> Select[Any]:
    """Narrow a query over cases to the user's visible cases that match the filters."""
    query = visible_to(user, query, named_only=filters.scope is Scope.MINE)
    return query.where(*_conditions(filters, today))


def _conditions(filters: CaseFilters, today: date) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.status in STATUS_CONDITIONS:
        conditions.append(STATUS_CONDITIONS[filters.status])
    if filters.scope is Scope.QUEUE:
        conditions.append(in_queue())
    if filters.element is not None:
        conditions.append(
            exists().where(
                CaseElement.case_id == Case.id, CaseElement.element == filters.element.value
            )
        )
    conditions.extend(_equal_to_chosen(filters))
    if filters.received_from is not None:
        conditions.append(Case.received_on >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Case.received_on <= filters.received_to)
    if filters.reference:
        conditions.append(_reference_matches(filters.reference))
    if filters.overdue_only:
        conditions.append(overdue(today))
    if filters.unread_only:
        conditions.append(Case.unread_for_guardian.is_(True))
    return conditions


def _equal_to_chosen(filters: CaseFilters) -> list[ColumnElement[bool]]:
    chosen = {
        Case.route: filters.route,
        Case.worker_group: filters.worker_group,
        Case.confidentiality: filters.confidentiality,
        Case.directorate_id: filters.directorate_id,
    }
    return [column == value for column, value in chosen.items() if value is not None]


def _reference_matches(typed: str) -> ColumnElement[bool]:
    wanted = typed.strip().upper()
    if FULL_REFERENCE.fullmatch(wanted):
        return Case.reference == wanted
    return Case.reference.contains(wanted, autoescape=True)


def _elements_of(session: Session, case_ids: list[str]) -> dict[str, list[Element]]:
    found: dict[str, set[str]] = {}
    if case_ids:
        for case_id, element in session.execute(
            select(CaseElement.case_id, CaseElement.element).where(
                CaseElement.case_id.in_(case_ids)
            )
        ):
            found.setdefault(case_id, set()).add(element)
    return {
        case_id: [element for element in Element if element.value in values]
        for case_id, values in found.items()
    }


def _row(row: Row[Any], elements: list[Element], today: date) -> CaseRow:
    return CaseRow(
        reference=row.reference,
        received_on=row.received_on,
        status=CaseStatus(row.status),
        route=Route(row.route),
        confidentiality=ConfidentialityLevel(row.confidentiality),
        worker_group=WorkerGroup(row.worker_group),
        directorate=row.directorate,
        restricted=row.restricted,
        unread=row.unread_for_guardian,
        clocks=case_clocks(row, today),
        elements=elements,
    )
