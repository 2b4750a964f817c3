"""Administrators see the sign-in record: when, which account, what happened; never case content."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case
from fts_app.timeutil import as_london
from tests.conftest import sign_in, submit_form


def test_sign_in_record_shows_successes_and_failures_by_account(
    app: Flask, admin_client: FlaskClient, make_user: Callable[..., User]
) -> None:
    board_member = make_user(Role.BOARD, email="board.member@trust.nhs.example")
    browser = app.test_client()
    submit_form(browser, "/login", {"email": board_member.email, "password": "not it"})
    submit_form(browser, "/login", {"email": "stranger@elsewhere.example", "password": "x"})
    sign_in(browser, board_member)

    page = admin_client.get("/admin/sign-in-events").get_data(as_text=True)

    assert "board.member@trust.nhs.example" in page
    assert "Sign-in failed: wrong password" in page
    assert "Sign-in failed: no account has that email address" in page
    assert "Unknown account" in page
    assert "stranger@elsewhere.example" not in page
    assert page.index("Signed in") < page.index("Sign-in failed: wrong password")


def test_sign_in_record_holds_no_case_content(
    admin_client: FlaskClient, make_case: Callable[..., Case]
) -> None:
    make_case(narrative="The night rota on ward 7 leaves one nurse alone.")

    page = admin_client.get("/admin/sign-in-events").get_data(as_text=True)

    assert "ward 7" not in page
    assert "case.opened" not in page


def test_audit_chain_is_intact_after_signing_in_and_out(
    app: Flask, admin_client: FlaskClient
) -> None:
    admin_client.get("/admin/sign-in-events")

    result = app.test_cli_runner().invoke(args=["audit", "verify"])

    assert result.exit_code == 0
    assert "Audit trail intact" in result.output


def test_sign_in_record_gives_each_time_in_london_to_the_second(
    app: Flask, admin_client: FlaskClient
) -> None:
    newest = (
        db.session()
        .scalars(
            select(AuditEvent)
            .where(AuditEvent.action.like("auth.%"))
            .order_by(AuditEvent.sequence.desc())
        )
        .first()
    )
    assert newest is not None
    local = as_london(newest.occurred_at)
    shown = f"{local.day} {local:%b %Y %H:%M:%S}"

    page = admin_client.get("/admin/sign-in-events").get_data(as_text=True)

    assert f'<td class="nhsuk-table__cell">{shown}</td>' in page
