"""The steps on a case: each page at /cases/<reference>/<slug>, who may use it, what it records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases import progress
from fts_app.cases.models import Case
from fts_app.cases.steps import CASE_STEPS, STEPS_BY_SLUG, offered_steps

from ..conftest import sign_in, submit_form
from .conftest import audit_actions, event_kinds, reload


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
#: the links of the case page's "Case" list that are pages of their own, not steps
NOT_STEPS = ("export", "audit-history")


def test_every_step_has_a_slug_no_other_page_of_a_case_takes(app: Flask) -> None:
    slugs = [step.slug for step in CASE_STEPS]
    assert len(slugs) == len(set(slugs)) == len(STEPS_BY_SLUG)
    # a page at /cases/<reference>/<name> of its own would hide the step of that name
    own_pages = {
        rule.rule.rsplit("/", 1)[1]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/cases/<reference>/") and rule.endpoint != "cases.record_entry"
    }
    assert set(NOT_STEPS) <= own_pages
    assert own_pages.isdisjoint(slugs)


def test_only_the_lead_guardian_may_use_the_assign_step_and_only_caseworkers_any() -> None:
    assert {step.slug for step in CASE_STEPS if Role.GUARDIAN not in step.roles} == {"assign"}
    assert all(step.roles <= {Role.GUARDIAN, Role.LEAD_GUARDIAN} for step in CASE_STEPS)
    assert all(Role.LEAD_GUARDIAN in step.roles for step in CASE_STEPS)


def test_every_step_page_answers_those_who_may_use_it_and_is_404_to_anyone_else(
    app: Flask, make_case: Callable[..., Case], make_user: Callable[..., User], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    clients = {Role.GUARDIAN: sign_in(app.test_client(), guardian)}
    for role in (Role.LEAD_GUARDIAN, Role.ADMIN, Role.BOARD):
        clients[role] = sign_in(app.test_client(), make_user(role))
    signed_out = app.test_client()
    for step in CASE_STEPS:
        url = f"/cases/{case.reference}/{step.slug}"
        for role, client in clients.items():
            response = client.get(url)
            if role in step.roles:
                assert response.status_code == 200, (step.slug, role)
                assert f"<h1>{step.title}</h1>" in page_text(response)
            else:
                assert response.status_code == 404, (step.slug, role)
        assert "/login" in signed_out.get(url).headers["Location"]
    assert clients[Role.GUARDIAN].get(f"/cases/{case.reference}/no-such-step").status_code == 404
    assert audit_actions(case) == ["case.opened"]


ALWAYS_OFFERED = [
    "message",
    "note",
    "action",
    "escalation",
    "referral",
    "feedback",
    "feedback-not-possible",
    "detriment",
    "identity-disclosure",
]
#: what the case page offers a guardian, by the state of the case; the lead may also assign
OFFERED = {
    "new": ["acknowledge", *ALWAYS_OFFERED, "close", "share", "restriction"],
    "acknowledged": [*ALWAYS_OFFERED, "close", "share", "restriction"],
    "closed, check-in due": [
        *ALWAYS_OFFERED,
        "detriment-check-in",
        "reopen",
        "share",
        "restriction",
    ],
    "closed, checked in": [*ALWAYS_OFFERED, "reopen", "share", "restriction"],
}
STATES = {
    "new": {},
    "acknowledged": {"acknowledged_on": RECEIVED, "status": "in-progress"},
    "closed, check-in due": {"acknowledged_on": RECEIVED, **CLOSED},
    "closed, checked in": {
        "acknowledged_on": RECEIVED,
        **CLOSED,
        "detriment_checked_in_on": date(2027, 1, 4),
    },
}


def offered_on_the_page(client: FlaskClient, case: Case) -> list[str]:
    """Return the slugs of the steps the case page links to, in the order it lists them."""
    html = page_text(client.get(f"/cases/{case.reference}"))
    aside = html.split('<div class="nhsuk-grid-column-one-third">', 1)[1]
    links = re.findall(rf'<a href="/cases/{case.reference}/([a-z-]+)"', aside)
    return [slug for slug in links if slug not in NOT_STEPS]


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.LEAD_GUARDIAN])
def test_the_case_page_offers_exactly_the_steps_the_registry_allows(
    app: Flask, make_case: Callable[..., Case], make_user: Callable[..., User], role: Role
) -> None:
    user = make_user(role)
    client = sign_in(app.test_client(), user)
    for state, fields in STATES.items():
        case = make_case(actor_id=user.id, **fields)
        expected = list(OFFERED[state])
        if role is Role.LEAD_GUARDIAN:
            expected.insert(expected.index("share") + 1, "assign")
        assert offered_on_the_page(client, case) == expected, state
        assert [step.slug for step in offered_steps(reload(case), user)] == expected, state


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


def test_every_step_has_good_answers_below_so_its_recording_is_specified() -> None:
    assert set(GOOD_ANSWERS) == set(STEPS_BY_SLUG)


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
        progress.record_feedback_not_possible(case.reference, guardian, "Anonymous", RECEIVED)
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


def test_a_guardian_is_not_offered_to_restrict_a_case_they_see_only_in_the_queue(
    app: Flask, make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    guardian = make_user(Role.GUARDIAN)
    client = sign_in(app.test_client(), guardian)
    queued = make_case()
    assert "restriction" not in offered_on_the_page(client, queued)
    assert "restriction" not in [step.slug for step in offered_steps(reload(queued), guardian)]
