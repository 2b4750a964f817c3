"""Accounts made or reset in the web admin are set up by the person alone, through a link."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.admin.services import create_account, reset_account_sign_in
from fts_app.auth.enums import Role
from fts_app.auth.models import OneTimeToken, User
from fts_app.auth.services import totp_secret
from fts_app.timeutil import naive_utc, utcnow
from tests.auth.support import audit_entries, refreshed, sessions_of, set_up_link
from tests.conftest import TEST_PASSWORD, sign_in, submit_form, unused_totp

MakeUser = Callable[..., User]
NEW_PASSWORD = "the person's own long password"
SET_UP_PAGE = "/account/set-up"
UNUSABLE = "This link cannot be used"


@pytest.fixture
def admin(make_user: MakeUser) -> User:
    """The administrator who makes accounts in the web admin."""
    return make_user(Role.ADMIN, email="admin@trust.nhs.example")


def made_in_admin(admin: User, role: Role = Role.BOARD) -> User:
    """Create an account as the web admin does."""
    return create_account(
        admin.id, role=role, email=f"new.{role.value}@trust.nhs.example", display_name="Jo New"
    ).user


def open_link(client: FlaskClient, path: str) -> str:
    """Open a set-up link; return where it leads."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def choose(client: FlaskClient, password: str = NEW_PASSWORD) -> str:
    """Choose a password on the set-up page; return where it leads."""
    response = submit_form(
        client, SET_UP_PAGE, {"password": password, "confirm_password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_link_is_printed_on_the_server_and_only_its_hash_kept(app: Flask, admin: User) -> None:
    person = made_in_admin(admin)

    path = set_up_link(app, person.email)

    token = path.rsplit("/", 1)[1]
    stored = db.session().scalar(select(OneTimeToken).where(OneTimeToken.user_id == person.id))
    assert stored is not None and stored.purpose == "account-set-up"
    assert stored.id == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(audit_entries())
    lifetime = naive_utc(stored.expires_at) - naive_utc(utcnow())
    assert timedelta(hours=71, minutes=59) < lifetime <= timedelta(hours=72)


def test_link_lifetime_is_a_setting(app: Flask, admin: User) -> None:
    app.config["SET_UP_LINK_HOURS"] = 2
    person = made_in_admin(admin)

    set_up_link(app, person.email)

    stored = db.session().scalar(select(OneTimeToken).where(OneTimeToken.user_id == person.id))
    assert stored is not None
    assert naive_utc(stored.expires_at) - naive_utc(utcnow()) <= timedelta(hours=2)


def test_the_person_chooses_their_password_and_signs_in_with_it(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    person = made_in_admin(admin)

    assert open_link(client, set_up_link(app, person.email)) == SET_UP_PAGE
    assert choose(client) == "/reports/board"

    assert client.get("/reports/board").status_code == 200
    sign_in(app.test_client(), person, password=NEW_PASSWORD)
    assert not refreshed(person).must_set_password
    actions = [action for action, _ in audit_entries("auth.")]
    assert "auth.set_up_link_opened" in actions and "auth.password_set_up" in actions


def test_a_reset_caseworker_enrols_their_own_authenticator_after_the_password(
    app: Flask, client: FlaskClient, admin: User, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    reset_account_sign_in(admin.id, guardian.id)

    open_link(client, set_up_link(app, guardian.email))
    assert client.get("/login/set-up-two-factor").headers["Location"] == SET_UP_PAGE
    assert choose(client) == "/login/set-up-two-factor"
    page = client.get("/login/set-up-two-factor").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page

    done = submit_form(client, "/login/set-up-two-factor", {"code": unused_totp(guardian)})
    assert done.headers["Location"] == "/cases"
    assert refreshed(guardian).totp_confirmed_at is not None


def test_the_link_is_used_up_when_first_opened_so_its_logged_path_is_worthless(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    """gunicorn's access log holds the path: by the time it is written, the link is spent."""
    person = made_in_admin(admin)
    path = set_up_link(app, person.email)
    location = open_link(client, path)

    someone_reading_the_log = app.test_client()
    again = someone_reading_the_log.get(path)

    assert path.rsplit("/", 1)[1] not in location
    assert again.status_code == 404
    assert UNUSABLE in again.get_data(as_text=True)
    assert someone_reading_the_log.get(SET_UP_PAGE).headers["Location"] == "/login"
    assert choose(client) == "/reports/board"


def test_a_new_link_or_a_new_reset_stops_the_earlier_link(
    app: Flask, admin: User, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    reset_account_sign_in(admin.id, guardian.id)
    first = set_up_link(app, guardian.email)
    second = set_up_link(app, guardian.email)
    reset_account_sign_in(admin.id, guardian.id)

    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 404
    open_link(app.test_client(), set_up_link(app, guardian.email))


def test_a_reset_ends_a_set_up_already_under_way(
    app: Flask, client: FlaskClient, admin: User, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    reset_account_sign_in(admin.id, guardian.id)
    open_link(client, set_up_link(app, guardian.email))

    reset_account_sign_in(admin.id, guardian.id)

    assert client.get(SET_UP_PAGE).headers["Location"] == "/login"
    assert all(row.ended_at is not None for row in sessions_of(guardian))


def test_an_expired_link_is_refused(app: Flask, client: FlaskClient, admin: User) -> None:
    person = made_in_admin(admin)
    path = set_up_link(app, person.email)
    with db.write_transaction() as session:
        for row in session.scalars(select(OneTimeToken)):
            row.expires_at = utcnow() - timedelta(seconds=1)

    assert client.get(path).status_code == 404
    assert refreshed(person).must_set_password


def test_the_password_step_cannot_be_skipped(
    app: Flask, client: FlaskClient, admin: User, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    reset_account_sign_in(admin.id, guardian.id)
    open_link(client, set_up_link(app, guardian.email))
    stored = refreshed(guardian)
    code = pyotp.TOTP(totp_secret(stored)).now()

    for step in ("/login/set-up-two-factor", "/login/two-factor"):
        skipped = submit_form(client, SET_UP_PAGE, {"code": code}, post_url=step)
        assert skipped.headers["Location"] == SET_UP_PAGE
    assert refreshed(guardian).totp_confirmed_at is None
    assert client.get("/cases").status_code == 302


def test_a_short_password_is_explained_and_changes_nothing(
    app: Flask, client: FlaskClient, admin: User
) -> None:
    person = made_in_admin(admin)
    open_link(client, set_up_link(app, person.email))

    page = submit_form(
        client, SET_UP_PAGE, {"password": "too short", "confirm_password": "too short"}
    ).get_data(as_text=True)

    assert "Password must be at least 12 characters" in page
    assert refreshed(person).must_set_password
    assert choose(client) == "/reports/board"


def test_the_command_refuses_an_account_with_no_set_up_waiting(
    app: Flask, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)

    result = app.test_cli_runner().invoke(
        args=["users", "set-up-link", "--email", guardian.email, "--base-url", "http://x"]
    )

    assert result.exit_code != 0
    assert "has no set-up waiting" in result.output
    assert db.session().scalar(select(OneTimeToken)) is None


def test_the_command_names_an_unknown_address(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "set-up-link", "--email", "nobody@trust.nhs.example", "--base-url", "x"]
    )

    assert result.exit_code != 0
    assert "No account has the email address nobody@trust.nhs.example" in result.output


def test_the_operators_command_line_account_works_at_once_with_its_password(
    app: Flask, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)

    assert not refreshed(guardian).must_set_password
    sign_in(app.test_client(), guardian, password=TEST_PASSWORD)


def test_a_password_the_admin_knew_must_be_changed_at_the_next_sign_in(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN, must_set_password=True)

    first_step = submit_form(client, "/login", {"email": guardian.email, "password": TEST_PASSWORD})

    assert first_step.headers["Location"] == SET_UP_PAGE
    assert client.get("/cases").status_code == 302
    assert choose(client) == "/login/set-up-two-factor"
    done = submit_form(client, "/login/set-up-two-factor", {"code": unused_totp(guardian)})
    assert done.headers["Location"] == "/cases"
    sign_in(app.test_client(), guardian, password=NEW_PASSWORD)
