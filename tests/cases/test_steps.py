"""The steps on a case: each page at /cases/<reference>/<slug>, who may use it, what it records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask

from fts_app.auth.models import User
from fts_app.cases import services
from fts_app.cases.models import Case

from ..conftest import sign_in, submit_form
from .conftest import audit_actions, event_kinds


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def on(name: str, day: date) -> dict[str, str]:
    """Answer a day-month-year field."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


RECEIVED = date(2026, 9, 14)
CLOSED = {
    "status": "closed",
    "closed_on": date(2026, 10, 20),
    "detriment_check_in_due_on": date(2027, 1, 20),
}


@dataclass(frozen=True)
class GoodAnswers:
    """A step answered well: what it records in the audit trail and the message it shows."""

    answers: dict[str, str]
    audited: str
    done: str
    #: the state a case must be in for the step to make sense
    case: dict[str, Any] = field(default_factory=dict)
    by_lead: bool = False
    feedback_first: bool = False


GOOD_ANSWERS = {
    "acknowledge": GoodAnswers(
        on("acknowledged_on", RECEIVED), "case.acknowledged", "Acknowledgement recorded"
    ),
    "note": GoodAnswers({"body": "Spoke to the ward manager"}, "case.note_added", "Note added"),
    "action": GoodAnswers(
        {"body": "Rota reviewed", **on("done_on", RECEIVED)},
        "case.action_recorded",
        "Action recorded",
    ),
    "escalation": GoodAnswers(
        {"target": "hr", "reason": "A pattern", **on("happened_on", RECEIVED)},
        "case.escalated",
        "Escalation recorded",
    ),
    "referral": GoodAnswers(
        {"target": "patient-safety", "reason": "Risk", **on("happened_on", RECEIVED)},
        "case.referred",
        "Referral recorded",
    ),
    "feedback": GoodAnswers(
        {"method": "phone", "summary": "Told them", **on("given_on", RECEIVED)},
        "case.feedback_recorded",
        "Feedback recorded",
    ),
    "feedback-not-possible": GoodAnswers(
        {"reason": "Anonymous letter", **on("decided_on", RECEIVED)},
        "case.feedback_not_possible",
        "Reason recorded",
    ),
    "detriment": GoodAnswers(
        {"what_reported": "Shifts cut", "action_taken": "Restored", **on("reported_on", RECEIVED)},
        "case.detriment_recorded",
        "Detriment recorded",
    ),
    "identity-disclosure": GoodAnswers(
        {"to_whom": "The medical director", "reason": "Consent", **on("disclosed_on", RECEIVED)},
        "identity.disclosed",
        "Disclosure recorded",
    ),
    "detriment-check-in": GoodAnswers(
        {"result": "no-detriment", **on("checked_on", date(2026, 10, 21))},
        "case.detriment_check_in_recorded",
        "Check-in recorded",
        case=CLOSED,
    ),
    "message": GoodAnswers({"body": "Thank you"}, "message.sent", "Message sent"),
    "close": GoodAnswers(
        {"outcome": "Rota changed", "learning": "Check rotas"},
        "case.closed",
        "Case closed",
        feedback_first=True,
    ),
    "reopen": GoodAnswers(
        {"reason": "New evidence"}, "case.reopened", "Case reopened", case=CLOSED
    ),
    "assign": GoodAnswers(
        {"guardian_id": "{other_guardian}"}, "case.assigned", "Case assigned", by_lead=True
    ),
    "share": GoodAnswers({"guardian_id": "{other_guardian}"}, "case.shared", "Case shared"),
    "restriction": GoodAnswers(
        {"restricted": "yes"}, "case.restriction_changed", "Who can open the case was updated"
    ),
}


@pytest.mark.parametrize("slug", sorted(GOOD_ANSWERS))
def test_each_step_answered_well_records_its_audit_entry_and_says_so(
    app: Flask,
    make_case: Callable[..., Case],
    guardian: User,
    other_guardian: User,
    lead: User,
    slug: str,
) -> None:
    good = GOOD_ANSWERS[slug]
    case = make_case(actor_id=guardian.id, received_on=RECEIVED, **good.case)
    if good.feedback_first:
        services.record_feedback_not_possible(case.reference, guardian, "Anonymous", RECEIVED)
    client = sign_in(app.test_client(), lead if good.by_lead else guardian)
    answers = {
        name: value.format(other_guardian=other_guardian.id) for name, value in good.answers.items()
    }
    response = submit_form(client, f"/cases/{case.reference}/{slug}", answers)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert audit_actions(case)[-1] == good.audited
    assert good.done in page_text(client.get(response.headers["Location"]))


def test_a_step_the_service_refuses_says_why_on_the_case_page_and_records_nothing(
    app: Flask, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    client = sign_in(app.test_client(), guardian)
    response = submit_form(client, f"/cases/{case.reference}/reopen", {"reason": "Why not"})
    assert response.status_code == 302
    assert "Only a closed case can be reopened." in page_text(
        client.get(f"/cases/{case.reference}")
    )
    assert "case.reopened" not in audit_actions(case)
    assert len(event_kinds(case)) == 1
