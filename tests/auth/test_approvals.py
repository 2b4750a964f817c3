"""A caseworker account made in the web admin works only once a lead guardian approves it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.admin.services import create_account
from fts_app.auth.enums import Role
from fts_app.auth.models import AccountApproval, User
from fts_app.timeutil import as_london
from tests.auth.support import audit_entries, refreshed, sessions_of, set_up_link
from tests.conftest import csrf_token_from, sign_in, submit_form, unused_totp

MakeUser = Callable[..., User]
NEW_PASSWORD = "the person's own long password"
APPROVALS = "/account-approvals"


@pytest.fixture
def admin(make_user: MakeUser) -> User:
    """The administrator who makes accounts in the web admin."""
    return make_user(Role.ADMIN, email="admin@trust.nhs.example")


@pytest.fixture
def lead_client(app: Flask, make_user: MakeUser) -> FlaskClient:
    """A browser signed in as the lead guardian."""
    return sign_in(app.test_client(), make_user(Role.LEAD_GUARDIAN, email="lead@trust.nhs.example"))


def set_up(app: Flask, person: User) -> FlaskClient:
    """Walk the person through their set-up link: password, then authenticator."""
    browser = app.test_client()
    browser.get(set_up_link(app, person.email))
    submit_form(
        browser, "/account/set-up", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    finished = submit_form(browser, "/login/set-up-two-factor", {"code": unused_totp(person)})
    assert finished.status_code == 302
    return browser


def forget_used_codes(person: User) -> None:
    """Let the current code be used again, as if the authenticator had moved on a step."""
    with db.write_transaction() as session:
        stored = session.get(User, person.id)
        assert stored is not None
        stored.last_totp_step = None


def decide(lead_client: FlaskClient, approval_id: int, decision: str) -> str:
    """Press approve or refuse on the approvals page; return the page it leads back to."""
    token = csrf_token_from(lead_client.get(APPROVALS).get_data(as_text=True))
    response = lead_client.post(f"{APPROVALS}/{approval_id}/{decision}", data={"csrf_token": token})
    assert response.status_code == 302
    return lead_client.get(response.headers["Location"]).get_data(as_text=True)


def approval_id_of(person: User) -> int:
    """Return the id of the approval asked for the account."""
    (detail,) = [
        d for a, d in audit_entries("auth.approval_requested") if d["user_id"] == person.id
    ]
    return int(detail["approval_id"])


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.LEAD_GUARDIAN])
def test_a_caseworker_made_in_the_admin_cannot_sign_in_until_the_lead_approves(
    app: Flask, admin: User, lead_client: FlaskClient, role: Role
) -> None:
    person = create_account(
        admin.id, role=role, email="new.person@trust.nhs.example", display_name="Jo New"
    ).user

    waiting = set_up(app, person)

    assert waiting.get("/cases").status_code == 302
    assert sessions_of(person)[-1].ended_reason == "awaiting-approval"
    again = app.test_client()
    submit_form(again, "/login", {"email": person.email, "password": NEW_PASSWORD})
    forget_used_codes(person)
    refused = submit_form(again, "/login/two-factor", {"code": unused_totp(person)})
    assert refused.headers["Location"] == "/login"
    assert "once the lead guardian has approved it" in again.get("/login").get_data(as_text=True)

    page = lead_client.get(APPROVALS).get_data(as_text=True)
    assert person.email in page and admin.email in page and role.label in page
    assert "was approved" in decide(lead_client, approval_id_of(person), "approve")

    sign_in(app.test_client(), person, password=NEW_PASSWORD)
    assert (
        "auth.account_approved",
        {"approval_id": approval_id_of(person), "role": role.value, "user_id": person.id},
    ) in audit_entries("auth.account_approved")


def test_refusing_deactivates_the_account(
    app: Flask, admin: User, lead_client: FlaskClient
) -> None:
    person = create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo"
    ).user

    page = decide(lead_client, approval_id_of(person), "refuse")

    assert "was refused" in page
    assert not refreshed(person).is_active
    assert person.email not in lead_client.get(APPROVALS).get_data(as_text=True)
    assert [action for action, _ in audit_entries("auth.account_")] == ["auth.account_refused"]


def test_a_decision_is_made_once(admin: User, lead_client: FlaskClient) -> None:
    person = create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo"
    ).user
    approval_id = approval_id_of(person)
    decide(lead_client, approval_id, "approve")

    token = csrf_token_from(lead_client.get(APPROVALS).get_data(as_text=True))
    again = lead_client.post(f"{APPROVALS}/{approval_id}/refuse", data={"csrf_token": token})

    assert again.status_code == 404
    assert refreshed(person).is_active


def test_board_and_admin_accounts_made_in_the_admin_need_no_approval(admin: User) -> None:
    for role in (Role.BOARD, Role.ADMIN):
        created = create_account(
            admin.id, role=role, email=f"{role.value}.new@trust.nhs.example", display_name="Jo"
        )
        assert not created.awaiting_approval
    assert audit_entries("auth.approval_requested") == []


def test_only_the_lead_guardian_sees_the_approvals(app: Flask, make_user: MakeUser) -> None:
    for role in (Role.GUARDIAN, Role.ADMIN, Role.BOARD):
        browser = sign_in(app.test_client(), make_user(role))
        assert browser.get(APPROVALS).status_code == 404, role


def test_every_caseworker_is_told_of_caseworker_accounts_made_or_reset_lately(
    app: Flask, admin: User, make_user: MakeUser
) -> None:
    guardian_browser = sign_in(app.test_client(), make_user(Role.GUARDIAN, display_name="Sam"))
    create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo New"
    )

    page = guardian_browser.get("/cases").get_data(as_text=True)

    assert "Caseworker accounts created or reset in the last 30 days" in page
    assert "Jo New (new.person@trust.nhs.example): created on" in page


def test_the_lead_is_told_how_many_approvals_wait(admin: User, lead_client: FlaskClient) -> None:
    create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo"
    )

    page = lead_client.get("/cases").get_data(as_text=True)

    assert "1 caseworker account made by an administrator waits for your approval" in page


def test_the_approvals_page_shows_when_each_role_was_asked_for_in_london_time(
    admin: User, lead_client: FlaskClient
) -> None:
    person = create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo"
    ).user
    with db.write_transaction() as session:
        approval = session.get(AccountApproval, approval_id_of(person))
        assert approval is not None
        # a summer afternoon: London is an hour ahead of UTC
        approval.requested_at = datetime(2026, 7, 3, 13, 5, tzinfo=UTC)

    page = lead_client.get(APPROVALS).get_data(as_text=True)

    assert '<td class="nhsuk-table__cell">3 Jul 2026 14:05</td>' in page


def test_the_notice_gives_the_london_day_an_account_was_made(
    app: Flask, admin: User, make_user: MakeUser
) -> None:
    guardian_browser = sign_in(app.test_client(), make_user(Role.GUARDIAN, display_name="Sam"))
    person = create_account(
        admin.id, role=Role.GUARDIAN, email="new.person@trust.nhs.example", display_name="Jo New"
    ).user
    made_on = as_london(refreshed(person).created_at)

    page = guardian_browser.get("/cases").get_data(as_text=True)

    assert f"created on {made_on.day} {made_on:%B %Y}</li>" in page
