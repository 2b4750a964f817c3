"""Following up: a reference and code open the person's own case, and nothing else does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select, update

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.passwords import access_code_needs_rehash, secret_matches
from fts_app.cases import access_codes
from fts_app.cases.access_codes import normalise_access_code
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.speakup import services, throttle, views
from fts_app.speakup.models import FollowUpThrottle
from fts_app.speakup.services import next_reply_due
from fts_app.timeutil import naive_utc, today_in_london, utcnow
from tests.conftest import csrf_token_from
from tests.speakup.portal import (
    CHECK_IN,
    FOLLOW_UP,
    SPEAK_UP_AGAIN,
    Shown,
    audit_actions,
    case_page_fields,
    enter_code,
    only_case,
    post_on_case_page,
    speak_up,
)

REPLY = "/speak-up/follow-up/reply"
SIGN_OUT = "/speak-up/follow-up/sign-out"
WRONG_CODE = "1111 2222 3333 4444 5555"
VOLATILE = re.compile(r'(value|nonce)="[^"]*"')


def wrong_code_for(shown: Shown) -> str:
    """Return a well-formed code that is not the person's."""
    return WRONG_CODE if shown.code != WRONG_CODE else "9999 2222 3333 4444 5555"


def allow_next_attempt_now() -> None:
    """Move every throttle wait into the past, as if the person waited; no sleeping."""
    with db.write_transaction() as session:
        session.execute(
            update(FollowUpThrottle).values(next_allowed_at=utcnow() - timedelta(seconds=1))
        )


def guardian_writes(case_id: str, body: str) -> None:
    """Stand in for the guardian's page: a message to the person, as casework stores it."""
    with db.write_transaction() as session:
        message = CaseMessage(case_id=case_id, direction="to-person")
        session.add(message)
        message.body = body


def guardian_closes(case_id: str, check_in_due: date | None = None) -> None:
    """Stand in for the guardian's closing of the case, with its detriment check-in date."""
    with db.write_transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.status = "closed"
        case.closed_on = today_in_london()
        case.detriment_check_in_due_on = check_in_due or today_in_london() + timedelta(days=90)


def opened(client: FlaskClient, shown: Shown) -> str:
    """Enter the reference and code and return the case page."""
    response = enter_code(client, shown.reference, shown.code)
    assert response.status_code == 302
    assert response.headers["Location"] == FOLLOW_UP
    return client.get(FOLLOW_UP).get_data(as_text=True)


def test_the_right_code_opens_the_case_with_its_status_and_next_reply_date(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    page = opened(client, shown)
    due = only_case().acknowledge_due_on
    assert due is not None
    assert shown.reference in page
    assert "We have received your concern" in page
    assert f"by <strong>{due:%A} {due.day} {due:%B %Y}</strong>" in page
    assert "Sign out of this case" in page
    assert "portal.follow_up_opened" in audit_actions()


@pytest.mark.parametrize(
    "typed",
    [
        lambda shown: (shown.reference.lower(), shown.code.replace(" ", "")),
        lambda shown: (f"  {shown.reference} ", shown.code.replace(" ", "-")),
    ],
    ids=["lower case, no spaces", "padded, with dashes"],
)
def test_references_and_codes_are_accepted_however_they_are_typed(
    client: FlaskClient, typed: Any
) -> None:
    shown = speak_up(client)
    reference, code = typed(shown)
    assert enter_code(client, reference, code).status_code == 302


def answer_page(response: Any) -> str:
    """Return a page with its per-request tokens and nonces blanked, for comparing answers."""
    return VOLATILE.sub(r'\1=""', response.get_data(as_text=True))


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    wrong_code = enter_code(client, shown.reference, wrong_code_for(shown))
    unknown_reference = enter_code(client, "FTSU-2026-9999", wrong_code_for(shown))
    assert wrong_code.status_code == unknown_reference.status_code == 400
    assert "reference or access code is not right" in wrong_code.get_data(as_text=True)
    assert answer_page(wrong_code) == answer_page(unknown_reference)


@pytest.mark.parametrize("code", [WRONG_CODE, "1234 5678 9012"], ids=["wrong", "too short"])
def test_a_failed_try_keeps_the_reference_but_never_writes_the_code_back(
    client: FlaskClient, code: str
) -> None:
    shown = speak_up(client)
    html = enter_code(client, shown.reference, code).get_data(as_text=True)
    assert f'value="{shown.reference}"' in html
    assert code not in html and code.replace(" ", "") not in html
    assert re.search(r'<input[^>]*name="access_code"[^>]*value=""', html)


def test_an_unknown_reference_still_checks_a_code_against_a_hash(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_check = services.secret_matches

    def counting(stored: str, secret: str) -> bool:
        checked.append(stored)
        return real_check(stored, secret)

    monkeypatch.setattr(services, "secret_matches", counting)
    enter_code(client, "FTSU-2026-9999", WRONG_CODE)
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_a_case_given_no_code_cannot_be_opened_by_any_code(
    client: FlaskClient, make_case: Any
) -> None:
    case = make_case()
    assert case.access_code_hash is None
    response = enter_code(client, case.reference, WRONG_CODE)
    assert "reference or access code is not right" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "reference, code, message",
    [
        ("", WRONG_CODE, "Enter your case reference"),
        ("case 42", WRONG_CODE, "like FTSU-2026-0042"),
        ("FTSU-2026-0001", "", "Enter your access code"),
        ("FTSU-2026-0001", "1234 5678", "Enter all 20 digits"),
        ("FTSU-2026-0001\x00", WRONG_CODE, "hidden character (NUL)"),
    ],
)
def test_a_badly_typed_reference_or_code_is_named_at_its_field(
    client: FlaskClient, reference: str, code: str, message: str
) -> None:
    response = enter_code(client, reference, code)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "nhsuk-error-summary" in response.get_data(as_text=True)


def test_fifty_wrong_codes_never_get_in_and_the_right_code_still_works(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    for _ in range(50):
        allow_next_attempt_now()
        response = enter_code(client, shown.reference, wrong_code_for(shown))
        assert response.status_code == 400
        assert client.get(FOLLOW_UP).get_data(as_text=True).count("Open my case") == 1
    allow_next_attempt_now()
    assert opened(client, shown).count(shown.reference) >= 1
    failures = audit_actions().count("portal.follow_up_failed")
    assert failures == 50


def test_wrong_codes_against_a_reference_never_keep_its_owner_out(client: FlaskClient) -> None:
    shown = speak_up(client)
    for _ in range(throttle.BURST - 1):
        assert enter_code(client, shown.reference, wrong_code_for(shown)).status_code == 400
    assert enter_code(client, shown.reference, shown.code).status_code == 302


@dataclass
class Clock:
    """The throttle's idea of now, moved on by the test instead of by sleeping."""

    now: datetime

    def advance(self, by: timedelta) -> None:
        """Move time on."""
        self.now += by


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Stop the throttle's clock at the present moment."""
    stopped = Clock(utcnow())
    monkeypatch.setattr(throttle, "utcnow", lambda: stopped.now)
    return stopped


def outcome(reference: str, code: str) -> str:
    """Try a reference and code as the portal does and say how it went."""
    try:
        services.open_follow_up(reference, code)
    except services.TooManyAttempts:
        return "refused"
    except services.WrongReferenceOrCode:
        return "wrong"
    return "opened"


def guess_as_soon_as_allowed(clock: Clock, reference: str, code: str) -> None:
    """Guess a wrong code; when told to wait, wait exactly that long and guess again."""
    while True:
        try:
            services.open_follow_up(reference, code)
        except services.TooManyAttempts as refusal:
            clock.now = max(clock.now, naive_utc(refusal.retry_at).replace(tzinfo=UTC))
        except services.WrongReferenceOrCode:
            return
        else:
            raise AssertionError("a wrong code opened a case")


@pytest.mark.parametrize("target", ["everyone", "one person"])
def test_a_flood_then_a_guess_each_minute_never_keeps_the_person_out(
    client: FlaskClient, clock: Clock, target: str
) -> None:
    shown = speak_up(client)
    wrong = wrong_code_for(shown)
    references = [
        shown.reference if target == "one person" else f"FTSU-2025-{number:04d}"
        for number in range(210)
    ]
    for reference in references:
        guess_as_soon_as_allowed(clock, reference, wrong)
    tries = []
    for _ in range(20):
        clock.advance(timedelta(seconds=30))
        tries.append(outcome(shown.reference, shown.code))
        clock.advance(timedelta(seconds=30))
        outcome(references[-1], wrong)
    assert tries == ["opened"] * 20


def test_a_flood_is_refused_before_hashing_and_told_to_try_again_in_a_moment(
    client: FlaskClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = speak_up(client)
    checked: list[str] = []
    real_check = services.secret_matches

    def counting(stored: str, secret: str) -> bool:
        checked.append(stored)
        return real_check(stored, secret)

    monkeypatch.setattr(services, "secret_matches", counting)
    for number in range(throttle.BURST + 10):
        enter_code(client, f"FTSU-2025-{number:04d}", WRONG_CODE)
    response = enter_code(client, shown.reference, shown.code)
    assert len(checked) == throttle.BURST
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert views.BUSY in response.get_data(as_text=True)
    clock.advance(throttle.INTERVAL)
    assert enter_code(client, shown.reference, shown.code).status_code == 302


def test_the_throttle_keeps_nothing_about_which_references_were_tried(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    enter_code(client, shown.reference, wrong_code_for(shown))
    enter_code(client, "FTSU-2026-9999", WRONG_CODE)
    # the two portal-wide budgets, checks and submissions, and nothing per reference
    keys = set(db.session().scalars(select(FollowUpThrottle.key)))
    assert keys == {throttle.OVERALL_KEY, throttle.SUBMISSIONS_KEY}


def hash_with_older_settings(code: str) -> str:
    """Hash a code as codes were before today's settings: heavier than the suite's hasher."""
    older = PasswordHasher(time_cost=2, memory_cost=16, parallelism=2)
    return older.hash(normalise_access_code(code))


def give_code_hash(case_id: str, code_hash: str) -> None:
    """Store a code's hash on a case, as issuing a code does."""
    with db.write_transaction() as session:
        session.execute(update(Case).where(Case.id == case_id).values(access_code_hash=code_hash))


def test_opening_a_case_rehashes_a_code_hashed_with_older_settings(client: FlaskClient) -> None:
    shown = speak_up(client)
    older_hash = hash_with_older_settings(shown.code)
    give_code_hash(only_case().id, older_hash)
    assert access_code_needs_rehash(older_hash)
    assert shown.reference in opened(client, shown)
    rehashed = only_case().access_code_hash
    assert rehashed is not None and rehashed != older_hash
    assert not access_code_needs_rehash(rehashed)
    assert secret_matches(rehashed, normalise_access_code(shown.code))
    assert audit_actions()[-1] == "portal.follow_up_opened"


def test_a_code_hashed_with_todays_settings_is_left_as_it_is(client: FlaskClient) -> None:
    shown = speak_up(client)
    before = only_case().access_code_hash
    opened(client, shown)
    assert only_case().access_code_hash == before


def test_a_wrong_code_leaves_an_older_hash_alone(client: FlaskClient) -> None:
    shown = speak_up(client)
    older_hash = hash_with_older_settings(shown.code)
    give_code_hash(only_case().id, older_hash)
    enter_code(client, shown.reference, wrong_code_for(shown))
    assert only_case().access_code_hash == older_hash


def test_a_code_given_while_the_old_one_is_rehashed_is_not_overwritten(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = speak_up(client)
    case_id = only_case().id
    give_code_hash(case_id, hash_with_older_settings(shown.code))
    _, guardians_hash = access_codes.new_hashed_access_code()
    real_hash = services.hash_access_code

    def guardian_gives_a_new_code_meanwhile(code: str) -> str:
        give_code_hash(case_id, guardians_hash)
        return real_hash(code)

    monkeypatch.setattr(services, "hash_access_code", guardian_gives_a_new_code_meanwhile)
    enter_code(client, shown.reference, shown.code)
    assert only_case().access_code_hash == guardians_hash


def test_the_audit_of_a_failed_attempt_holds_no_reference_or_code(client: FlaskClient) -> None:
    shown = speak_up(client)
    enter_code(client, shown.reference, wrong_code_for(shown))
    entry = db.session().scalar(
        select(AuditEvent).where(AuditEvent.action == "portal.follow_up_failed")
    )
    assert entry is not None
    assert entry.case_id == only_case().id
    assert shown.reference not in entry.detail
    assert "1111" not in entry.detail and shown.code[:4] not in entry.detail


def test_the_case_stays_open_for_fifteen_minutes_only(client: FlaskClient) -> None:
    shown = speak_up(client)
    opened(client, shown)
    with client.session_transaction(FOLLOW_UP) as session:
        until = session[views.CASE_UNTIL_KEY]
        assert until - utcnow().timestamp() <= views.SIGNED_IN_FOR.total_seconds()
        session[views.CASE_UNTIL_KEY] = utcnow().timestamp() - 1
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "Open my case" in page and shown.reference not in page


def test_signing_out_closes_the_case_on_this_device(client: FlaskClient) -> None:
    shown = speak_up(client)
    opened(client, shown)
    response = client.post(SIGN_OUT)
    assert response.status_code == 302
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "You have left your case" in page
    assert shown.reference not in page


@pytest.mark.parametrize(
    "url, answers",
    [
        (FOLLOW_UP, None),
        (REPLY, {"body": "Are you still looking at this?"}),
        (SPEAK_UP_AGAIN, {"answer": "yes"}),
        (CHECK_IN, {"answer": "no"}),
    ],
    ids=["case page", "reply", "speak up again", "check-in"],
)
def test_a_new_access_code_ends_a_case_opened_with_the_old_one(
    client: FlaskClient, url: str, answers: dict[str, str] | None
) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id, check_in_due=today_in_london())
    token = csrf_token_from(opened(client, shown))
    new_code, new_hash = access_codes.new_hashed_access_code()
    give_code_hash(only_case().id, new_hash)
    if answers is None:
        response = client.get(url)
    else:
        response = client.post(url, data=case_page_fields(url, {"csrf_token": token, **answers}))
    assert response.status_code == 302
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert shown.reference not in page and "Open my case" in page
    assert views.CODE_REPLACED in page
    case = only_case()
    assert db.session().scalar(select(CaseMessage)) is None
    assert case.speak_up_again is None and case.detriment_checked_in_on is None
    assert shown.reference in opened(client, Shown(shown.reference, new_code))


def test_the_session_holds_the_case_id_but_never_the_reference_or_code(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    opened(client, shown)
    with client.session_transaction(FOLLOW_UP) as session:
        stored = repr(dict(session))
    assert only_case().id in stored
    assert shown.reference not in stored and shown.code not in stored


def test_the_guardians_messages_are_shown_as_text_and_marked_read(client: FlaskClient) -> None:
    shown = speak_up(client)
    case = only_case()
    guardian_writes(case.id, "Thank you. <b>Can we talk?</b>\nSecond line")
    page = opened(client, shown)
    assert "From the guardian" in page
    assert escape("Thank you. <b>Can we talk?</b>\nSecond line") in page
    db.session().expire_all()
    message = db.session().scalar(select(CaseMessage))
    assert message is not None and message.read_at is not None


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Emoji 😀👩🏽‍⚕️",
        "RTL \u202eevil\u202c שלום",
        "Line one\r\nLine two",
    ],
)
def test_a_reply_is_stored_exactly_encrypted_and_flags_the_case(
    client: FlaskClient, text: str
) -> None:
    shown = speak_up(client)
    opened(client, shown)
    with db.write_transaction() as session:
        session.get(Case, only_case().id).unread_for_guardian = False
    response = post_on_case_page(client, REPLY, {"body": text})
    assert response.status_code == 302
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "Your message has been sent" in page
    assert f'dir="auto">{escape(text)}</div>' in page
    message = db.session().scalar(select(CaseMessage))
    assert message is not None
    assert (message.direction, message.body, message.author_id) == ("from-person", text, None)
    assert text.encode() not in (message.body_ciphertext or b"")
    assert only_case().unread_for_guardian
    assert "portal.reply_added" in audit_actions()


@pytest.mark.parametrize(
    "body, message",
    [("", "Write your message"), ("x" * 10_001, "10,000 characters"), ("a\x00b", "NUL")],
)
def test_a_bad_reply_is_named_and_not_stored(client: FlaskClient, body: str, message: str) -> None:
    shown = speak_up(client)
    opened(client, shown)
    response = post_on_case_page(client, REPLY, {"body": body})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'href="#body"' in response.get_data(as_text=True)
    assert db.session().scalar(select(CaseMessage)) is None


def test_a_reply_without_its_form_token_is_refused_and_not_stored(client: FlaskClient) -> None:
    shown = speak_up(client)
    opened(client, shown)
    response = client.post(REPLY, data={"body": "hello", "csrf_token": "forged"})
    assert response.status_code == 400
    assert "could not be sent safely" in response.get_data(as_text=True)
    assert db.session().scalar(select(CaseMessage)) is None


def test_a_reply_written_after_the_time_ran_out_is_kept_and_sent_with_the_code(
    client: FlaskClient,
) -> None:
    shown = speak_up(client)
    opened(client, shown)
    with client.session_transaction(FOLLOW_UP) as session:
        session[views.CASE_UNTIL_KEY] = utcnow().timestamp() - 1
    expired = post_on_case_page(client, REPLY, {"body": "My long reply"})
    html = expired.get_data(as_text=True)
    assert "Your message has been kept below" in html
    assert "My long reply" in html
    token = csrf_token_from(html)
    response = client.post(
        FOLLOW_UP,
        data={
            "csrf_token": token,
            "reference": shown.reference,
            "access_code": shown.code,
            "pending_reply": "My long reply",
        },
    )
    assert response.status_code == 302
    message = db.session().scalar(select(CaseMessage))
    assert message is not None and message.body == "My long reply"


@pytest.mark.parametrize(
    "from_another_site", [True, False], ids=["from another site", "expired, forged token"]
)
def test_a_reply_posted_without_the_form_token_is_not_kept_to_send_later(
    client: FlaskClient, from_another_site: bool
) -> None:
    shown = speak_up(client)
    opened(client, shown)
    with client.session_transaction(FOLLOW_UP) as session:
        session[views.CASE_UNTIL_KEY] = utcnow().timestamp() - 1
    if from_another_site:
        # SameSite=Lax: a browser sends no session cookie with another site's form post
        client.delete_cookie(client.application.config["SESSION_COOKIE_NAME"])
        forged = client.post(REPLY, data={"body": "Words from another site"})
    else:
        forged = client.post(REPLY, data={"body": "Words from another site", "csrf_token": "x"})
    html = forged.get_data(as_text=True)
    assert "Words from another site" not in html
    assert 'name="pending_reply"' not in html
    assert "Your message has been kept" not in html
    response = client.post(
        FOLLOW_UP,
        data={
            "csrf_token": csrf_token_from(html),
            "reference": shown.reference,
            "access_code": shown.code,
            "pending_reply": "",
        },
    )
    assert response.status_code == 302
    assert db.session().scalar(select(CaseMessage)) is None


def test_the_feedback_question_is_asked_only_after_closure(client: FlaskClient) -> None:
    shown = speak_up(client)
    page = opened(client, shown)
    assert "would you speak up again?" not in page
    response = post_on_case_page(client, SPEAK_UP_AGAIN, {"answer": "yes"})
    assert "already been answered" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert only_case().speak_up_again is None


@pytest.mark.parametrize("answer", ["yes", "no", "maybe", "dont-know"])
def test_after_closure_the_person_answers_the_feedback_question_once(
    client: FlaskClient, answer: str
) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id)
    page = opened(client, shown)
    assert "Your case is closed" in page
    assert "Given your experience, would you speak up again?" in page
    assert "I don&#39;t know" in page or "I don't know" in page
    post_on_case_page(client, SPEAK_UP_AGAIN, {"answer": answer, "comment": "<i>fine</i>"})
    case = only_case()
    assert case.speak_up_again == answer
    assert case.speak_up_again_on == today_in_london()
    assert case.speak_up_again_comment == "<i>fine</i>"
    assert case.unread_for_guardian
    event = db.session().scalar(select(CaseEvent).where(CaseEvent.kind == "speak-up-again-answer"))
    assert event is not None and event.category == answer
    assert "portal.speak_up_again_answered" in audit_actions()
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "Given your experience" not in page
    post_on_case_page(client, SPEAK_UP_AGAIN, {"answer": "no"})
    assert only_case().speak_up_again == answer


def test_an_unknown_feedback_answer_is_named_at_the_field(client: FlaskClient) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id)
    opened(client, shown)
    response = post_on_case_page(client, SPEAK_UP_AGAIN, {"answer": "perhaps"})
    assert response.status_code == 400
    assert 'href="#speak-up-again-answer"' in response.get_data(as_text=True)
    assert only_case().speak_up_again is None


CLOSING_QUESTIONS = pytest.mark.parametrize(
    "url, kind, first, second",
    [
        (SPEAK_UP_AGAIN, "speak-up-again-answer", "yes", "no"),
        (CHECK_IN, "detriment-check-in", "no", "yes"),
    ],
    ids=["speak up again", "check-in"],
)


def answers_recorded(kind: str) -> list[str | None]:
    """List the categories of the case's entries of one kind: the answers recorded."""
    db.session().expire_all()
    return list(db.session().scalars(select(CaseEvent.category).where(CaseEvent.kind == kind)))


@CLOSING_QUESTIONS
def test_each_closing_question_takes_one_answer_and_turns_a_second_away(
    client: FlaskClient, url: str, kind: str, first: str, second: str
) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id, check_in_due=today_in_london())
    opened(client, shown)
    assert post_on_case_page(client, url, {"answer": first}).status_code == 302
    recorded = answers_recorded(kind)
    again = post_on_case_page(client, url, {"answer": second})
    assert again.status_code == 302
    assert "already been answered" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(recorded) == 1 and answers_recorded(kind) == recorded


@CLOSING_QUESTIONS
def test_a_closing_question_answered_after_the_time_ran_out_asks_for_the_code_again(
    client: FlaskClient, url: str, kind: str, first: str, second: str
) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id, check_in_due=today_in_london())
    opened(client, shown)
    with client.session_transaction(FOLLOW_UP) as session:
        session[views.CASE_UNTIL_KEY] = utcnow().timestamp() - 1
    response = post_on_case_page(client, url, {"answer": first})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your case reference and access code to open it again" in html
    assert answers_recorded(kind) == []


def test_the_detriment_check_in_is_asked_once_it_is_due(client: FlaskClient) -> None:
    shown = speak_up(client)
    guardian_closes(only_case().id, check_in_due=today_in_london() + timedelta(days=1))
    assert "treated badly because you spoke up" not in opened(client, shown)
    with db.write_transaction() as session:
        session.get(Case, only_case().id).detriment_check_in_due_on = today_in_london()
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "Have you been treated badly because you spoke up?" in page
    post_on_case_page(client, CHECK_IN, {"answer": "yes", "details": "Moved to nights"})
    case = only_case()
    assert case.detriment_indicated
    assert case.detriment_checked_in_on == today_in_london()
    event = db.session().scalar(select(CaseEvent).where(CaseEvent.kind == "detriment-check-in"))
    assert event is not None
    assert (event.category, event.body, event.actor_id) == ("detriment", "Moved to nights", None)
    assert "Have you been treated badly" not in client.get(FOLLOW_UP).get_data(as_text=True)


@pytest.mark.parametrize(
    "acknowledged, first_feedback, not_possible, status, expected",
    [
        (False, False, False, "new", "acknowledge_due_on"),
        (True, False, False, "in-progress", "first_feedback_due_on"),
        (True, False, True, "in-progress", "substantive_feedback_due_on"),
        (True, True, False, "in-progress", "substantive_feedback_due_on"),
        (True, True, False, "closed", None),
    ],
)
def test_the_next_reply_date_follows_the_feedback_loop(
    app: Flask,
    make_case: Any,
    acknowledged: bool,
    first_feedback: bool,
    not_possible: bool,
    status: str,
    expected: str | None,
) -> None:
    case = make_case(
        status=status,
        acknowledged_on=date(2026, 9, 15) if acknowledged else None,
        first_feedback_on=date(2026, 9, 18) if first_feedback else None,
        feedback_not_possible_on=date(2026, 9, 18) if not_possible else None,
    )
    assert next_reply_due(case) == (getattr(case, expected) if expected else None)


def test_a_late_reply_is_owned_up_to(client: FlaskClient) -> None:
    shown = speak_up(client)
    with db.write_transaction() as session:
        session.get(Case, only_case().id).acknowledge_due_on = date(2020, 1, 6)
    page = opened(client, shown)
    assert "aimed to reply by Monday 6 January 2020" in page
    assert "sorry" in page
