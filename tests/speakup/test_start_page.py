"""/speak-up: what can be raised, the ways to raise it, and honest words on anonymity."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.fixture
def start_page(client: FlaskClient) -> str:
    """The start page's HTML."""
    response = client.get("/speak-up")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "route",
    ["line manager", "HR", "patient safety team", "Freedom to Speak Up Guardian", "(CQC)"],
)
def test_the_start_page_names_each_way_to_speak_up(start_page: str, route: str) -> None:
    assert route in start_page


@pytest.mark.parametrize("level", ["Openly", "Confidentially", "Anonymously"])
def test_the_start_page_explains_each_level_of_privacy(start_page: str, level: str) -> None:
    assert f"<h3>{level}</h3>" in start_page


@pytest.mark.parametrize(
    "cost",
    [
        "can only reach you through this website",
        "cannot ask you questions face to face",
        "nobody can give you a new one",
        "harder to protect you from being treated badly",
        "may still guess who you are",
    ],
)
def test_the_start_page_is_honest_about_what_anonymity_costs(start_page: str, cost: str) -> None:
    assert cost in start_page


def test_the_start_page_says_when_to_expect_a_reply_from_the_settings(start_page: str) -> None:
    assert "within 2 working days" in start_page


def test_the_start_page_leads_to_the_form_and_to_follow_up(start_page: str) -> None:
    assert 'href="/speak-up/new"' in start_page
    assert 'href="/speak-up/follow-up"' in start_page


def test_the_start_page_warns_that_the_network_may_still_record_visits(start_page: str) -> None:
    assert "may still keep a record of the websites you visit" in start_page
