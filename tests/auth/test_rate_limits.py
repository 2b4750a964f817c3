"""Rate limits on signing in: per account typed, and a cap on all sign-in attempts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.extensions import limiter
from fts_app.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, submit_form


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Switch rate limits on, with small limits so a test reaches them quickly."""
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "SIGN_IN_LIMIT_PER_ACCOUNT": "3 per minute",
        "SIGN_IN_LIMIT_OVERALL": "5 per minute",
    }


def attempt(client: FlaskClient, email: str) -> int:
    """Try to sign in with a wrong password; return the status code."""
    return submit_form(client, "/login", {"email": email, "password": "wrong"}).status_code


def test_a_limited_attempt_is_told_to_wait(client: FlaskClient) -> None:
    for _ in range(3):
        attempt(client, "someone@trust.nhs.example")

    refused = submit_form(client, "/login", {"email": "someone@trust.nhs.example", "password": ""})

    assert refused.status_code == 429
    assert "Wait a few minutes and try again" in refused.get_data(as_text=True)


def test_attempts_for_one_address_are_limited_whatever_its_case(client: FlaskClient) -> None:
    statuses = [attempt(client, "someone@trust.nhs.example") for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert attempt(client, "SOMEONE@trust.nhs.example") == 429
    assert attempt(client, "someone.else@trust.nhs.example") == 200


def test_all_sign_in_attempts_together_are_capped(client: FlaskClient) -> None:
    statuses = [attempt(client, f"person{number}@trust.nhs.example") for number in range(6)]

    assert statuses == [200] * 5 + [429]


def test_the_limit_store_cannot_be_read_back_to_the_addresses_typed(client: FlaskClient) -> None:
    email = "someone@trust.nhs.example"
    attempt(client, email)

    keys = [key for key in limiter.storage.storage if "sign-in|" in key]

    assert keys, "the attempt was not counted per address"
    assert not any(email in key for key in keys)
    assert not any(hashlib.sha256(email.encode()).hexdigest() in key for key in keys)


def test_showing_the_sign_in_page_is_not_limited(client: FlaskClient) -> None:
    for _ in range(3):
        attempt(client, "someone@trust.nhs.example")

    assert all(client.get("/login").status_code == 200 for _ in range(10))


def test_codes_tried_for_one_account_are_limited(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    guardian = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    submit_form(client, "/login", {"email": guardian.email, "password": TEST_PASSWORD})

    statuses = [
        submit_form(client, "/login/two-factor", {"code": "000000"}).status_code for _ in range(4)
    ]

    assert statuses == [200, 200, 200, 429]


def test_current_passwords_tried_for_one_account_are_limited(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    board_member = make_user(Role.BOARD)
    submit_form(client, "/login", {"email": board_member.email, "password": TEST_PASSWORD})
    tries = {
        "current_password": "wrong",
        "password": "a new passphrase",
        "confirm_password": "a new passphrase",
    }

    statuses = [submit_form(client, "/account/password", tries).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_browser_the_owner_signed_in_with_keeps_a_budget_of_its_own(
    app: Any, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    board_member = make_user(Role.BOARD)
    submit_form(client, "/login", {"email": board_member.email, "password": TEST_PASSWORD})
    stranger = app.test_client()
    for _ in range(3):
        attempt(stranger, board_member.email)

    owner = submit_form(client, "/login", {"email": board_member.email, "password": TEST_PASSWORD})

    assert owner.status_code == 302
