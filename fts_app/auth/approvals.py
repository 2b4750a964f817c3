"""Caseworker roles asked for in the web admin wait for a lead guardian's approval.

An administrator manages accounts but must never become a caseworker: an account given the
guardian or lead-guardian role in the web admin cannot sign in until an existing lead guardian
approves it (README, "Who sees what"). The server's command line is the operator's path and
needs no approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from fts_app import db
from fts_app.audit.services import record
from fts_app.auth.enums import Role, SessionEnd
from fts_app.auth.models import AccountApproval, User
from fts_app.auth.sessions import end_sessions_of
from fts_app.timeutil import utcnow


class ApprovalGone(Exception):
    """No approval with that id is waiting: it was decided already, or never existed."""


@dataclass(frozen=True)
class PendingApproval:
    """A role waiting for the lead guardian, with who it is for and who asked."""

    id: int
    email: str
    display_name: str
    role: Role
    requested_by: str
    #: as stored; the page shows it in London time
    requested_at: datetime


def request_approval(session: Session, user: User, *, actor_id: int) -> AccountApproval:
    """Hold the account's caseworker role until a lead guardian approves it."""
    approval = AccountApproval(user_id=user.id, role=user.role, requested_by_id=actor_id)
    session.add(approval)
    session.flush()
    record(
        session,
        "auth.approval_requested",
        actor_id=actor_id,
        user_id=user.id,
        role=user.role,
        approval_id=approval.id,
    )
    return approval


def awaiting_approval(session: Session, user_id: int) -> bool:
    """Tell whether a role asked for in the web admin still waits for a lead guardian."""
    return (
        session.scalar(
            select(AccountApproval.id).where(
                AccountApproval.user_id == user_id, AccountApproval.decided_at.is_(None)
            )
        )
        is not None
    )


def pending_approvals(session: Session) -> list[PendingApproval]:
    """Return the roles waiting for approval, oldest request first."""
    requester = aliased(User)
    rows = session.execute(
        select(AccountApproval, User.email, User.display_name, requester.email)
        .join(User, User.id == AccountApproval.user_id)
        .outerjoin(requester, requester.id == AccountApproval.requested_by_id)
        .where(AccountApproval.decided_at.is_(None))
        .order_by(AccountApproval.requested_at, AccountApproval.id)
    )
    return [
        PendingApproval(
            id=approval.id,
            email=email,
            display_name=display_name,
            role=Role(approval.role),
            requested_by=requested_by or "an account since removed",
            requested_at=approval.requested_at,
        )
        for approval, email, display_name, requested_by in rows
    ]


def decide_approval(lead_id: int, approval_id: int, *, approve: bool) -> str:
    """Approve the role, or refuse it and deactivate the account; return the account's email."""
    with db.write_transaction() as session:
        approval = session.scalar(
            select(AccountApproval).where(AccountApproval.id == approval_id).with_for_update()
        )
        if approval is None or approval.decided_at is not None:
            raise ApprovalGone
        user = session.get(User, approval.user_id)
        if user is None:
            raise ApprovalGone
        approval.decided_by_id = lead_id
        approval.decided_at = utcnow()
        approval.approved = approve
        if not approve:
            user.is_active = False
            end_sessions_of(session, user.id, SessionEnd.ACCOUNT_DEACTIVATED)
        record(
            session,
            "auth.account_approved" if approve else "auth.account_refused",
            actor_id=lead_id,
            user_id=user.id,
            role=approval.role,
            approval_id=approval.id,
        )
        return user.email
