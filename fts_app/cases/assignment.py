"""Who works on a case: taking it from the queue, assigning, sharing and restricting it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from fts_app import db
from fts_app.admin.services import DEACTIVATION_CHECKS
from fts_app.audit.services import record
from fts_app.auth.models import User
from fts_app.cases.access import (
    Viewer,
    find_visible_case,
    is_assigned_to,
    is_in_queue,
    is_lead_guardian,
    is_named_on,
    is_unassigned,
)
from fts_app.cases.enums import AccessKind, EventKind, Restriction
from fts_app.cases.models import Case, CaseAccess, CaseEvent
from fts_app.cases.writes import CaseActionRefused, add_event

RESTRICT_WHO = (
    "Only the lead guardian or a guardian assigned to this case can restrict it or lift the "
    "restriction."
)


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
    event = add_event(
        session, case, EventKind.ASSIGNMENT, actor, category=AccessKind.ASSIGNED.value
    )
    record(session, "case.taken", actor_id=actor.id, case_id=case.id)
    return event


def take_if_unassigned(session: Session, case: Case, actor: Viewer) -> None:
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
        add_event(
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
        if not (is_lead_guardian(actor) or is_assigned_to(case, actor)):
            # otherwise any guardian could hide a queued case from everyone, the lead included
            raise CaseActionRefused(RESTRICT_WHO)
        if restricted and not is_named_on(case, actor):
            # whoever restricts a case must keep it, or it would vanish from their own list
            _grant(case, actor.id, AccessKind.SHARED)
        case.restricted = restricted
        change = Restriction.RESTRICTED if restricted else Restriction.UNRESTRICTED
        add_event(session, case, EventKind.STATUS_CHANGE, actor, category=change.value)
        record(
            session,
            "case.restriction_changed",
            actor_id=actor.id,
            case_id=case.id,
            restricted=restricted,
        )


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


@dataclass(frozen=True)
class RestrictedHolding:
    """A restricted case as the lead guardian may know of it: its reference and who holds it."""

    reference: str
    holders: tuple[str, ...]


def restricted_holdings(session: Session) -> list[RestrictedHolding]:
    """List every restricted case's reference and the active guardians named on it, nothing else.

    The lead guardian cannot open a restricted case they are not named on, but must be able to
    see that it exists and who holds it, so no case can be buried (README, "Who sees what").
    """
    rows = session.execute(
        select(Case.reference, User.display_name)
        .join(CaseAccess, CaseAccess.case_id == Case.id)
        .join(User, User.id == CaseAccess.user_id)
        .where(Case.restricted.is_(True), Case.purged_at.is_(None), User.is_active.is_(True))
        .order_by(Case.reference, User.display_name)
    )
    holders: dict[str, list[str]] = {}
    for reference, name in rows:
        holders.setdefault(reference, []).append(name)
    return [RestrictedHolding(reference, tuple(names)) for reference, names in holders.items()]


def _sole_guardian_of_restricted_cases(session: Session, user: User) -> str | None:
    """Refuse to deactivate the last active guardian named on a restricted case."""
    other = aliased(CaseAccess)
    other_user = aliased(User)
    someone_else = (
        select(other.case_id)
        .join(other_user, other_user.id == other.user_id)
        .where(
            other.case_id == CaseAccess.case_id,
            other.user_id != user.id,
            other_user.is_active.is_(True),
        )
        .exists()
    )
    stranded = session.scalar(
        select(func.count())
        .select_from(CaseAccess)
        .join(Case, Case.id == CaseAccess.case_id)
        .where(
            CaseAccess.user_id == user.id,
            Case.restricted.is_(True),
            Case.purged_at.is_(None),
            ~someone_else,
        )
    )
    if not stranded:
        return None
    cases = "case" if stranded == 1 else "cases"
    return (
        f"This person is the only active guardian on {stranded} restricted {cases}. "
        "Ask the lead guardian to assign someone else first."
    )


DEACTIVATION_CHECKS.register(
    "sole guardian of restricted cases", _sole_guardian_of_restricted_cases
)
