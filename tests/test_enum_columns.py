"""Enumerated columns hand back members and refuse values their enumeration does not name."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from fts_app import db
from fts_app.cases.enums import CaseStatus, Route
from fts_app.cases.models import Case
from fts_app.db import UnknownStoredValue


def test_a_loaded_case_holds_members_not_strings(
    app: Flask, make_case: Callable[..., Case]
) -> None:
    make_case(route=Route.LETTER)
    db.session().expunge_all()
    case = db.session().scalars(select(Case)).one()
    assert case.status is CaseStatus.NEW and case.route is Route.LETTER


def test_an_unknown_stored_value_fails_when_read(
    app: Flask, make_case: Callable[..., Case]
) -> None:
    make_case()
    with db.write_transaction() as session:
        session.execute(text("UPDATE cases SET status = 'parked'"))
    db.session().expunge_all()
    with pytest.raises(UnknownStoredValue, match="'parked' is not a CaseStatus"):
        db.session().scalars(select(Case)).one()


def test_an_unknown_value_is_refused_before_it_is_stored(
    app: Flask, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    # SQLAlchemy reports it as the statement that could not be sent
    with (
        pytest.raises(StatementError, match="'parked' is not a CaseStatus"),
        db.write_transaction() as session,
    ):
        session.get_one(Case, case.id).status = "parked"  # type: ignore[assignment]
    db.session().expunge_all()
    assert db.session().scalars(select(Case.status)).one() is CaseStatus.NEW
