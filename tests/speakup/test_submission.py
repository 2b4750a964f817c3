"""Sending a concern: it lands in the guardians' queue and the person gets a reference and code."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from fts_app import db
from fts_app.admin.models import Directorate
from fts_app.audit.models import AuditEvent
from fts_app.auth.passwords import secret_matches
from fts_app.cases.access_codes import normalise_access_code
from fts_app.cases.models import CaseEvent
from fts_app.timeutil import today_in_london
from tests.conftest import csrf_token_from
from tests.speakup.portal import (
    FORM_ID,
    NEW_CONCERN,
    answers,
    only_case,
    receipt_from,
    send_concern,
    speak_up,
    stored_rows,
)


def test_the_form_page_asks_every_question(client: FlaskClient) -> None:
    html = client.get(NEW_CONCERN).get_data(as_text=True)
    for name in [
        "narrative",
        "location",
        "when_day",
        "when_month",
        "when_year",
        "harm",
        "raised_before",
        "raised_with",
        "outcome_hoped",
        "elements",
        "worker_group",
        "confidentiality",
        "contact_name",
        "contact_details",
        "ethnicity",
        "disability",
        "sex",
        "sexual_orientation",
        "religion",
        "age_band",
    ]:
        assert f'name="{name}"' in html, name
    assert "Equality questions (optional)" in html
    assert 'method="post"' in html


def test_the_form_explains_what_anonymity_costs_without_leaving_the_page(
    client: FlaskClient,
) -> None:
    html = client.get(NEW_CONCERN).get_data(as_text=True)
    costs = html[html.index("What staying anonymous means for you") :]
    assert "<details" in html
    assert "nobody can give you a new one" in costs


def test_a_concern_lands_in_the_guardians_queue_from_the_online_portal(
    client: FlaskClient,
) -> None:
    shown = speak_up(client, elements=["bullying", "worker-safety"], worker_group="students")
    case = only_case()
    assert case.reference == shown.reference
    assert case.route == "online-portal"
    assert case.status == "new"
    assert case.access_rows == []
    assert case.unread_for_guardian
    assert case.received_on == today_in_london()
    assert [element.value for element in case.elements] == ["worker-safety", "bullying"]
    assert case.worker_group == "students"
    assert case.narrative == answers()["narrative"]
    assert case.raised_anonymously
    kinds = db.session().scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id))
    assert list(kinds) == ["received"]


def test_the_person_is_shown_a_twenty_digit_code_that_only_its_hash_is_kept_of(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    assert re.fullmatch(r"FTSU-\d{4}-\d{4}", shown.reference)
    assert re.fullmatch(r"\d{4}( \d{4}){4}", shown.code)
    stored = only_case().access_code_hash
    assert stored.startswith("$argon2id$")
    assert normalise_access_code(shown.code) not in stored
    assert secret_matches(stored, normalise_access_code(shown.code))


def test_the_confirmation_says_to_write_it_down_and_when_to_expect_a_reply(
    client: FlaskClient,
) -> None:
    response = send_concern(client, answers())
    html = response.get_data(as_text=True)
    due = only_case().acknowledge_due_on
    assert due is not None
    assert f"{due:%A} {due.day} {due:%B %Y}" in html
    assert "Write these down now" in html
    assert "shown only once" in html or "only this once" in html


def test_submission_is_audited_without_any_text(client: FlaskClient) -> None:
    speak_up(client, narrative="A narrative that must not reach the audit trail")
    case = only_case()
    entry = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "portal.submitted"))
    assert entry is not None and entry.case_id == case.id and entry.actor_id is None
    everything = " ".join(event.detail for event in db.session().scalars(select(AuditEvent)).all())
    assert "narrative" not in everything and case.reference not in everything


def test_every_answer_is_kept_for_the_guardian(client: FlaskClient) -> None:
    with db.write_transaction() as session:
        directorate = Directorate(name="Surgery")
        session.add(directorate)
    speak_up(
        client,
        confidentiality="confidential",
        contact_name="Sam Example",
        contact_details="sam@example.org",
        directorate=str(directorate.id),
        location="Ward 7",
        when_day="3",
        when_month="9",
        when_year="2026",
        when_description="most night shifts",
        harm="could-be-harmed",
        harm_details="A patient fell last week",
        raised_before="yes",
        raised_with=["line-manager", "hr"],
        raised_before_details="Nothing changed",
        outcome_hoped="Safe staffing",
    )
    case = only_case()
    assert case.confidentiality == "confidential"
    assert case.directorate_id == directorate.id
    assert (case.contact_name, case.contact_details) == ("Sam Example", "sam@example.org")
    assert case.location == "Ward 7"
    assert case.when_happened == "3 September 2026\n\nmost night shifts"
    assert case.harm == "Someone could be harmed\n\nA patient fell last week"
    assert case.raised_before == (
        "Yes\n\nWith: My line manager or another manager; HR\n\nNothing changed"
    )
    assert case.outcome_hoped == "Safe staffing"


def test_a_month_and_year_without_a_day_is_kept_as_the_month(client: FlaskClient) -> None:
    speak_up(client, when_month="2", when_year="2025")
    assert only_case().when_happened == "February 2025"


def test_sending_the_same_form_twice_opens_one_case(client: FlaskClient) -> None:
    page = client.get(NEW_CONCERN).get_data(as_text=True)
    form_id = FORM_ID.search(page)
    assert form_id
    data = {"csrf_token": csrf_token_from(page), "form_id": form_id.group(1), **answers()}
    first = client.post(NEW_CONCERN, data=data)
    again = client.post(NEW_CONCERN, data=data)
    assert receipt_from(first).reference
    assert "already been sent" in again.get_data(as_text=True)
    assert stored_rows()["cases"] == 1


TOO_LONG = "x" * 10_001
FUTURE = today_in_london() + timedelta(days=2)

BAD_ANSWERS: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty narrative", {"narrative": ""}, "narrative", "Tell us what happened"),
    ("blank narrative", {"narrative": "   \r\n "}, "narrative", "Tell us what happened"),
    ("over-long narrative", {"narrative": TOO_LONG}, "narrative", "10,000 characters or fewer"),
    ("over-long place", {"location": "y" * 201}, "location", "200 characters or fewer"),
    (
        "over-long outcome",
        {"outcome_hoped": TOO_LONG},
        "outcome_hoped",
        "10,000 characters or fewer",
    ),
    ("NUL byte", {"narrative": "before\x00after"}, "narrative", "hidden character (NUL)"),
    ("NUL in a name", {"location": "\x00"}, "location", "hidden character (NUL)"),
    ("no level", {"confidentiality": ""}, "confidentiality", "Choose how you want to raise"),
    ("unknown level", {"confidentiality": "secret"}, "confidentiality", "Choose one of"),
    ("unknown element", {"elements": ["fraud"]}, "elements", "Choose only from"),
    ("unknown worker group", {"worker_group": "pilots"}, "worker_group", "Choose one of"),
    ("unknown harm answer", {"harm": "maybe"}, "harm", "Choose one of"),
    ("unknown ethnicity", {"ethnicity": "martian"}, "ethnicity", "Choose one of"),
    ("unknown age band", {"age_band": "0-15"}, "age_band", "Choose one of"),
    ("unknown directorate", {"directorate": "999"}, "directorate", "from the list"),
    (
        "impossible date",
        {"when_day": "30", "when_month": "2", "when_year": "2026"},
        "when_day",
        "Enter a real date",
    ),
    (
        "month 13",
        {"when_day": "1", "when_month": "13", "when_year": "2026"},
        "when_day",
        "Enter a real date",
    ),
    (
        "letters for a date",
        {"when_day": "one", "when_month": "may", "when_year": "2026"},
        "when_day",
        "Enter a real date",
    ),
    (
        "future date",
        {
            "when_day": str(FUTURE.day),
            "when_month": str(FUTURE.month),
            "when_year": str(FUTURE.year),
        },
        "when_day",
        "today or in the past",
    ),
    ("a day alone", {"when_day": "4"}, "when_day", "month and year"),
    (
        "anonymous with a name",
        {"contact_name": "Sam Example"},
        "contact_name",
        "You chose to stay anonymous",
    ),
    (
        "anonymous with contact details",
        {"contact_details": "sam@example.org"},
        "contact_name",
        "You chose to stay anonymous",
    ),
    (
        "confidential without a name",
        {"confidentiality": "confidential"},
        "contact_name",
        "Enter your name",
    ),
    ("open without a name", {"confidentiality": "open"}, "contact_name", "Enter your name"),
]


@pytest.mark.parametrize(
    "changes, field, message",
    [case[1:] for case in BAD_ANSWERS],
    ids=[case[0] for case in BAD_ANSWERS],
)
def test_bad_answers_are_named_at_the_field_and_nothing_is_stored(
    client: FlaskClient, changes: dict[str, Any], field: str, message: str
) -> None:
    with db.write_transaction() as session:
        session.add(Directorate(name="Surgery"))
    before = stored_rows()
    response = send_concern(client, answers(**changes, sex="female"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in html
    summary = html[html.index("nhsuk-error-summary") :]
    assert f'href="#{field}"' in summary
    assert message in summary
    assert f'id="{field}-error"' in html or field == "when_day"
    assert stored_rows() == before


def test_a_rejected_form_keeps_what_the_person_wrote(client: FlaskClient) -> None:
    narrative = "Keep this <b>exactly</b> as I wrote it"
    html = send_concern(client, answers(narrative=narrative, confidentiality="")).get_data(
        as_text=True
    )
    assert "Keep this &lt;b&gt;exactly&lt;/b&gt; as I wrote it" in html


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing token", "wrong token"])
def test_a_missing_or_wrong_form_token_is_explained_and_stores_nothing(
    client: FlaskClient, token: str | None
) -> None:
    page = client.get(NEW_CONCERN).get_data(as_text=True)
    form_id = FORM_ID.search(page)
    assert form_id
    data: dict[str, Any] = {"form_id": form_id.group(1), **answers()}
    if token is not None:
        data["csrf_token"] = token
    before = stored_rows()
    response = client.post(NEW_CONCERN, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "could not be sent safely" in html
    assert 'href="#narrative"' in html
    assert answers()["narrative"] in html
    assert stored_rows() == before


HOSTILE_TEXT = [
    "<script>alert('x')</script>",
    "</textarea><img src=x onerror=alert(1)>",
    '"><svg/onload=alert(1)>{{ 7*7 }}',
    "Emoji 😀🔥👩🏽‍⚕️ and a flag 🏴󠁧󠁢󠁥󠁮󠁧󠁿",
    "RTL: שלום עולם \u202eevil\u202c مرحبا",
    "\nLeading newline, trailing spaces   ",
    "Tabs\tand\r\nWindows line ends",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_any_text_is_stored_exactly(client: FlaskClient, text: str) -> None:
    speak_up(client, narrative=text, outcome_hoped=text, location=text[:200])
    case = only_case()
    assert case.narrative == text
    assert case.outcome_hoped == text
    assert case.location == text[:200]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_text_shown_back_on_a_rejected_form_is_text_not_markup(
    client: FlaskClient, text: str
) -> None:
    html = send_concern(client, answers(narrative=text, confidentiality="")).get_data(as_text=True)
    shown = re.search(r'<textarea[^>]*name="narrative"[^>]*>\n(.*?)</textarea>', html, re.S)
    assert shown is not None
    assert shown.group(1) == escape(text)
