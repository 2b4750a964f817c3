"""A portal visit from a browser where staff are signed in never meets the staff session.

Otherwise the sessions table, the audit trail or the sign-in record would tie the signed-in member
of staff to the "anonymous" concern sent from their browser (fts_app/cookies.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cookies import PORTAL_PATH
from tests.auth.support import COOKIE, backdate, sessions_of
from tests.conftest import sign_in
from tests.speakup.portal import FOLLOW_UP, NEW_CONCERN, enter_code, post_on_case_page, speak_up

PORTAL_COOKIE = "fts_portal"
PORTAL_PAGES = [PORTAL_PATH, NEW_CONCERN, FOLLOW_UP]
#: values that differ on every response whoever asks: form tokens, form ids and script nonces
PER_RESPONSE = re.compile(r'(value|nonce)="[^"]*"')


def staff_row(user: User) -> tuple[datetime, datetime | None, str | None]:
    """Return what a touch or an ending would change on the staff member's one session row."""
    (row,) = sessions_of(user)
    return row.last_seen_at, row.ended_at, row.ended_reason


def entries_after(sequence: int) -> list[AuditEvent]:
    """Return the audit entries written after entry `sequence`."""
    return list(db.session().scalars(select(AuditEvent).where(AuditEvent.sequence > sequence)))


def last_sequence() -> int:
    """Return the sequence number of the newest audit entry."""
    return max(db.session().scalars(select(AuditEvent.sequence)), default=0)


def signed_in_guardian(client: FlaskClient, make_user: Callable[..., User]) -> User:
    """Sign a guardian in on `client`, last seen long enough ago to be touched."""
    guardian = make_user(Role.GUARDIAN)
    sign_in(client, guardian)
    (row,) = sessions_of(guardian)
    backdate(row, last_seen_at=timedelta(minutes=5))
    return guardian


def test_sending_and_following_up_a_concern_changes_no_staff_session(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    guardian = signed_in_guardian(client, make_user)
    before, since = staff_row(guardian), last_sequence()
    for page in PORTAL_PAGES:
        assert client.get(page).status_code == 200
    shown = speak_up(client)
    assert enter_code(client, shown.reference, shown.code).status_code == 302
    post_on_case_page(client, "/speak-up/follow-up/reply", {"body": "Any news?"})
    assert staff_row(guardian) == before
    assert [entry.actor_id for entry in entries_after(since)] == [None] * len(entries_after(since))
    assert client.get("/cases").status_code == 200, "the staff session itself still works"


def test_an_ended_staff_session_is_not_ended_again_or_recorded_by_the_portal(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    guardian = signed_in_guardian(client, make_user)
    (row,) = sessions_of(guardian)
    backdate(row, last_seen_at=timedelta(days=2))
    before, since = staff_row(guardian), last_sequence()
    shown = speak_up(client)
    assert shown.reference, "the portal form's token survives the expired staff session"
    assert staff_row(guardian) == before
    actions = [entry.action for entry in entries_after(since)]
    assert "auth.session_ended" not in actions and "case.opened" in actions


def test_portal_pages_look_the_same_with_or_without_a_staff_cookie(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    signed_in_guardian(client, make_user)
    stranger = app.test_client()
    for page in PORTAL_PAGES:
        seen_by_staff = PER_RESPONSE.sub("", client.get(page).get_data(as_text=True))
        seen_by_anyone = PER_RESPONSE.sub("", stranger.get(page).get_data(as_text=True))
        assert seen_by_staff == seen_by_anyone, page
        assert "Sign out" not in seen_by_staff


def test_the_portal_keeps_its_own_cookie_for_its_own_path(client: FlaskClient) -> None:
    response = client.get(NEW_CONCERN)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(
        cookie.startswith(f"{PORTAL_COOKIE}=") and "Path=/speak-up" in cookie for cookie in cookies
    ), cookies
    assert not any(cookie.startswith(f"{COOKIE}=") for cookie in cookies)


def test_a_staff_cookie_copied_into_the_portal_cookie_is_refused(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    signed_in_guardian(client, make_user)
    staff_cookie = client.get_cookie(COOKIE)
    assert staff_cookie is not None
    client.set_cookie(PORTAL_COOKIE, staff_cookie.value, path=PORTAL_PATH)
    with client.session_transaction(FOLLOW_UP) as portal:
        assert dict(portal) == {}, "a value signed for staff pages means nothing to the portal"
