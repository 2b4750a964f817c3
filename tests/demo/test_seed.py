"""Demo data covers every category over at least eight financial quarters up to today."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import distinct, func, select

from fts_app import db
from fts_app.admin.services import get_settings
from fts_app.audit.services import verify
from fts_app.cases.deadlines import detriment_check_in_due, substantive_feedback_due
from fts_app.cases.enums import (
    AccessKind,
    CaseStatus,
    ConfidentialityLevel,
    Element,
    EventKind,
    Route,
    WorkerGroup,
)
from fts_app.cases.models import Case, CaseElement, CaseEvent
from fts_app.demo.services import history_start
from fts_app.timeutil import today_in_london


def seed(app: Flask, cases: int) -> Result:
    return app.test_cli_runner().invoke(args=["demo", "seed", "--cases", str(cases), "--seed", "7"])


@pytest.mark.parametrize(
    ("today", "first_day"),
    [
        (date(2026, 11, 26), date(2024, 10, 1)),
        (date(2026, 4, 1), date(2024, 4, 1)),
        (date(2026, 3, 31), date(2024, 1, 1)),
        (date(2027, 1, 15), date(2025, 1, 1)),
    ],
)
def test_history_starts_eight_quarters_before_the_current_one(today: date, first_day: date) -> None:
    assert history_start(today) == first_day


def test_seed_covers_every_category_with_timelines(app: Flask) -> None:
    result = seed(app, 60)
    assert result.exit_code == 0, result.output
    session = db.session()

    def values(column) -> set[str]:  # type: ignore[no-untyped-def]
        return set(session.scalars(select(distinct(column))))

    assert values(Case.route) == {route.value for route in Route}
    assert values(Case.confidentiality) == {level.value for level in ConfidentialityLevel}
    assert values(Case.worker_group) == {group.value for group in WorkerGroup}
    assert values(CaseElement.element) == {element.value for element in Element}
    first, last = session.execute(
        select(func.min(Case.received_on), func.max(Case.received_on))
    ).one()
    assert first >= history_start(today_in_london()) and last <= today_in_london()
    assert session.scalar(select(func.count()).select_from(CaseEvent)) > 60
    assert "closed" in values(Case.status)
    assert verify(session).intact


def test_seeding_prints_the_demo_sign_in(app: Flask) -> None:
    result = seed(app, 1)
    assert "guardian@demo.nhs.example" in result.output
    assert "password" in result.output


def test_every_seeded_case_is_in_a_state_the_casework_services_reach(app: Flask) -> None:
    assert seed(app, 120).exit_code == 0
    session = db.session()
    settings = get_settings(session)
    today = today_in_london()
    kinds: dict[str, set[EventKind]] = {}
    for case_id, kind, effective_on in session.execute(
        select(CaseEvent.case_id, CaseEvent.kind, CaseEvent.effective_on)
    ):
        kinds.setdefault(case_id, set()).add(kind)
        assert effective_on is None or effective_on <= today
    cases = session.scalars(select(Case)).all()
    assert {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED} <= {case.status for case in cases}
    for case in cases:
        assert case.acknowledge_due_on and case.first_feedback_due_on, case.reference
        assigned = [row for row in case.access_rows if row.kind is AccessKind.ASSIGNED]
        if case.status is CaseStatus.NEW:
            assert case.acknowledged_on is None and not assigned, case.reference
            continue
        assert len(assigned) == 1, case.reference
        assert case.substantive_feedback_due_on == substantive_feedback_due(
            settings, case.acknowledged_on
        )
        if case.first_feedback_on is not None:
            assert EventKind.FEEDBACK in kinds[case.id], case.reference
        if case.status is CaseStatus.CLOSED:
            assert {EventKind.FEEDBACK, EventKind.CLOSURE} <= kinds[case.id], case.reference
            assert case.outcome and case.learning, case.reference
            assert case.detriment_check_in_due_on == detriment_check_in_due(
                settings, case.closed_on
            )
        else:
            assert case.closed_on is None and case.detriment_check_in_due_on is None
        if case.detriment_checked_in_on is not None:
            assert case.closed_on <= case.detriment_checked_in_on <= today, case.reference
        if case.speak_up_again is not None:
            # only the portal asks the question, so the person holds an access code
            assert case.status is CaseStatus.CLOSED and case.access_code_hash, case.reference
            assert case.closed_on <= case.speak_up_again_on <= today, case.reference
    assert any(case.detriment_checked_in_on for case in cases)
    assert any(case.speak_up_again for case in cases)
