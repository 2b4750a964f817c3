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


def test_new_account_shows_the_admin_no_password_and_waits_for_the_persons_set_up(
    app: Flask, admin_client: FlaskClient, admin: User
) -> None:
    page = create_account(admin_client, role=Role.BOARD.value, password=TEST_PASSWORD)

    assert "initial-password" not in page
    assert "flask --app wsgi users set-up-link --email new.guardian@trust.nhs.example" in page
    created = account_with_email("new.guardian@trust.nhs.example")
    assert created is not None and created.role == Role.BOARD.value
    assert created.must_set_password
    # no password the administrator could have typed or seen opens the account
    refused = submit_form(
        app.test_client(), "/login", {"email": created.email, "password": TEST_PASSWORD}
    )
    assert refused.status_code == 200
    assert (
        "admin.account_created",
        {"user_id": created.id, "role": "board"},
    ) in audit_entries()


def test_the_new_account_form_offers_no_password(admin_client: FlaskClient) -> None:
    page = admin_client.get("/admin/accounts/new").get_data(as_text=True)

    assert 'type="password"' not in page


@pytest.mark.parametrize(
    ("fields", "message", "field_id"),
    [
        ({"email": "admin@trust.nhs.example"}, "already exists", "email"),
        ({"email": "not-an-address"}, "Enter an email address in the correct format", "email"),
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


def test_reset_sign_in_leaves_no_credential_the_admin_could_use(
    app: Flask, admin_client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    their_browser = sign_in(app.test_client(), guardian)
    old_secret = totp_secret(refreshed(guardian))

    page = press(admin_client, guardian, "reset-sign-in")

    assert "Sign-in reset" in page
    assert their_browser.get("/account/password").status_code == 302
    assert sessions_of(guardian)[0].ended_reason == "sign-in-reset"
    reset = refreshed(guardian)
    assert reset.totp_confirmed_at is None and reset.must_set_password
    assert totp_secret(reset) != old_secret
    # the old password no longer opens the account, so nobody but the link's holder can
    # reach the new authenticator's set-up
    refused = submit_form(
        app.test_client(), "/login", {"email": guardian.email, "password": TEST_PASSWORD}
    )
    assert refused.status_code == 200
    assert "Enter a correct email address and password" in refused.get_data(as_text=True)


def test_administrator_cannot_reset_their_own_sign_in(
    admin_client: FlaskClient, admin: User
) -> None:
    page = press(admin_client, admin, "reset-sign-in")

    assert "You cannot reset your own sign-in" in page
    assert not refreshed(admin).must_set_password


def test_account_changes_keep_the_audit_chain_intact(
    admin_client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    press(admin_client, guardian, "deactivate")
    press(admin_client, guardian, "reactivate")
    press(admin_client, guardian, "reset-sign-in")

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
