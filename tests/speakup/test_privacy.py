"""The portal keeps nothing that identifies the sender and shows nothing to anyone passing by."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.speakup.portal import (
    FOLLOW_UP,
    NEW_CONCERN,
    answers,
    enter_code,
    post_on_case_page,
    send_concern,
    speak_up,
)
from tests.test_encryption_at_rest import raw_database_bytes

CLIENT_ADDRESS = "203.0.113.77"
FORWARDED_ADDRESS = "198.51.100.23"
USER_AGENT = "CanaryBrowser/9.9 (ward-pc-17)"
PORTAL_PAGES = ["/speak-up", NEW_CONCERN, FOLLOW_UP]
EXTERNAL_LOAD = re.compile(r'<(?:script|link|img|iframe)\b[^>]*(?:src|href)="(?:https?:)?//', re.I)


@pytest.fixture
def traced_client(client: FlaskClient) -> FlaskClient:
    """A client that sends an address, a forwarded address and a browser we can look for."""
    client.environ_base.update(
        {
            "REMOTE_ADDR": CLIENT_ADDRESS,
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_X_FORWARDED_FOR": FORWARDED_ADDRESS,
        }
    )
    return client


def speak_up_and_follow_up(client: FlaskClient) -> None:
    """Send a concern with every kind of text, open it and reply, as the person would."""
    shown = speak_up(
        client,
        narrative="CANARY-NARRATIVE-5e1d",
        confidentiality="confidential",
        contact_name="CANARY-NAME-5e1d",
        contact_details="canary-5e1d@example.org",
        location="CANARY-PLACE-5e1d",
        when_description="CANARY-WHEN-5e1d",
        harm_details="CANARY-HARM-5e1d",
        raised_before_details="CANARY-BEFORE-5e1d",
        outcome_hoped="CANARY-OUTCOME-5e1d",
    )
    assert enter_code(client, shown.reference, shown.code).status_code == 302
    post_on_case_page(client, "/speak-up/follow-up/reply", {"body": "CANARY-REPLY-5e1d"})


def test_no_text_the_person_wrote_is_in_the_raw_database(
    app: Flask, traced_client: FlaskClient
) -> None:
    speak_up_and_follow_up(traced_client)
    stored = raw_database_bytes(app)
    assert b"FTSU-" in stored, "the scan must see the database's plain columns"
    # not the bare "5e1d": PostgreSQL's dump writes ciphertext as hex, where it turns up by chance
    for canary in [b"CANARY-", b"canary-5e1d"]:
        assert canary not in stored
        assert canary.decode().encode("utf-16-le") not in stored


def test_no_client_address_or_browser_is_in_the_database(
    app: Flask, traced_client: FlaskClient
) -> None:
    speak_up_and_follow_up(traced_client)
    stored = raw_database_bytes(app)
    for trace in [CLIENT_ADDRESS, FORWARDED_ADDRESS, USER_AGENT, "CanaryBrowser", "ward-pc-17"]:
        assert trace.encode() not in stored


def test_nothing_identifying_or_written_reaches_the_log(
    traced_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    speak_up_and_follow_up(traced_client)
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records
    )
    for trace in [CLIENT_ADDRESS, FORWARDED_ADDRESS, "127.0.0.1", "CanaryBrowser", "CANARY"]:
        assert trace not in logged
    assert not re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}|\d{20}", logged)


def test_every_portal_page_is_never_cached(client: FlaskClient) -> None:
    for path in PORTAL_PAGES:
        assert client.get(path).headers["Cache-Control"] == "no-store"
    shown = speak_up(client)
    response = enter_code(client, shown.reference, shown.code)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get(FOLLOW_UP).headers["Cache-Control"] == "no-store"


def test_the_confirmation_with_the_code_is_never_cached(client: FlaskClient) -> None:
    response = send_concern(client, answers())
    assert 'id="access-code"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_nothing_is_loaded_from_another_site(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert not EXTERNAL_LOAD.search(response.get_data(as_text=True))
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_every_portal_page_has_a_quick_way_out_that_needs_no_script(
    client: FlaskClient, path: str
) -> None:
    html = client.get(path).get_data(as_text=True)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Leave this page quickly</a>', html)
    assert link is not None
    assert link.group(1) == "/"


def test_the_quick_way_out_is_on_the_case_page_too(client: FlaskClient) -> None:
    shown = speak_up(client)
    enter_code(client, shown.reference, shown.code)
    assert "Leave this page quickly" in client.get(FOLLOW_UP).get_data(as_text=True)


def test_a_trust_can_send_the_quick_way_out_to_its_own_page(
    app: Flask, client: FlaskClient
) -> None:
    app.config["SPEAKUP_LEAVE_URL"] = "/accessibility"
    assert 'href="/accessibility" rel="noreferrer">Leave this page quickly' in client.get(
        "/speak-up"
    ).get_data(as_text=True)


def test_no_text_is_ever_put_in_a_url(client: FlaskClient) -> None:
    for path in [NEW_CONCERN, FOLLOW_UP]:
        html = client.get(path).get_data(as_text=True)
        forms = re.findall(r"<form [^>]*>", html)
        assert forms and all('method="post"' in form for form in forms)
        assert all("?" not in action for action in re.findall(r'action="([^"]*)"', html))
    shown = speak_up(client)
    response = enter_code(client, shown.reference, shown.code)
    assert response.headers["Location"] == FOLLOW_UP
    reply = post_on_case_page(client, "/speak-up/follow-up/reply", {"body": "hello"})
    assert reply.headers["Location"] == FOLLOW_UP


def test_the_case_page_forms_post_without_any_query(client: FlaskClient) -> None:
    shown = speak_up(client)
    enter_code(client, shown.reference, shown.code)
    html = client.get(FOLLOW_UP).get_data(as_text=True)
    forms = re.findall(r"<form [^>]*>", html)
    assert len(forms) >= 2
    assert all('method="post"' in form and "?" not in form for form in forms)
