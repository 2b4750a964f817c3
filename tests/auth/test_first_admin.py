"""The single-use link that creates the first administrator on a new installation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import OneTimeToken, User
from fts_app.timeutil import naive_utc, utcnow
from tests.auth.support import audit_entries
from tests.conftest import TEST_PASSWORD, csrf_token_from, submit_form, unused_totp

LINK = re.compile(r"^Create the first administrator: http://fts\.example/setup/first-admin/(\S+)$")
UNUSABLE = "This link cannot be used"


def first_admin_link(app: Flask) -> tuple[int, str]:
    """Run the command scripts/run uses; return its exit code and output."""
    result = app.test_cli_runner().invoke(
        args=["users", "first-admin-link", "--base-url", "http://fts.example/"]
    )
    return result.exit_code, result.output


def new_link(app: Flask) -> str:
    """Return the path of a freshly printed first-administrator link."""
    exit_code, output = first_admin_link(app)
    assert exit_code == 0
    match = LINK.match(output.strip())
    assert match, output
    return f"/setup/first-admin/{match.group(1)}"


FORM = "/setup/first-admin"


def open_link(client: FlaskClient, path: str) -> None:
    """Open the printed link, which is used up and leads on to the form at a tokenless path."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"] == FORM


def fill_in(client: FlaskClient, **changes: str) -> Any:
    """Submit the first administrator's details in a browser that opened the link."""
    details = {
        "email": "it.admin@trust.nhs.example",
        "display_name": "Sam Admin",
        "password": TEST_PASSWORD,
        "confirm_password": TEST_PASSWORD,
        **changes,
    }
    return submit_form(client, FORM, details)


def accounts() -> list[User]:
    """Return every account."""
    return list(db.session().scalars(select(User)))


def test_link_is_printed_when_there_are_no_accounts_and_only_its_hash_kept(app: Flask) -> None:
    path = new_link(app)

    token = path.rsplit("/", 1)[1]
    stored = db.session().scalars(select(OneTimeToken)).one()
    assert stored.id == hashlib.sha256(token.encode()).hexdigest()
    assert stored.purpose == "first-admin"
    lifetime = naive_utc(stored.expires_at) - naive_utc(utcnow())
    assert timedelta(hours=23, minutes=59) < lifetime <= timedelta(hours=24)


def test_nothing_is_printed_once_an_account_exists(
    app: Flask, make_user: Callable[..., User]
) -> None:
    make_user(Role.BOARD)

    assert first_admin_link(app) == (0, "")
    assert db.session().scalars(select(OneTimeToken)).first() is None


def test_link_creates_the_administrator_who_then_sets_up_two_factor(
    app: Flask, client: FlaskClient
) -> None:
    path = new_link(app)
    open_link(client, path)
    assert "Create the first administrator" in client.get(FORM).get_data(as_text=True)

    response = fill_in(client)

    assert response.headers["Location"] == "/login/set-up-two-factor"
    (admin,) = accounts()
    assert (admin.email, admin.role) == ("it.admin@trust.nhs.example", Role.ADMIN.value)
    done = submit_form(client, "/login/set-up-two-factor", {"code": unused_totp(admin)})
    assert done.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert "auth.first_admin_created" in [action for action, _ in audit_entries()]


def test_the_logged_path_of_an_opened_link_is_worthless(app: Flask, client: FlaskClient) -> None:
    """An access log records the link's path: after its first opening it must do nothing."""
    path = new_link(app)
    open_link(client, path)

    someone_reading_the_log = app.test_client()
    again = someone_reading_the_log.get(path)

    assert again.status_code == 404
    assert UNUSABLE in again.get_data(as_text=True)
    assert someone_reading_the_log.get(FORM).status_code == 404
    assert fill_in(client).headers["Location"] == "/login/set-up-two-factor"
    assert len(accounts()) == 1


def test_the_form_needs_the_browser_that_opened_the_link(app: Flask, client: FlaskClient) -> None:
    new_link(app)

    assert client.get(FORM).status_code == 404
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    refused = client.post(FORM, data={"csrf_token": token, "email": "x@trust.nhs.example"})
    assert refused.status_code == 404
    assert accounts() == []


def test_link_works_once(app: Flask, client: FlaskClient) -> None:
    path = new_link(app)
    open_link(client, path)
    fill_in(client)

    again = app.test_client().get(path)

    assert again.status_code == 404
    assert UNUSABLE in again.get_data(as_text=True)
    assert client.get(FORM).status_code == 404
    assert len(accounts()) == 1


def test_expired_link_is_refused(app: Flask, client: FlaskClient) -> None:
    path = new_link(app)
    with db.write_transaction() as session:
        stored = session.scalars(select(OneTimeToken)).one()
        stored.expires_at = utcnow() - timedelta(seconds=1)

    response = client.get(path)

    assert response.status_code == 404
    assert UNUSABLE in response.get_data(as_text=True)


def test_made_up_link_is_refused(client: FlaskClient) -> None:
    assert client.get("/setup/first-admin/not-a-real-token").status_code == 404


def test_short_password_is_refused_and_the_form_still_works(
    app: Flask, client: FlaskClient
) -> None:
    path = new_link(app)
    open_link(client, path)

    page = fill_in(client, password="too short", confirm_password="too short")

    assert "Password must be at least 12 characters" in page.get_data(as_text=True)
    assert accounts() == []
    assert client.get(FORM).status_code == 200
