"""Administrators create, deactivate and reactivate accounts and reset two-factor sign-in."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.audit.services import verify
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import totp_secret
from tests.auth.support import audit_entries, follow, refreshed, sessions_of
from tests.conftest import TEST_PASSWORD, csrf_token_from, sign_in, submit_form

MakeUser = Callable[..., User]
INITIAL_PASSWORD = re.compile(r'<code id="initial-password">([^<]+)</code>')


def create_account(client: FlaskClient, **fields: str) -> str:
    """Fill in the new-account form; return the page shown after it."""
    details = {
        "role": Role.GUARDIAN.value,
        "email": "new.guardian@trust.nhs.example",
        "display_name": "Alex Guardian",
        **fields,
    }
    return html.unescape(submit_form(client, "/admin/accounts/new", details).get_data(as_text=True))


def press(client: FlaskClient, account: User, action: str) -> str:
    """Press an action button on an account's page; return the page it leads back to."""
    token = csrf_token_from(client.get(f"/admin/accounts/{account.id}").get_data(as_text=True))
    response = client.post(f"/admin/accounts/{account.id}/{action}", data={"csrf_token": token})
    return follow(client, response)


def account_with_email(email: str) -> User | None:
    """Return the account with this address, if any."""
    return db.session().scalar(select(User).where(User.email == email))


def test_new_account_gets_a_password_shown_once_and_sets_up_two_factor_at_first_sign_in(
    app: Flask, admin_client: FlaskClient, admin: User
) -> None:
    page = create_account(admin_client)

    match = INITIAL_PASSWORD.search(page)
    assert match, "the initial password is not shown"
    created = account_with_email("new.guardian@trust.nhs.example")
    assert created is not None and created.role == Role.GUARDIAN.value
    assert match.group(1) not in admin_client.get(f"/admin/accounts/{created.id}").get_data(
        as_text=True
    )
    first_step = submit_form(
        app.test_client(),
        "/login",
        {"email": created.email, "password": match.group(1)},
    )
    assert first_step.headers["Location"] == "/login/set-up-two-factor"
    assert (
        "admin.account_created",
        {
            "user_id": created.id,
            "role": "guardian",
            "password_generated": True,
        },
    ) in audit_entries()


def test_administrator_may_choose_the_initial_password(
    app: Flask, admin_client: FlaskClient
) -> None:
    page = create_account(
        admin_client, role=Role.BOARD.value, password="chosen by the administrator"
    )

    assert INITIAL_PASSWORD.search(page) is None
    created = account_with_email("new.guardian@trust.nhs.example")
    assert created is not None
    sign_in(app.test_client(), created, password="chosen by the administrator")


@pytest.mark.parametrize(
    ("fields", "message", "field_id"),
    [
        ({"email": "admin@trust.nhs.example"}, "already exists", "email"),
        ({"email": "not-an-address"}, "Enter an email address in the correct format", "email"),
        ({"password": "short"}, "Password must be at least 12 characters", "password"),
        ({"role": "superuser"}, "Not a valid choice", "role"),
        ({"display_name": ""}, "Enter the person's full name", "display_name"),
    ],
)
def test_account_that_cannot_be_created_is_explained_at_its_field(
    admin_client: FlaskClient, fields: dict[str, str], message: str, field_id: str
) -> None:
    accounts_before = len(db.session().scalars(select(User)).all())

    page = create_account(admin_client, **fields)

    assert message in page
    assert f'href="#{field_id}"' in page
    assert len(db.session().scalars(select(User)).all()) == accounts_before


def test_deactivating_ends_sessions_and_stops_sign_in_until_reactivated(
    app: Flask, admin_client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    their_browser = sign_in(app.test_client(), board_member)

    page = press(admin_client, board_member, "deactivate")

    assert "Account deactivated" in page
    assert their_browser.get("/account/password").status_code == 302
    assert sessions_of(board_member)[0].ended_reason == "account-deactivated"
    refused = submit_form(
        app.test_client(), "/login", {"email": board_member.email, "password": TEST_PASSWORD}
    )
    assert "This account has been deactivated" in refused.get_data(as_text=True)

    press(admin_client, board_member, "reactivate")
    sign_in(app.test_client(), board_member)
    actions = [action for action, _ in audit_entries("admin.")]
    assert actions == ["admin.account_deactivated", "admin.account_reactivated"]


def test_administrator_cannot_deactivate_their_own_account(
    admin_client: FlaskClient, admin: User
) -> None:
    page = press(admin_client, admin, "deactivate")

    assert "You cannot deactivate your own account" in page
    assert refreshed(admin).is_active
    assert admin_client.get("/admin/").status_code == 200


def test_reset_two_factor_makes_the_person_set_up_a_new_app(
    app: Flask, admin_client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    their_browser = sign_in(app.test_client(), guardian)
    old_secret = totp_secret(refreshed(guardian))

    press(admin_client, guardian, "reset-two-factor")

    assert their_browser.get("/account/password").status_code == 302
    reset = refreshed(guardian)
    assert reset.totp_confirmed_at is None
    assert totp_secret(reset) != old_secret
    first_step = submit_form(
        app.test_client(),
        "/login",
        {"email": guardian.email, "password": TEST_PASSWORD},
    )
    assert first_step.headers["Location"] == "/login/set-up-two-factor"


def test_board_members_have_no_two_factor_to_reset(
    admin_client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)

    page = press(admin_client, board_member, "reset-two-factor")

    assert "do not use two-factor sign-in" in page
    assert audit_entries("admin.") == []


def test_account_changes_keep_the_audit_chain_intact(
    admin_client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    press(admin_client, guardian, "deactivate")
    press(admin_client, guardian, "reactivate")
    press(admin_client, guardian, "reset-two-factor")

    assert verify(db.session()).intact


def test_unknown_account_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/accounts/999999").status_code == 404


def test_an_account_made_without_a_name_is_headed_by_its_email_address(
    client: FlaskClient, make_user: MakeUser
) -> None:
    nameless = make_user(Role.GUARDIAN, email="no.name@trust.nhs.example", display_name="")
    sign_in(client, make_user(Role.ADMIN))
    page = client.get(f"/admin/accounts/{nameless.id}").get_data(as_text=True)
    assert "<h1>no.name@trust.nhs.example</h1>" in page
