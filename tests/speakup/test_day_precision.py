"""Only the day is kept of what the person does in the portal, and staff are shown no time of it.

Times of day of anonymous actions, matched with rotas, door logs or proxy logs, could tell who
sent a concern or when they came back to read a reply (timeutil.start_of_london_day).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases import assignment, progress
from fts_app.cases.enums import MessageDirection
from fts_app.cases.models import Case, CaseEvent, CaseMessage
from fts_app.timeutil import naive_utc, start_of_london_day
from tests.conftest import sign_in
from tests.speakup.portal import enter_code, post_on_case_page, speak_up

#: "3 December 2026 at 2:05pm": a time of day as the pages write one
TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(am|pm)")


def at_day_start(moment: datetime | None) -> bool:
    return moment is not None and naive_utc(moment) == naive_utc(start_of_london_day())


def the_case() -> Case:
    return db.session().scalars(select(Case).execution_options(populate_existing=True)).one()


def send_open_and_reply(client: FlaskClient, guardian: User) -> Case:
    """Speak up, have a guardian write, then open the case (reading it) and reply."""
    shown = speak_up(client)
    case = the_case()
    assignment.take_case(case.reference, guardian)
    progress.send_message_to_person(case.reference, guardian, "Thank you for telling us.")
    assert enter_code(client, shown.reference, shown.code).status_code == 302
    client.get("/speak-up/follow-up")
    post_on_case_page(client, "/speak-up/follow-up/reply", {"body": "It happened again."})
    return the_case()


def test_every_time_kept_of_the_persons_actions_is_the_start_of_their_day(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    case = send_open_and_reply(client, make_user(Role.GUARDIAN))
    assert at_day_start(case.created_at) and at_day_start(case.updated_at)
    messages = db.session().scalars(select(CaseMessage)).all()
    to_person = [m for m in messages if m.direction == MessageDirection.TO_PERSON]
    from_person = [m for m in messages if m.direction == MessageDirection.FROM_PERSON]
    assert all(at_day_start(message.read_at) for message in to_person)
    assert all(at_day_start(message.sent_at) for message in from_person)
    received = db.session().scalars(select(CaseEvent).where(CaseEvent.actor_id.is_(None))).all()
    assert received and all(at_day_start(event.occurred_at) for event in received)
    about_the_case = AuditEvent.case_id.is_not(None)
    portal_entries = (
        db.session()
        .scalars(select(AuditEvent).where(AuditEvent.actor_id.is_(None), about_the_case))
        .all()
    )
    assert {entry.action for entry in portal_entries} >= {
        "case.opened",
        "portal.submitted",
        "portal.follow_up_opened",
        "portal.reply_added",
    }
    assert [e.action for e in portal_entries if not at_day_start(e.occurred_at)] == []


def test_staff_pages_show_the_day_of_the_persons_actions_and_no_time(
    app: object, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    guardian = make_user(Role.GUARDIAN)
    case = send_open_and_reply(client, guardian)
    staff = sign_in(app.test_client(), guardian)  # type: ignore[attr-defined]
    audit = staff.get(f"/cases/{case.reference}/audit-history").get_data(as_text=True)
    portal_rows = [row for row in audit.split("<tr") if "The service" in row]
    assert portal_rows and not any(TIME_OF_DAY.search(row) for row in portal_rows)
    assert TIME_OF_DAY.search(audit), "the guardian's own entries keep their time"
    page = staff.get(f"/cases/{case.reference}").get_data(as_text=True)
    person_lines = re.findall(r"The person who spoke up, ([^<]*)<", page)
    assert person_lines and not any(TIME_OF_DAY.search(line) for line in person_lines)
