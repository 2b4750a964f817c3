"""Browsers the owner has signed in with: the account's wait and others' limits skip them.

Slowing an account (`wait_after` in auth.services) leaves a guesser one attempt per wait, but
an owner in a fresh browser must then win the next free attempt against them. A browser in which
the account finished a sign-in (password and any code) in the last 90 days holds a cookie that
says so: at the password step it is not made to wait, and its attempts are limited per browser
rather than per address typed, so nobody else's attempts use up its budget. The cookie is an
HMAC over the account, its password hash and the day it was given: it names nobody, and a new
or reset password makes every earlier one worthless.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from flask import current_app
from werkzeug.wrappers import Response

from fts_app.auth.models import User
from fts_app.timeutil import today_in_london

#: how long a browser stays known after its last full sign-in
KNOWN_FOR = timedelta(days=90)


def cookie_name() -> str:
    """Return the cookie's name: `__Host-` prefixed wherever the session cookie is."""
    return "__Host-fts_known" if current_app.config["SESSION_COOKIE_SECURE"] else "fts_known"


def _mac(user: User, given_on: date) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"known-device|{user.id}|{user.password_hash}|{given_on.isoformat()}"
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def remember(response: Response, user: User) -> None:
    """Mark this browser as one the account has finished a sign-in with."""
    given_on = today_in_london()
    response.set_cookie(
        cookie_name(),
        f"{given_on.isoformat()}.{_mac(user, given_on)}",
        max_age=int(KNOWN_FOR.total_seconds()),
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def is_known(user: User, cookie: str | None) -> bool:
    """Tell whether `cookie` was given to this browser by a recent full sign-in of `user`."""
    given, _, mac = (cookie or "").partition(".")
    try:
        given_on = date.fromisoformat(given)
    except ValueError:
        return False
    if not timedelta(0) <= today_in_london() - given_on <= KNOWN_FOR:
        return False
    return hmac.compare_digest(mac, _mac(user, given_on))
