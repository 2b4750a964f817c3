"""The whole loop through the web pages: speak up, a guardian writes, the person answers, the
guardian closes the case, and the person answers "would you speak up again?"."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.cases.models import Case, CaseMessage
from fts_app.timeutil import today_in_london
from tests.conftest import sign_in, submit_form
from tests.speakup.portal import (
    FOLLOW_UP,
    SPEAK_UP_AGAIN,
    enter_code,
    post_on_case_page,
    speak_up,
)

GUARDIAN_MESSAGE = "Thank you for speaking up. Which nights were worst?"
REPLY = "Mostly Sundays and Mondays <b>not</b> weekdays 🙏"


def today_typed(prefix: str) -> dict[str, str]:
    """Return today as typed into a guardian page's three date boxes."""
    today = today_in_london()
    return {
        f"{prefix}-day": str(today.day),
        f"{prefix}-month": str(today.month),
        f"{prefix}-year": str(today.year),
    }


def guardian_records(
    guardian: FlaskClient, reference: str, entry: str, data: dict[str, Any]
) -> None:
    """Fill in and send one of the guardian's case pages, as the guardian would."""
    page = f"/cases/{reference}/{entry}"
    response = submit_form(guardian, page, data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_concern_goes_round_the_whole_loop_through_the_pages(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    shown = speak_up(client, narrative="Night shifts on ward 7 have one nurse for 28 patients.")

    guardian = sign_in(app.test_client(), make_user(Role.GUARDIAN))
    queue = guardian.get("/cases?scope=queue").get_data(as_text=True)
    assert shown.reference in queue
    taken = submit_form(
        guardian, f"/cases/{shown.reference}", {}, post_url=f"/cases/{shown.reference}/take"
    )
    assert taken.status_code == 302
    guardian_records(guardian, shown.reference, "acknowledge", today_typed("acknowledged_on"))
    guardian_records(guardian, shown.reference, "message", {"body": GUARDIAN_MESSAGE})

    assert enter_code(client, shown.reference, shown.code).status_code == 302
    own_case = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "A guardian is looking into your concern" in own_case
    assert GUARDIAN_MESSAGE in own_case
    assert (
        post_on_case_page(client, "/speak-up/follow-up/reply", {"body": REPLY}).status_code == 302
    )

    case_page = guardian.get(f"/cases/{shown.reference}").get_data(as_text=True)
    assert "Mostly Sundays and Mondays &lt;b&gt;not&lt;/b&gt; weekdays 🙏" in case_page
    guardian_records(
        guardian,
        shown.reference,
        "feedback",
        {**today_typed("given_on"), "method": "portal", "summary": "Two more nurses each night."},
    )
    guardian_records(
        guardian,
        shown.reference,
        "close",
        {
            "outcome": "Night staffing raised to three nurses.",
            "learning": "Check staffing nightly.",
        },
    )

    closed = client.get(FOLLOW_UP).get_data(as_text=True)
    assert "Your case is closed" in closed
    assert "Given your experience, would you speak up again?" in closed
    answered = post_on_case_page(client, SPEAK_UP_AGAIN, {"answer": "yes", "comment": "Thank you"})
    assert answered.status_code == 302
    assert "Thank you for your answer." in client.get(FOLLOW_UP).get_data(as_text=True)

    db.session().expire_all()
    case = db.session().scalar(select(Case).where(Case.reference == shown.reference))
    assert case is not None
    assert (case.status, case.speak_up_again, case.speak_up_again_comment) == (
        "closed",
        "yes",
        "Thank you",
    )
    directions = db.session().scalars(
        select(CaseMessage.direction).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    )
    assert list(directions)[:2] == ["to-person", "from-person"]
    guardian_view = guardian.get(f"/cases/{shown.reference}").get_data(as_text=True)
    assert "Would they speak up again?" in guardian_view
