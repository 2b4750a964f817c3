"""Who may see which case: one rule for every list, count, search, page and export.

New cases wait in the guardians' shared queue, which every guardian sees until one takes the
case. After that a case is open to its assigned guardians, those it is shared with and the lead
guardian; a restricted case only to the guardians named on it. Administrators and board members
never see a case.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session, aliased

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.cases.enums import AccessKind, CaseStatus
from fts_app.cases.models import Case, CaseAccess

#: the user's own access row, joined to each case; made once, as an alias is costly to build
MY_ACCESS = aliased(CaseAccess, name="my_access")


class CaseNotVisible(LookupError):
    """No such case, or the user may not see it: the two must look the same from outside."""


class Viewer(Protocol):
    """What the access rule needs to know about a staff member."""

    id: int
    role: str


def has_assigned_guardian() -> ColumnElement[bool]:
    """Match cases that some guardian has been assigned."""
    return exists().where(CaseAccess.case_id == Case.id, CaseAccess.kind == AccessKind.ASSIGNED)


def in_queue() -> ColumnElement[bool]:
    """Match cases in the shared queue: new, unassigned and not restricted."""
    return and_(
        Case.status == CaseStatus.NEW,
        Case.restricted.is_(False),
        ~has_assigned_guardian(),
    )


def visibility(user: Viewer) -> ColumnElement[bool]:
    """Return, as one condition, whether the user may see a case (reports select it as a flag)."""
    named = Case.id.in_(select(CaseAccess.case_id).where(CaseAccess.user_id == user.id))
    return _rule(user, named)


def visible_to(user: Viewer, query: Select[Any], *, named_only: bool = False) -> Select[Any]:
    """Narrow a query over cases to those the user may see, or only those named on them."""
    if not named_only and is_lead_guardian(user):
        # the unrestricted majority needs no look-up at all
        return query.where(visibility(user))
    # a guardian's cases are joined rather than looked up one by one: one pass over the cases
    named = MY_ACCESS.user_id.is_not(None)
    query = query.outerjoin(
        MY_ACCESS, and_(MY_ACCESS.case_id == Case.id, MY_ACCESS.user_id == user.id)
    )
    rule = _rule(user, named)
    return query.where(and_(rule, named) if named_only else rule)


def _rule(user: Viewer, named: ColumnElement[bool]) -> ColumnElement[bool]:
    role = Role.parse(user.role)
    if role is Role.LEAD_GUARDIAN:
        rule = or_(Case.restricted.is_(False), named)
    elif role is Role.GUARDIAN:
        rule = or_(named, in_queue())
    else:
        return false()
    # a purged case keeps its figures for reports but has nothing left to open
    return and_(Case.purged_at.is_(None), rule)


def visible_cases(user: Viewer) -> Select[tuple[Case]]:
    """Select the cases the user may see; every case query starts here."""
    return visible_to(user, select(Case))


def find_visible_case(session: Session, reference: str, user: Viewer) -> Case:
    """Return the case with this reference if the user may see it, else raise CaseNotVisible."""
    case = session.scalar(visible_cases(user).where(Case.reference == reference.strip().upper()))
    if case is None:
        raise CaseNotVisible(reference)
    return case


def get_visible_case_or_404(reference: str, user: Viewer) -> Case:
    """Return the case for a page, or answer 404 whether it is missing or out of bounds."""
    try:
        return find_visible_case(db.session(), reference, user)
    except CaseNotVisible:
        abort(404)


def is_named_on(case: Case, user: Viewer) -> bool:
    """Tell whether the case is assigned to or shared with the user."""
    return any(row.user_id == user.id for row in case.access_rows)


def is_assigned_to(case: Case, user: Viewer) -> bool:
    """Tell whether the user is one of the case's assigned guardians."""
    return any(
        row.user_id == user.id and row.kind == AccessKind.ASSIGNED for row in case.access_rows
    )


def is_lead_guardian(user: Viewer) -> bool:
    """Tell whether the user assigns cases and sees every unrestricted one."""
    return user.role == Role.LEAD_GUARDIAN


def is_unassigned(case: Case) -> bool:
    """Tell whether no guardian has been assigned the case yet."""
    return not any(row.kind == AccessKind.ASSIGNED for row in case.access_rows)


def is_in_queue(case: Case) -> bool:
    """Tell whether the case waits in the shared queue for a guardian to take it."""
    return case.status == CaseStatus.NEW and not case.restricted and is_unassigned(case)
