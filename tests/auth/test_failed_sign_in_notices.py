"""Failed sign-ins on a caseworker's account are told to the lead guardian, not only the owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import LONGEST_WAIT
from fts_app.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, current_totp, sign_in, submit_form

MakeUser = Callable[..., User]
HEADING = "Failed sign-ins on caseworker accounts in the last 30 days"


def guess(app: Flask, user: User, times: int) -> None:
    """Try wrong passwords for the account from a browser of a stranger's."""
    stranger = app.test_client()
    for _ in range(times):
        submit_form(stranger, "/login", {"email": user.email, "password": "a guess"})


def dashboard(app: Flask, user: User) -> str:
    """Return the case list as `user` sees it just after signing in."""
    return sign_in(app.test_client(), user).get("/cases").get_data(as_text=True)


def test_the_lead_sees_a_caseworker_account_slowed_by_failed_sign_ins(
    app: Flask, make_user: MakeUser
) -> None:
    lead = make_user(Role.LEAD_GUARDIAN, totp_confirmed_at=utcnow())
    guardian = make_user(Role.GUARDIAN, display_name="Sam Guardian", totp_confirmed_at=utcnow())
    guess(app, guardian, 6)

    page = dashboard(app, lead)

    assert HEADING in page
    assert "Sam Guardian (Guardian): 5 failed sign-in attempts" in page
    assert "they have not signed in since" in page
    assert guardian.email not in page.split(HEADING)[1], "the notice names no address"


def test_the_lead_is_still_told_once_the_owner_has_signed_in(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    lead = make_user(Role.LEAD_GUARDIAN, totp_confirmed_at=utcnow())
    guardian = make_user(
        Role.GUARDIAN,
        display_name="Sam Guardian",
        totp_confirmed_at=utcnow(),
        failed_sign_ins=7,
        last_failed_sign_in_at=utcnow() - LONGEST_WAIT,
    )
    sign_in(client, guardian)

    page = dashboard(app, lead)

    assert "Sam Guardian (Guardian): 7 failed sign-in attempts" in page
    assert "they have not signed in since" not in page


def test_a_few_typing_slips_and_other_roles_are_not_reported_to_the_lead(
    app: Flask, make_user: MakeUser
) -> None:
    lead = make_user(Role.LEAD_GUARDIAN, totp_confirmed_at=utcnow())
    slips = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    admin = make_user(Role.ADMIN, totp_confirmed_at=utcnow())
    make_user(
        Role.GUARDIAN,
        totp_confirmed_at=utcnow(),
        failed_sign_ins=9,
        last_failed_sign_in_at=utcnow() - timedelta(days=31),
    )
    guess(app, slips, 4)
    guess(app, admin, 6)

    page = dashboard(app, lead)

    assert HEADING not in page


def test_only_the_lead_guardian_is_told_of_colleagues(app: Flask, make_user: MakeUser) -> None:
    colleague = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    guardian = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    guess(app, colleague, 6)

    assert HEADING not in dashboard(app, guardian)


def test_the_owner_with_the_right_password_and_code_is_told_at_sign_in(
    client: FlaskClient, make_user: MakeUser
) -> None:
    guardian = make_user(
        Role.GUARDIAN,
        totp_confirmed_at=utcnow(),
        failed_sign_ins=6,
        last_failed_sign_in_at=utcnow() - LONGEST_WAIT,
    )
    submit_form(client, "/login", {"email": guardian.email, "password": TEST_PASSWORD})

    done = submit_form(client, "/login/two-factor", {"code": current_totp(guardian)})

    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "6 failed sign-in attempts on your account since you last signed in" in page
