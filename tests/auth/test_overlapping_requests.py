"""Requests that overlap: a write decides on the rows as they are now, not as its page read them.

Every page loads the session row and its account before the view runs; another request may
change that account before this one writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import (
    SLOW_AFTER_FAILURES,
    SignInAbandoned,
    SignInRefused,
    sign_in_with_code,
    sign_in_with_password,
)
from fts_app.auth.sessions import LiveSession, keep_in_cookie, open_session
from fts_app.timeutil import utcnow
from tests.auth.support import refreshed
from tests.conftest import TEST_PASSWORD, unused_totp

MakeUser = Callable[..., User]


def password_accepted(user: User) -> str:
    """Return the token of a new sign-in that still needs its code."""
    return sign_in_with_password(user.email, TEST_PASSWORD, replacing=None).token


@contextmanager
def page_that_has_loaded(app: Flask, token: str) -> Iterator[LiveSession]:
    """Be a request whose page has loaded the session and its account, as every page does.

    The page keeps what it loaded until it ends, as the sign-in views do.
    """
    with app.app_context(), app.test_request_context():
        keep_in_cookie(token)
        live = open_session()
        assert live is not None
        yield live


def wrong(code: str) -> str:
    """Return a code that is not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_used_by_an_overlapping_request_is_refused_as_already_used(
    app: Flask, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN, totp_confirmed_at=utcnow())
    first, second = password_accepted(guardian), password_accepted(guardian)
    code = unused_totp(guardian)

    with page_that_has_loaded(app, second) as page:
        with app.app_context():
            sign_in_with_code(first, code)
        with pytest.raises(SignInRefused, match="already been used"):
            sign_in_with_code(page.token, code)


def test_wrong_codes_from_overlapping_requests_all_count_towards_the_slowing(
    app: Flask, make_user: MakeUser
) -> None:
    guardian = make_user(
        Role.GUARDIAN, totp_confirmed_at=utcnow(), failed_sign_ins=SLOW_AFTER_FAILURES - 2
    )
    first, second = password_accepted(guardian), password_accepted(guardian)
    code = wrong(unused_totp(guardian))

    with page_that_has_loaded(app, second) as page:
        with app.app_context(), pytest.raises(SignInRefused, match="not correct"):
            sign_in_with_code(first, code)
        with pytest.raises(SignInAbandoned, match="Wait 30 seconds"):
            sign_in_with_code(page.token, code)

    assert refreshed(guardian).failed_sign_ins == SLOW_AFTER_FAILURES


def test_slowing_by_an_overlapping_wrong_code_ends_the_other_half_done_sign_in(
    app: Flask, make_user: MakeUser
) -> None:
    guardian = make_user(
        Role.GUARDIAN, totp_confirmed_at=utcnow(), failed_sign_ins=SLOW_AFTER_FAILURES - 1
    )
    first, second = password_accepted(guardian), password_accepted(guardian)
    code = unused_totp(guardian)

    with page_that_has_loaded(app, second) as page:
        with app.app_context(), pytest.raises(SignInAbandoned, match="Wait 30 seconds"):
            sign_in_with_code(first, wrong(code))
        with pytest.raises(SignInAbandoned, match="session has ended"):
            sign_in_with_code(page.token, code)
