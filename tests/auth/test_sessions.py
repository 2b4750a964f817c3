"""Server-side sessions end on sign-out, when idle, at the absolute limit and on a new password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.passwords import secret_matches
from fts_app.timeutil import naive_utc, utcnow
from tests.auth.support import (
    COOKIE,
    audit_entries,
    backdate,
    follow,
    refreshed,
    session_cookie,
    sessions_of,
)
from tests.conftest import TEST_PASSWORD, csrf_token_from, sign_in, submit_form

SESSION_ENDED = "Your session has ended, sign in again"
NEW_PASSWORD = "a brand new passphrase"
MakeUser = Callable[..., User]


@pytest.fixture
def board_member(make_user: MakeUser) -> User:
    """A signed-in role that needs no code, so each test signs in quickly."""
    return make_user(Role.BOARD)


def sign_out(client: FlaskClient) -> None:
    """Press the sign-out button in the staff menu."""
    page = client.get("/account/password").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token_from(page)})
    assert response.headers["Location"] == "/login"


def test_sign_out_ends_the_session_so_the_old_cookie_no_longer_works(
    client: FlaskClient, board_member: User
) -> None:
    sign_in(client, board_member)
    old_cookie = session_cookie(client)

    sign_out(client)
    client.set_cookie(COOKIE, old_cookie)
    response = client.get("/account/password")

    assert response.headers["Location"].startswith("/login")
    assert SESSION_ENDED in follow(client, response)
    assert sessions_of(board_member)[0].ended_reason == "signed-out"
    assert ("auth.signed_out", {"user_id": board_member.id}) in audit_entries()


def test_sign_out_is_a_post_with_a_csrf_token(client: FlaskClient, board_member: User) -> None:
    sign_in(client, board_member)

    offered = client.get("/logout")
    assert offered.status_code == 200
    assert 'method="post" action="/logout"' in offered.get_data(as_text=True)
    assert client.post("/logout").status_code == 400
    assert sessions_of(board_member)[0].ended_at is None
    assert client.get("/account/password").status_code == 200


def test_opening_the_sign_out_address_when_signed_out_offers_sign_in(client: FlaskClient) -> None:
    page = client.get("/logout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "You are signed out" in html and 'href="/login"' in html


def test_staff_menu_links_by_role_and_signs_out_with_a_form(
    client: FlaskClient, board_member: User
) -> None:
    sign_in(client, board_member)

    menu = client.get("/account/password").get_data(as_text=True)

    assert 'href="/reports/board"' in menu
    assert 'href="/cases"' not in menu
    assert 'href="/admin/"' not in menu
    assert 'action="/logout"' in menu


@pytest.mark.parametrize(
    ("column", "ago", "still_open", "reason"),
    [
        ("last_seen_at", timedelta(minutes=29), True, None),
        ("last_seen_at", timedelta(minutes=30), False, "idle-timeout"),
        ("created_at", timedelta(hours=11, minutes=59), True, None),
        ("created_at", timedelta(hours=12), False, "absolute-timeout"),
    ],
)
def test_session_ends_when_idle_too_long_or_too_old(
    client: FlaskClient,
    board_member: User,
    column: str,
    ago: timedelta,
    still_open: bool,
    reason: str | None,
) -> None:
    sign_in(client, board_member)
    backdate(sessions_of(board_member)[0], **{column: ago})

    response = client.get("/account/password")

    assert (response.status_code == 200) is still_open
    assert sessions_of(board_member)[0].ended_reason == reason
    if not still_open:
        assert SESSION_ENDED in follow(client, response)
        assert ("auth.session_ended", {"user_id": board_member.id, "reason": reason}) in (
            audit_entries()
        )


def test_idle_limit_comes_from_configuration(
    app: Flask, client: FlaskClient, board_member: User
) -> None:
    app.config["SESSION_IDLE_MINUTES"] = 5
    sign_in(client, board_member)
    backdate(sessions_of(board_member)[0], last_seen_at=timedelta(minutes=6))

    assert client.get("/account/password").status_code == 302


@pytest.mark.parametrize(
    ("ago", "written"), [(timedelta(seconds=30), False), (timedelta(minutes=2), True)]
)
def test_last_seen_is_written_at_most_once_a_minute(
    client: FlaskClient, board_member: User, ago: timedelta, written: bool
) -> None:
    sign_in(client, board_member)
    backdate(sessions_of(board_member)[0], last_seen_at=ago)

    client.get("/account/password")

    seen = naive_utc(sessions_of(board_member)[0].last_seen_at)
    assert (naive_utc(utcnow()) - seen < timedelta(seconds=10)) is written


def test_half_signed_in_visitor_cannot_open_staff_pages(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    submit_form(client, "/login", {"email": guardian.email, "password": TEST_PASSWORD})

    response = client.get("/account/password")

    assert response.headers["Location"].startswith("/login")


def change_password(client: FlaskClient, current: str, new: str, confirm: str | None = None) -> str:
    """Fill in the change-password page and return the page that follows."""
    response = submit_form(
        client,
        "/account/password",
        {"current_password": current, "password": new, "confirm_password": confirm or new},
    )
    if response.status_code == 302:
        return follow(client, response)
    return response.get_data(as_text=True)


def test_password_change_ends_every_other_session_but_this_one(
    app: Flask, client: FlaskClient, board_member: User
) -> None:
    other_browser = sign_in(app.test_client(), board_member)
    sign_in(client, board_member)

    page = change_password(client, TEST_PASSWORD, NEW_PASSWORD)

    assert "Your password has been changed" in page
    assert client.get("/account/password").status_code == 200
    assert other_browser.get("/account/password").status_code == 302
    reasons = [row.ended_reason for row in sessions_of(board_member)]
    assert reasons == ["password-changed", None]
    assert secret_matches(refreshed(board_member).password_hash, NEW_PASSWORD)
    assert (
        "auth.password_changed",
        {"user_id": board_member.id, "sessions_ended": 1},
    ) in audit_entries()


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, "Your current password is not correct"),
        (TEST_PASSWORD, "short", "short", "Password must be at least 12 characters"),
        (TEST_PASSWORD, NEW_PASSWORD, "something else entirely", "The passwords do not match"),
    ],
)
def test_refused_password_change_changes_nothing(
    app: Flask,
    client: FlaskClient,
    board_member: User,
    current: str,
    new: str,
    confirm: str,
    message: str,
) -> None:
    other_browser = sign_in(app.test_client(), board_member)
    sign_in(client, board_member)

    page = change_password(client, current, new, confirm)

    assert message in page
    assert secret_matches(refreshed(board_member).password_hash, TEST_PASSWORD)
    assert other_browser.get("/account/password").status_code == 200
    assert not audit_entries("auth.password_changed")


def test_a_wrong_current_password_is_audited_and_counts_towards_slowing(
    client: FlaskClient, board_member: User
) -> None:
    sign_in(client, board_member)

    change_password(client, "not my password", NEW_PASSWORD)

    assert refreshed(board_member).failed_sign_ins == 1
    assert audit_entries("auth.password_change_failed") == [
        ("auth.password_change_failed", {"user_id": board_member.id, "reason": "wrong-password"})
    ]
    assert not any(
        "not my password" in str(detail) or NEW_PASSWORD in str(detail)
        for _, detail in audit_entries()
    ), "nothing typed reaches the audit trail"


def test_once_slowed_the_current_password_is_not_checked_until_the_wait_is_over(
    client: FlaskClient, board_member: User
) -> None:
    sign_in(client, board_member)
    for _ in range(5):
        change_password(client, "not my password", NEW_PASSWORD)

    too_soon = submit_form(
        client,
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert too_soon.status_code == 429
    assert "Wait 30 seconds and try again" in too_soon.get_data(as_text=True)
    assert secret_matches(refreshed(board_member).password_hash, TEST_PASSWORD)
    assert ("auth.password_change_failed", {"user_id": board_member.id, "reason": "slowed"}) in (
        audit_entries("auth.password_change_failed")
    )
    backdate_latest_failure(board_member, timedelta(seconds=30))
    assert "Your password has been changed" in change_password(client, TEST_PASSWORD, NEW_PASSWORD)


def backdate_latest_failure(user: User, ago: timedelta) -> None:
    """Move the account's latest failed attempt back by `ago`, as if the time had gone by."""
    with db.write_transaction() as session:
        stored = session.get(User, user.id)
        assert stored is not None and stored.last_failed_sign_in_at is not None
        stored.last_failed_sign_in_at = stored.last_failed_sign_in_at - ago
