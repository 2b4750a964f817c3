"""Signing out of a case ends the portal session on the server: a copied cookie opens nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from fts_app import db
from fts_app.speakup.models import EndedPortalSession
from fts_app.timeutil import today_in_london
from tests.speakup.portal import FOLLOW_UP, Shown, count, enter_code, speak_up

SIGN_OUT = "/speak-up/follow-up/sign-out"
PORTAL_COOKIE = "fts_portal"
SIGN_OUT_TOKEN = re.compile(r'name="sign-out-csrf_token" type="hidden" value="([^"]+)"')


def open_case(client: FlaskClient, shown: Shown) -> str:
    """Enter the reference and code and return the case page."""
    assert enter_code(client, shown.reference, shown.code).status_code == 302
    return client.get(FOLLOW_UP).get_data(as_text=True)


def copy_of_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return another browser holding a copy of `client`'s portal cookie."""
    cookie = client.get_cookie(PORTAL_COOKIE, path="/speak-up")
    assert cookie is not None, "the browser holds no portal cookie"
    other = app.test_client()
    other.set_cookie(PORTAL_COOKIE, cookie.value, path="/speak-up")
    return other


def sign_out_from(client: FlaskClient, case_page: str) -> None:
    """Press "Sign out of this case", as the person would."""
    token = SIGN_OUT_TOKEN.search(case_page)
    assert token, "the sign-out form carries no token"
    response = client.post(SIGN_OUT, data={"sign-out-csrf_token": token.group(1)})
    assert response.status_code == 302


def shows_case(client: FlaskClient, shown: Shown) -> bool:
    return shown.reference in client.get(FOLLOW_UP).get_data(as_text=True)


def test_a_copied_cookie_opens_the_case_until_the_person_signs_out(
    app: Flask, client: FlaskClient
) -> None:
    shown = speak_up(client)
    page = open_case(client, shown)
    copy = copy_of_cookie(app, client)
    assert shows_case(copy, shown)
    sign_out_from(client, page)
    assert not shows_case(client, shown)
    assert not shows_case(copy, shown)


def test_a_sign_out_from_another_site_writes_nothing_but_still_leaves_this_browser(
    app: Flask, client: FlaskClient
) -> None:
    shown = speak_up(client)
    open_case(client, shown)
    copy = copy_of_cookie(app, client)
    assert client.post(SIGN_OUT).status_code == 302
    assert not shows_case(client, shown)
    assert count(EndedPortalSession) == 0
    assert shows_case(copy, shown), "no token, so the server ended nothing"


def test_an_ended_session_is_kept_as_a_token_hash_and_a_day_only(
    app: Flask, client: FlaskClient
) -> None:
    shown = speak_up(client)
    sign_out_from(client, open_case(client, shown))
    columns = {
        column["name"] for column in inspect(db.engine()).get_columns("ended_portal_sessions")
    }
    assert columns == {"token_hash", "keep_until"}
    (row,) = db.session().scalars(select(EndedPortalSession))
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)
    assert row.keep_until == today_in_london() + timedelta(days=1)


def test_records_no_cookie_could_use_are_deleted_at_the_next_sign_out(
    app: Flask, client: FlaskClient
) -> None:
    with db.write_transaction() as session:
        session.add(
            EndedPortalSession(
                token_hash="0" * 64, keep_until=today_in_london() - timedelta(days=1)
            )
        )
    shown = speak_up(client)
    sign_out_from(client, open_case(client, shown))
    assert [row.token_hash for row in db.session().scalars(select(EndedPortalSession))] != [
        "0" * 64
    ]
    assert db.session().get(EndedPortalSession, "0" * 64) is None
