"""The casework pages: who may open them, what they show, and how they answer bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases import progress
from fts_app.cases.enums import ConfidentialityLevel, EventKind
from fts_app.cases.models import Case

from ..conftest import csrf_token_from, sign_in, submit_form
from .conftest import audit_actions, event_kinds, reload


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


@pytest.fixture
def signed_in(client: FlaskClient, guardian: User) -> FlaskClient:
    return sign_in(client, guardian)


def post_on_case_page(client: FlaskClient, case: Case, path: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    token = csrf_token_from(page_text(client.get(f"/cases/{case.reference}")))
    return client.post(
        f"/cases/{case.reference}/{path}", data={"csrf_token": token, **(data or {})}
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.BOARD])
@pytest.mark.parametrize("path", ["/cases", "/cases/new", "/cases/{reference}"])
def test_administrators_and_board_members_get_404(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_case: Callable[..., Case],
    role: Role,
    path: str,
) -> None:
    case = make_case()
    sign_in(client, make_user(role))
    assert client.get(path.format(reference=case.reference)).status_code == 404
    assert "case.viewed" not in audit_actions(case)


def test_signing_in_is_needed(client: FlaskClient, make_case: Callable[..., Case]) -> None:
    case = make_case()
    response = client.get(f"/cases/{case.reference}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("reference", ["existing, not mine", "FTSU-2026-9999", "nonsense"])
def test_a_case_the_guardian_may_not_see_is_404_like_a_missing_one(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    other_guardian: User,
    reference: str,
) -> None:
    case = make_case(actor_id=other_guardian.id)
    wanted = case.reference if reference == "existing, not mine" else reference
    for path in ("", "/note", "/export", "/audit-history"):
        assert signed_in.get(f"/cases/{wanted}{path}").status_code == 404
    assert audit_actions(case) == ["case.opened"]


def test_a_post_to_a_case_out_of_bounds_is_404_and_changes_nothing(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    other_guardian: User,
) -> None:
    hidden = make_case(actor_id=other_guardian.id)
    mine = make_case()
    token = csrf_token_from(page_text(signed_in.get(f"/cases/{mine.reference}")))
    for path in ("take", "identity", "access-code", "note"):
        response = signed_in.post(
            f"/cases/{hidden.reference}/{path}", data={"csrf_token": token, "body": "x"}
        )
        assert response.status_code == 404
    assert event_kinds(hidden) == [EventKind.RECEIVED.value]
    assert reload(hidden).access_code_hash is None


def test_the_list_shows_the_queue_and_my_cases_with_their_clocks(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    guardian: User,
    other_guardian: User,
) -> None:
    queued = make_case(received_on=date(2026, 9, 14), narrative="Secret narrative")
    mine = make_case(actor_id=guardian.id, acknowledge_due_on=date(2099, 1, 5))
    theirs = make_case(actor_id=other_guardian.id)
    html = page_text(signed_in.get("/cases"))
    assert queued.reference in html and mine.reference in html
    assert theirs.reference not in html
    assert "Secret narrative" not in html
    assert 'class="nhsuk-tag fts-overdue"' in html and "Overdue" in html
    assert "Due 5 January 2099" in html


def test_the_list_shows_unread_and_restricted_markers(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    make_case(actor_id=guardian.id, unread_for_guardian=True, restricted=True)
    html = page_text(signed_in.get("/cases"))
    assert "Unread message" in html and "Restricted" in html


def listed_references(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/(FTSU-\d{4}-\d+)"', html))


def test_the_plain_list_shows_every_case_closed_ones_included(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    queued = make_case()
    working = make_case(actor_id=guardian.id, status="in-progress")
    closed = make_case(actor_id=guardian.id, status="closed", closed_on=date(2026, 10, 20))
    html = page_text(signed_in.get("/cases"))
    assert listed_references(html) == {queued.reference, working.reference, closed.reference}
    assert "3 cases" in html


@pytest.mark.parametrize(
    ("link_text", "expected"),
    [
        ("waiting in the queue", {"queued, overdue"}),
        ("overdue", {"queued, overdue"}),
        ("with unread messages", {"in progress, unread"}),
    ],
)
def test_each_summary_link_lists_just_the_open_cases_it_counts(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    guardian: User,
    link_text: str,
    expected: set[str],
) -> None:
    not_due = {"acknowledge_due_on": date(2099, 1, 5), "first_feedback_due_on": date(2099, 1, 5)}
    cases = {
        "queued, overdue": make_case(acknowledge_due_on=date(2026, 9, 16)),
        "in progress, unread": make_case(
            actor_id=guardian.id, status="in-progress", unread_for_guardian=True, **not_due
        ),
        # a reply can arrive after closing; the summary counts open cases only
        "closed, unread, past its due days": make_case(
            actor_id=guardian.id,
            status="closed",
            closed_on=date(2026, 10, 20),
            unread_for_guardian=True,
            acknowledge_due_on=date(2026, 9, 16),
        ),
    }
    link = re.search(
        rf'<a href="([^"]+)"><strong>(\d+)</strong> {link_text}</a>',
        page_text(signed_in.get("/cases")),
    )
    assert link is not None
    html = page_text(signed_in.get(link.group(1).replace("&amp;", "&")))
    by_reference = {case.reference: name for name, case in cases.items()}
    assert {by_reference[reference] for reference in listed_references(html)} == expected
    assert int(link.group(2)) == len(expected)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=whatever", "Select a status from the list"),
        ("route=carrier-pigeon", "Select a route from the list"),
        ("received_from=2026-02-30", "Received from must be a real date"),
        (
            "received_from=2026-10-01&received_to=2026-09-01",
            "Received to must be the same as or after received from",
        ),
        ("reference=" + "X" * 21, "Reference must be 20 characters or fewer"),
    ],
)
def test_bad_filters_are_named_at_the_field(
    signed_in: FlaskClient, make_case: Callable[..., Case], query: str, message: str
) -> None:
    make_case()
    html = page_text(signed_in.get(f"/cases?{query}"))
    assert "There is a problem" in html
    assert html.count(message) == 2  # in the summary and at the field
    assert "Correct the filters to see cases." in html


def test_filters_and_pages_carry_over_between_pages(
    signed_in: FlaskClient, make_case: Callable[..., Case]
) -> None:
    for _ in range(26):
        make_case()
    html = page_text(signed_in.get("/cases?route=email&page=1"))
    assert "26 cases, page 1 of 2" in html
    assert re.search(r'href="/cases\?route=email&amp;page=2"', html)


def new_case_answers(**changes: str) -> dict[str, str]:
    answers = {
        "route": "phone",
        "received_on-day": "2",
        "received_on-month": "11",
        "received_on-year": "2026",
        "confidentiality": "confidential",
        "elements": "bullying",
        "worker_group": "nurses-midwives",
        "directorate_id": "",
        "narrative": "My manager shouts at me in handover.",
        "contact_name": "Jo Bloggs",
        "contact_details": "07700 900123",
    }
    return {**answers, **changes}


def test_logging_a_concern_opens_an_assigned_case(signed_in: FlaskClient, guardian: User) -> None:
    response = submit_form(signed_in, "/cases/new", new_case_answers())
    assert response.status_code == 302
    case = db.session().scalars(select(Case)).one()
    assert response.headers["Location"] == f"/cases/{case.reference}"
    assert (case.route, case.received_on, case.narrative) == (
        "phone",
        date(2026, 11, 2),
        "My manager shouts at me in handover.",
    )
    assert [row.user_id for row in case.access_rows] == [guardian.id]


def test_logging_a_concern_can_show_an_access_code_once(signed_in: FlaskClient) -> None:
    response = submit_form(signed_in, "/cases/new", new_case_answers(give_access_code="y"))
    html = page_text(response)
    code = re.search(r"<dd>(\d{4}( \d{4}){4})</dd>", html)
    assert response.status_code == 200 and code
    case = db.session().scalars(select(Case)).one()
    assert case.reference in html
    assert code.group(1) not in page_text(signed_in.get(f"/cases/{case.reference}"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"route": ""}, "route", "Select how the concern reached you"),
        ({"route": "pigeon"}, "route", "Select how the concern reached you"),
        ({"narrative": "  "}, "narrative", "Enter what the concern is"),
        ({"narrative": "x" * 10_001}, "narrative", "must be 10,000 characters or fewer"),
        (
            {"received_on-day": "31", "received_on-month": "2"},
            "received_on-day",
            "must be a real date",
        ),
        ({"received_on-year": "2099"}, "received_on-day", "must be today or in the past"),
        ({"received_on-month": ""}, "received_on-day", "Date raised must include a month"),
        (
            {"received_on-day": "", "received_on-month": "", "received_on-year": ""},
            "received_on-day",
            "Enter the date the concern was raised",
        ),
        ({"elements": ""}, "elements", "Select what the concern is about"),
        ({"worker_group": "astronauts"}, "worker_group", "Select a worker group"),
        ({"directorate_id": "999"}, "directorate_id", "Select a directorate or site"),
        (
            {"confidentiality": "anonymous"},
            "contact_name",
            "Leave the name and contact details empty for an anonymous concern",
        ),
        ({"contact_name": "x" * 201}, "contact_name", "Name must be 200 characters or fewer"),
    ],
)
def test_bad_answers_are_named_at_the_field_and_nothing_is_saved(
    signed_in: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = submit_form(signed_in, "/cases/new", new_case_answers(**changes))
    html = page_text(response)
    assert response.status_code == 200
    assert f'href="#{field}"' in html
    assert html.count(message) == 2
    assert "<title>Error: " in html
    assert db.session().scalars(select(Case)).first() is None


def test_opening_a_case_hides_identity_until_shown_and_audits_both(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id, contact_name="Jo Bloggs", contact_details="07700 900123")
    html = page_text(signed_in.get(f"/cases/{case.reference}"))
    assert "Jo Bloggs" not in html and "Show identity" in html
    shown = page_text(post_on_case_page(signed_in, case, "identity"))
    assert "Jo Bloggs" in shown and "07700 900123" in shown
    assert audit_actions(case)[-3:] == ["case.viewed", "case.viewed", "identity.revealed"]
    assert "Jo Bloggs" not in page_text(signed_in.get(f"/cases/{case.reference}"))


def test_the_case_page_shows_the_timeline_with_who_and_when(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    response = submit_form(
        signed_in,
        f"/cases/{case.reference}/escalation",
        {
            "target": "hr",
            "reason": "Pattern of behaviour <b>across</b> the team",
            "happened_on-day": "1",
            "happened_on-month": "10",
            "happened_on-year": "2026",
        },
    )
    assert response.status_code == 302
    html = page_text(signed_in.get(f"/cases/{case.reference}"))
    assert "Escalation: HR" in html
    assert "Gita Guardian" in html and "(on 1 October 2026)" in html
    assert "Pattern of behaviour &lt;b&gt;across&lt;/b&gt; the team" in html


@pytest.mark.parametrize(
    ("path", "answers", "field", "message"),
    [
        ("note", {"body": ""}, "body", "Enter the note"),
        ("note", {"body": "x" * 5001}, "body", "Note must be 5,000 characters or fewer"),
        (
            "feedback",
            {"method": "smoke-signal", "summary": "Told them"},
            "method",
            "Select how feedback was given",
        ),
        (
            "action",
            {"body": "Met", "done_on-day": "13", "done_on-month": "9", "done_on-year": "2026"},
            "done_on-day",
            "must be on or after the day the concern was received, 14 September 2026",
        ),
        (
            "feedback-not-possible",
            {"reason": "Anonymous letter"},
            "decided_on-day",
            "Enter the date you found it could not be given",
        ),
    ],
)
def test_bad_entries_are_named_at_the_field(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    guardian: User,
    path: str,
    answers: dict[str, str],
    field: str,
    message: str,
) -> None:
    case = make_case(actor_id=guardian.id, received_on=date(2026, 9, 14))
    html = page_text(submit_form(signed_in, f"/cases/{case.reference}/{path}", answers))
    assert f'href="#{field}"' in html
    assert html.count(message) == 2
    assert event_kinds(case) == [EventKind.RECEIVED.value]


def test_feedback_found_not_possible_stops_the_first_feedback_clock_on_every_page(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(
        actor_id=guardian.id,
        received_on=date(2026, 9, 14),
        acknowledged_on=date(2026, 9, 14),
        status="in-progress",
    )
    assert "<strong>1</strong> overdue" in page_text(signed_in.get("/cases"))
    response = submit_form(
        signed_in,
        f"/cases/{case.reference}/feedback-not-possible",
        {
            "reason": "Anonymous letter, no way to reply",
            "decided_on-day": "15",
            "decided_on-month": "9",
            "decided_on-year": "2026",
        },
    )
    assert response.status_code == 302
    for html in (
        page_text(signed_in.get(f"/cases/{case.reference}")),
        page_text(signed_in.get("/cases")),
    ):
        assert "Feedback not possible 15 September 2026" in html
        assert "fts-overdue" not in html
    assert "<strong>0</strong> overdue" in page_text(signed_in.get("/cases"))


def test_a_check_in_dated_before_closure_is_named_at_the_field(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(
        actor_id=guardian.id,
        status="closed",
        closed_on=date(2026, 10, 20),
        detriment_check_in_due_on=date(2027, 1, 20),
    )
    html = page_text(
        submit_form(
            signed_in,
            f"/cases/{case.reference}/detriment-check-in",
            {
                "checked_on-day": "19",
                "checked_on-month": "10",
                "checked_on-year": "2026",
                "result": "no-reply",
            },
        )
    )
    assert 'href="#checked_on-day"' in html
    message = "must be on or after the day the case was closed, 20 October 2026"
    assert html.count(message) == 2
    assert reload(case).detriment_checked_in_on is None
    assert event_kinds(case) == [EventKind.RECEIVED.value]


def test_closing_without_feedback_explains_and_changes_nothing(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    close_page = page_text(signed_in.get(f"/cases/{case.reference}/close"))
    assert "You cannot close this case yet" in close_page
    token = csrf_token_from(page_text(signed_in.get(f"/cases/{case.reference}")))
    response = signed_in.post(
        f"/cases/{case.reference}/close",
        data={"csrf_token": token, "outcome": "Done", "learning": "Some"},
        follow_redirects=True,
    )
    assert "Record the feedback given to the person" in page_text(response)
    assert reload(case).status == "new"
    assert "case.closed" not in audit_actions(case)


def test_closing_after_feedback(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    submit_form(
        signed_in,
        f"/cases/{case.reference}/feedback-not-possible",
        {
            "reason": "Anonymous letter",
            "decided_on-day": "14",
            "decided_on-month": "9",
            "decided_on-year": "2026",
        },
    )
    response = submit_form(
        signed_in,
        f"/cases/{case.reference}/close",
        {"outcome": "Rota changed", "learning": "Check rotas", "open_actions": ""},
    )
    assert response.status_code == 302
    assert reload(case).status == "closed"
    assert "Record the detriment check-in" in page_text(signed_in.get(f"/cases/{case.reference}"))


def test_closing_a_queued_case_says_the_guardian_will_be_assigned(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    queued = make_case()
    mine = make_case(actor_id=guardian.id)
    progress.record_feedback_not_possible(
        queued.reference, guardian, "Anonymous letter", date(2026, 9, 14)
    )
    progress.record_feedback_not_possible(
        mine.reference, guardian, "Anonymous letter", date(2026, 9, 14)
    )
    notice = "you will become its assigned guardian"
    assert notice in page_text(signed_in.get(f"/cases/{queued.reference}/close"))
    assert notice not in page_text(signed_in.get(f"/cases/{mine.reference}/close"))


def test_taking_a_case_from_the_queue(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case()
    assert "Take this case" in page_text(signed_in.get(f"/cases/{case.reference}"))
    response = post_on_case_page(signed_in, case, "take")
    assert response.status_code == 302
    assert [row.user_id for row in reload(case).access_rows] == [guardian.id]


def test_only_the_lead_guardian_has_the_assign_page(
    app: Flask,
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    guardian: User,
    other_guardian: User,
    lead: User,
) -> None:
    case = make_case(actor_id=guardian.id)
    assert signed_in.get(f"/cases/{case.reference}/assign").status_code == 404
    lead_client = sign_in(app.test_client(), lead)
    response = submit_form(
        lead_client, f"/cases/{case.reference}/assign", {"guardian_id": str(other_guardian.id)}
    )
    assert response.status_code == 302
    assert [row.user_id for row in reload(case).access_rows] == [other_guardian.id]


def test_a_new_access_code_is_shown_once(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    html = page_text(post_on_case_page(signed_in, case, "access-code"))
    assert re.search(r"<dd>\d{4}( \d{4}){4}</dd>", html)
    assert reload(case).access_code_hash is not None
    assert audit_actions(case)[-1] == "access_code.issued"


def heading_levels(html: str) -> list[int]:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return [int(level) for level in re.findall(r"<h([1-6])\b", main)]


def test_the_warnings_on_the_code_and_close_pages_follow_the_h1_without_skipping_a_level(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    code_page = page_text(post_on_case_page(signed_in, case, "access-code"))
    close_page = page_text(signed_in.get(f"/cases/{case.reference}/close"))
    assert "You cannot close this case yet" in close_page
    for html in (code_page, close_page):
        levels = heading_levels(html)
        assert levels[:2] == [1, 2]
        assert all(later - earlier <= 1 for earlier, later in pairwise(levels))


@pytest.mark.parametrize("situation", ["anonymous, with a code", "in the queue"])
def test_no_new_access_code_is_offered_or_given_where_it_is_refused(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User, situation: str
) -> None:
    anonymous = situation == "anonymous, with a code"
    earlier_hash = "$argon2id$the-code-the-person-holds"
    case = make_case(
        actor_id=guardian.id if anonymous else None,
        confidentiality=(
            ConfidentialityLevel.ANONYMOUS if anonymous else ConfidentialityLevel.CONFIDENTIAL
        ),
        access_code_hash=earlier_hash,
    )
    reason = (
        "cannot be given a new access code"
        if anonymous
        else "Only the case&#39;s assigned guardian"
    )
    page = page_text(signed_in.get(f"/cases/{case.reference}"))
    assert "Give a new access code" not in page
    assert f'action="/cases/{case.reference}/access-code"' not in page
    assert reason in page
    audited_before = audit_actions(case)
    response = post_on_case_page(signed_in, case, "access-code")
    assert response.status_code == 302
    assert reason in page_text(signed_in.get(response.headers["Location"]))
    assert reload(case).access_code_hash == earlier_hash
    # only the page views that came with it: nothing is recorded of the refused step
    assert set(audit_actions(case)[len(audited_before) :]) == {"case.viewed"}


@pytest.mark.parametrize(("identity", "audited"), [("redacted", 1), ("included", 2)])
def test_exporting_returns_a_pdf(
    signed_in: FlaskClient,
    make_case: Callable[..., Case],
    guardian: User,
    identity: str,
    audited: int,
) -> None:
    case = make_case(actor_id=guardian.id, contact_name="Jo Bloggs")
    response = submit_form(signed_in, f"/cases/{case.reference}/export", {"identity": identity})
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert case.reference in response.headers["Content-Disposition"]
    exported = [a for a in audit_actions(case) if a in ("case.exported", "identity.revealed")]
    assert len(exported) == audited


def test_the_audit_history_page_lists_views(
    signed_in: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    signed_in.get(f"/cases/{case.reference}")
    html = page_text(signed_in.get(f"/cases/{case.reference}/audit-history"))
    assert "Case viewed" in html and "Gita Guardian" in html
    assert "Audit history viewed" in html
