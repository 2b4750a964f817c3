"""Repeated failures at an address with no account get the same answers as at a real account.

Otherwise the "wait and try again" message, shown only for real accounts, would tell anyone
which addresses have accounts (auth.services._unknown_address_refusal).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import UnknownAddressFailures, User
from fts_app.auth.services import UNKNOWN_ADDRESSES_KEPT
from fts_app.timeutil import utcnow
from tests.conftest import submit_form

UNKNOWN = "nobody-here@trust.nhs.example"


def answers_to_six_wrong_passwords(client: FlaskClient, email: str) -> list[tuple[int, str]]:
    """Return the status and the message of six wrong passwords in a row for `email`."""
    seen = []
    for _ in range(6):
        response = submit_form(client, "/login", {"email": email, "password": "a guess"})
        html = response.get_data(as_text=True)
        message = "wait" if "Wait 30 seconds and try again" in html else "wrong"
        seen.append((response.status_code, message))
    return seen


def test_an_unknown_address_is_slowed_exactly_like_a_real_account(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    real = make_user(Role.GUARDIAN)
    for_real = answers_to_six_wrong_passwords(client, real.email)
    for_nobody = answers_to_six_wrong_passwords(app.test_client(), UNKNOWN)
    assert for_real == for_nobody
    assert for_nobody[-1] == (429, "wait")


def test_an_unknown_address_is_kept_only_as_a_keyed_hash(client: FlaskClient) -> None:
    answers_to_six_wrong_passwords(client, UNKNOWN)
    (row,) = db.session().scalars(select(UnknownAddressFailures))
    assert UNKNOWN not in row.address_key and len(row.address_key) == 64
    assert row.failed_sign_ins == 5, "attempts refused unchecked are not counted"


def test_failures_at_unknown_addresses_are_forgotten_after_thirty_days(
    client: FlaskClient,
) -> None:
    answers_to_six_wrong_passwords(client, UNKNOWN)
    long_ago = utcnow() - UNKNOWN_ADDRESSES_KEPT - timedelta(minutes=1)
    with db.write_transaction() as session:
        session.execute(update(UnknownAddressFailures).values(last_failed_sign_in_at=long_ago))
    submit_form(client, "/login", {"email": "someone-else@trust.nhs.example", "password": "x"})
    keys = db.session().scalars(select(UnknownAddressFailures.failed_sign_ins)).all()
    assert keys == [1], "only the new address is remembered"
