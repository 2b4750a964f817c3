"""The start page, the health check and the headers every response carries."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import submit_form


def test_start_page_offers_speaking_up_following_up_and_sign_in(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/speak-up"' in html
    assert 'href="/speak-up/follow-up"' in html
    assert 'href="/login"' in html


def test_health_check_reports_the_database_answering(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_pages_carry_security_headers_and_are_never_cached(client: FlaskClient) -> None:
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_plain_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_null_character_in_a_staff_form_is_refused_with_a_clear_message(
    client: FlaskClient,
) -> None:
    response = submit_form(client, "/login", {"email": "a\x00@b.nhs.uk", "password": "x"})
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)
