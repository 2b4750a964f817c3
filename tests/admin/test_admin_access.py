"""Only administrators reach the admin pages; everyone else is turned away."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from tests.conftest import csrf_token_from, sign_in

PAGES = [
    "/admin/",
    "/admin/accounts",
    "/admin/accounts/new",
    "/admin/settings",
    "/admin/directorates",
    "/admin/sign-in-events",
]


def test_administrator_reaches_every_admin_page(admin_client: FlaskClient, admin: User) -> None:
    for path in [*PAGES, f"/admin/accounts/{admin.id}"]:
        assert admin_client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.LEAD_GUARDIAN, Role.BOARD])
def test_other_roles_get_not_found(
    client: FlaskClient, make_user: Callable[..., User], role: Role
) -> None:
    person = make_user(role)
    sign_in(client, person)

    for path in [*PAGES, f"/admin/accounts/{person.id}"]:
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    for action in ["deactivate", "reset-sign-in"]:
        response = client.post(f"/admin/accounts/{person.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    assert client.get("/account/password").status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitor_is_sent_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_admin_menu_links_to_administration(admin_client: FlaskClient) -> None:
    menu = admin_client.get("/admin/").get_data(as_text=True)

    assert 'href="/admin/"' in menu
    assert 'href="/cases"' not in menu
    assert 'href="/reports/board"' not in menu
