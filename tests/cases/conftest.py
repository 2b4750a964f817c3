"""Fixtures for casework tests: named staff, a fixed 'today', and reading back what was stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case, CaseEvent

TODAY = date(2026, 11, 26)


@pytest.fixture
def guardian(make_user: Callable[..., User]) -> User:
    return make_user(Role.GUARDIAN, display_name="Gita Guardian")


@pytest.fixture
def other_guardian(make_user: Callable[..., User]) -> User:
    return make_user(Role.GUARDIAN, display_name="Sam Guardian")


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.LEAD_GUARDIAN, display_name="Lee Lead")


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Make every casework rule and form believe today is TODAY."""
    for module in ("writes", "closure", "forms"):
        monkeypatch.setattr(f"fts_app.cases.{module}.today_in_london", lambda: TODAY)
    return TODAY


def reload(case: Case) -> Case:
    """Read the case back from the database, not from the session's memory."""
    session = db.session()
    session.expire_all()
    stored = session.get(Case, case.id)
    assert stored is not None
    return stored


def audit_actions(case: Case) -> list[str]:
    """Return the audit actions recorded about a case, oldest first."""
    return list(
        db.session().scalars(
            select(AuditEvent.action)
            .where(AuditEvent.case_id == case.id)
            .order_by(AuditEvent.sequence)
        )
    )


def event_kinds(case: Case) -> list[str]:
    """Return the kinds of the case's timeline events, oldest first."""
    return list(
        db.session().scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )
