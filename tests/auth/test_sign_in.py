"""Signing in: a password, then a single-use code from an authenticator app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from fts_app import db
from fts_app.auth import known_devices
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.passwords import secret_matches
from fts_app.auth.services import LONGEST_WAIT, totp_secret, wait_after
from fts_app.timeutil import today_in_london, utcnow
from tests.auth.support import audit_entries, follow, refreshed, session_count, sessions_of
from tests.conftest import TEST_PASSWORD, current_totp, sign_in, submit_form, unused_totp

WRONG_DETAILS = "Enter a correct email address and password"
MakeUser = Callable[..., User]


def enter_password(
    client: FlaskClient, email: str, password: str = TEST_PASSWORD, **extra: str
) -> Any:
    """Submit the first sign-in page."""
    return submit_form(client, "/login", {"email": email, "password": password, **extra})


def enter_code(client: FlaskClient, code: str, page: str = "/login/two-factor") -> Any:
    """Submit a code on the two-factor page (or the set-up page)."""
    return submit_form(client, page, {"code": code})


def wrong_code(user: User) -> str:
    """Return a code that is not the one the authenticator shows now."""
    return f"{(int(current_totp(user)) + 1) % 1_000_000:06d}"


def is_signed_in(client: FlaskClient) -> bool:
    """Tell whether a staff page any role may use opens."""
    return client.get("/account/password").status_code == 200


def confirmed(make_user: MakeUser, role: Role = Role.GUARDIAN, **fields: Any) -> User:
    """Make an account whose authenticator app is already set up."""
    return make_user(role, totp_confirmed_at=utcnow(), **fields)


def test_guardian_signs_in_with_password_then_code(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)

    after_password = enter_password(client, guardian.email)
    assert after_password.headers["Location"] == "/login/two-factor"
    assert not is_signed_in(client)

    after_code = enter_code(client, current_totp(guardian))
    assert after_code.headers["Location"] == "/cases"
    assert is_signed_in(client)
    assert ("auth.signed_in", {"user_id": guardian.id, "two_factor": True}) in audit_entries()


@pytest.mark.parametrize("who", ["unknown address", "wrong password"])
def test_unknown_email_and_wrong_password_get_the_same_message(
    client: FlaskClient, make_user: MakeUser, who: str
) -> None:
    guardian = confirmed(make_user, email="known@trust.nhs.example")
    email, password = (
        ("nobody@trust.nhs.example", TEST_PASSWORD)
        if who == "unknown address"
        else (guardian.email, "not the password")
    )

    page = enter_password(client, email, password)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert WRONG_DETAILS in html
    assert 'href="#email"' in html
    assert session_count() == 0
    assert audit_entries("auth.sign_in_failed")


def test_email_address_is_matched_whatever_its_case(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user, email="pat.jones@trust.nhs.example")

    response = enter_password(client, "  Pat.Jones@Trust.NHS.example ")

    assert response.headers["Location"] == "/login/two-factor"
    assert len(sessions_of(guardian)) == 1


def test_board_member_signs_in_without_a_code(client: FlaskClient, make_user: MakeUser) -> None:
    board_member = make_user(Role.BOARD)

    response = enter_password(client, board_member.email)

    assert response.headers["Location"] == "/reports/board"
    assert is_signed_in(client)
    assert sessions_of(board_member)[0].two_factor_passed


def test_first_sign_in_shows_a_qr_code_and_key_then_confirms_the_app(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    secret = totp_secret(guardian)
    assert secret is not None

    response = enter_password(client, guardian.email)
    assert response.headers["Location"] == "/login/set-up-two-factor"
    page = client.get("/login/set-up-two-factor").get_data(as_text=True)
    assert "<svg" in page
    assert secret[:4] + " " + secret[4:8] in page

    enter_code(client, current_totp(guardian), page="/login/set-up-two-factor")

    assert is_signed_in(client)
    assert refreshed(guardian).totp_confirmed_at is not None
    assert "auth.two_factor_set_up" in [action for action, _ in audit_entries()]


def test_the_code_page_is_not_reached_before_the_password(client: FlaskClient) -> None:
    response = client.get("/login/two-factor")

    assert response.headers["Location"] == "/login"


def test_wrong_code_is_refused_and_counted(client: FlaskClient, make_user: MakeUser) -> None:
    guardian = confirmed(make_user)
    enter_password(client, guardian.email)

    page = enter_code(client, wrong_code(guardian))

    assert page.status_code == 200
    assert "The code is not correct" in page.get_data(as_text=True)
    assert not is_signed_in(client)
    assert refreshed(guardian).failed_sign_ins == 1


def test_a_code_already_used_is_refused(client: FlaskClient, make_user: MakeUser, app: Any) -> None:
    guardian = confirmed(make_user)
    code = unused_totp(guardian)
    enter_password(client, guardian.email)
    enter_code(client, code)
    assert is_signed_in(client)

    other_browser = app.test_client()
    enter_password(other_browser, guardian.email)
    page = enter_code(other_browser, code)

    assert "This code has already been used" in page.get_data(as_text=True)
    assert not is_signed_in(other_browser)
    assert ("auth.sign_in_failed", {"user_id": guardian.id, "reason": "reused"}) in (
        audit_entries()
    )


def test_a_code_from_before_the_last_one_used_is_refused(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)
    totp = pyotp.TOTP(totp_secret(guardian) or "")
    now_step = totp.timecode(utcnow())
    with db.write_transaction() as session:
        stored = session.get(User, guardian.id)
        assert stored is not None
        # A code from the next step was used; the current one is older, yet still in the window
        # even if the clock moves on to the next step while the test runs.
        stored.last_totp_step = now_step + 1
    enter_password(client, guardian.email)

    page = enter_code(client, totp.generate_otp(now_step))

    assert "This code has already been used" in page.get_data(as_text=True)


def test_code_typed_with_a_space_is_accepted(client: FlaskClient, make_user: MakeUser) -> None:
    guardian = confirmed(make_user)
    enter_password(client, guardian.email)
    code = current_totp(guardian)

    enter_code(client, f"{code[:3]} {code[3:]}")

    assert is_signed_in(client)


def test_deactivated_account_cannot_sign_in(client: FlaskClient, make_user: MakeUser) -> None:
    guardian = confirmed(make_user, is_active=False)

    page = enter_password(client, guardian.email)

    assert "This account has been deactivated" in page.get_data(as_text=True)
    assert session_count() == 0


def test_missing_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)
    entries_before = audit_entries()

    response = client.post("/login", data={"email": guardian.email, "password": TEST_PASSWORD})

    assert response.status_code == 400
    assert "Go back, reload the page and try again" in response.get_data(as_text=True)
    assert session_count() == 0
    assert refreshed(guardian).failed_sign_ins == 0
    assert audit_entries() == entries_before


@pytest.mark.parametrize(
    ("asked_for", "lands_on"),
    [
        ("/reports/board?quarter=2026-27-Q2", "/reports/board?quarter=2026-27-Q2"),
        ("https://evil.example/login", "/reports/board"),
        ("//evil.example/login", "/reports/board"),
        ("/\\evil.example", "/reports/board"),
        ("/\t/evil.example", "/reports/board"),
        ("javascript:alert(1)", "/reports/board"),
        ("", "/reports/board"),
    ],
)
def test_sign_in_returns_only_to_pages_on_this_site(
    client: FlaskClient, make_user: MakeUser, asked_for: str, lands_on: str
) -> None:
    board_member = make_user(Role.BOARD)

    response = enter_password(client, board_member.email, next=asked_for)

    assert response.headers["Location"] == lands_on


def test_page_asked_for_is_kept_through_the_code_step(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)
    login_page = client.get("/login?next=/account/password").get_data(as_text=True)
    assert 'value="/account/password"' in login_page

    enter_password(client, guardian.email, next="/account/password")
    response = enter_code(client, current_totp(guardian))

    assert response.headers["Location"] == "/account/password"


def as_if_waited(user: User, wait: timedelta = LONGEST_WAIT) -> None:
    """Move the account's latest failure back by `wait`, as if that time had gone by."""
    with db.write_transaction() as session:
        stored = session.get(User, user.id)
        assert stored is not None and stored.last_failed_sign_in_at is not None
        stored.last_failed_sign_in_at = stored.last_failed_sign_in_at - wait


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (8, 240), (9, 300), (10, 300), (10_000, 300)],
)
def test_each_failure_past_five_doubles_the_wait_up_to_five_minutes(
    failures: int, seconds: int
) -> None:
    assert wait_after(failures) == timedelta(seconds=seconds)


def test_failures_slow_the_next_attempt_but_never_lock_the_owner_out(
    client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    for _ in range(5):
        enter_password(client, board_member.email, "not the password")

    too_soon = enter_password(client, board_member.email)

    assert too_soon.status_code == 429
    assert "Wait 30 seconds and try again" in too_soon.get_data(as_text=True)
    assert session_count() == 0
    assert refreshed(board_member).failed_sign_ins == 5, "an unchecked attempt is not counted"
    as_if_waited(board_member, timedelta(seconds=30))
    enter_password(client, board_member.email)
    assert is_signed_in(client)
    actions = [action for action, _ in audit_entries("auth.")]
    assert "auth.sign_in_slowed" in actions
    assert ("auth.sign_in_failed", {"user_id": board_member.id, "reason": "slowed"}) in (
        audit_entries("auth.sign_in_failed")
    )


def test_however_many_failures_the_owner_waits_at_most_five_minutes(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user, failed_sign_ins=1000, last_failed_sign_in_at=utcnow())

    assert "Wait 5 minutes" in enter_password(client, guardian.email).get_data(as_text=True)
    as_if_waited(guardian)
    enter_password(client, guardian.email)
    page = enter_code(client, current_totp(guardian))

    assert "1000 failed sign-in attempts on your account since you last signed in" in follow(
        client, page
    )
    assert is_signed_in(client)


def test_failures_elsewhere_do_not_stop_an_owner_already_past_the_password(
    app: Any, client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)
    enter_password(client, guardian.email)
    stranger = app.test_client()
    statuses = [enter_password(stranger, guardian.email, "a guess").status_code for _ in range(8)]

    page = enter_code(client, current_totp(guardian))

    assert statuses == [200] * 5 + [429] * 3
    assert "5 failed sign-in attempts on your account since you last signed in" in follow(
        client, page
    )
    assert is_signed_in(client)
    assert refreshed(guardian).failed_sign_ins == 0


def test_wrong_codes_count_and_once_slowed_send_the_person_back_to_wait(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = confirmed(make_user)
    enter_password(client, guardian.email)
    for _ in range(4):
        enter_code(client, wrong_code(guardian))

    last = enter_code(client, wrong_code(guardian))

    assert last.headers["Location"] == "/login"
    assert "Wait 30 seconds and try again" in follow(client, last)
    assert sessions_of(guardian)[0].ended_reason == "slowed"
    assert enter_password(client, guardian.email).status_code == 429


def test_the_owner_is_told_of_failed_attempts_once(
    client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    for _ in range(2):
        enter_password(client, board_member.email, "not the password")

    told = follow(client, enter_password(client, board_member.email))
    again = follow(client, enter_password(client, board_member.email))

    assert "2 failed sign-in attempts on your account since you last signed in" in told
    assert "failed sign-in" not in again


def test_a_success_clears_the_count_of_failures(client: FlaskClient, make_user: MakeUser) -> None:
    board_member = make_user(Role.BOARD)
    for _ in range(4):
        enter_password(client, board_member.email, "not the password")

    enter_password(client, board_member.email)

    assert refreshed(board_member).failed_sign_ins == 0


def test_password_hashed_with_old_settings_is_rehashed_at_sign_in(
    client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    weak_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(TEST_PASSWORD)
    with db.write_transaction() as session:
        stored = session.get(User, board_member.id)
        assert stored is not None
        stored.password_hash = weak_hash

    enter_password(client, board_member.email)

    new_hash = refreshed(board_member).password_hash
    assert new_hash != weak_hash
    assert secret_matches(new_hash, TEST_PASSWORD)


def test_signing_in_again_in_the_same_browser_ends_the_earlier_session(
    client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    sign_in(client, board_member)

    sign_in(client, board_member)

    earlier, later = sessions_of(board_member)
    assert earlier.ended_reason == "replaced"
    assert later.ended_at is None


def test_a_browser_the_owner_signed_in_with_is_not_made_to_wait(
    app: Any, client: FlaskClient, make_user: MakeUser
) -> None:
    board_member = make_user(Role.BOARD)
    sign_in(client, board_member)
    stranger = app.test_client()
    statuses = [
        enter_password(stranger, board_member.email, "a guess").status_code for _ in range(6)
    ]

    fresh_browser = enter_password(app.test_client(), board_member.email)

    owner = enter_password(client, board_member.email)

    assert statuses == [200] * 5 + [429]
    assert fresh_browser.status_code == 429
    assert "5 failed sign-in attempts on your account" in follow(client, owner)


def test_a_known_browser_counts_only_for_its_account_its_password_and_90_days(
    app: Any, make_user: MakeUser
) -> None:
    guardian, other = confirmed(make_user), confirmed(make_user)
    with app.test_request_context():
        response = app.response_class()
        known_devices.remember(response, guardian)
        value = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        _, mac = value.split(".")
        long_ago = (today_in_london() - timedelta(days=91)).isoformat()

        assert known_devices.is_known(guardian, value)
        assert not known_devices.is_known(other, value)
        assert not known_devices.is_known(guardian, f"{long_ago}.{mac}")
        assert not known_devices.is_known(guardian, "not a cookie")
        guardian.password_hash = "a new hash"
        assert not known_devices.is_known(guardian, value)
