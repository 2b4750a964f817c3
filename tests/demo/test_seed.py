"""Demo data covers every category over at least eight financial quarters up to today."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import distinct, func, select

from fts_app import db
from fts_app.audit.services import verify
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, WorkerGroup
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
