"""The case list: each filter narrows it, search by reference, sort orders, pages, no decryption."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from fts_app import db
from fts_app.admin.models import Directorate
from fts_app.auth.models import User
from fts_app.cases.dashboard import (
    PAGE_SIZE,
    CaseFilters,
    SortOrder,
    StatusFilter,
    list_cases,
    summarise,
)
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, WorkerGroup
from fts_app.cases.models import Case

from .conftest import TODAY

CASES = {
    "bullying by phone": {
        "route": Route.PHONE,
        "elements": [Element.BULLYING],
        "received_on": date(2026, 9, 1),
    },
    "safety by email": {
        "route": Route.EMAIL,
        "elements": [Element.PATIENT_SAFETY, Element.WORKER_SAFETY],
        "received_on": date(2026, 10, 1),
        "worker_group": WorkerGroup.MEDICAL_DENTAL,
    },
    "anonymous letter": {
        "route": Route.LETTER,
        "confidentiality": ConfidentialityLevel.ANONYMOUS,
        "received_on": date(2026, 11, 1),
    },
    "closed": {"status": "closed", "received_on": date(2026, 8, 1)},
    "in progress, unread": {
        "status": "in-progress",
        "unread_for_guardian": True,
        "received_on": date(2026, 11, 10),
        "acknowledge_due_on": date(2026, 12, 1),
        "first_feedback_due_on": date(2026, 12, 1),
    },
}

#: filters -> the cases listed (the lead guardian sees them all)
FILTER_RULES = [
    ({}, set(CASES)),
    (
        {"status": StatusFilter.OPEN},
        {"bullying by phone", "safety by email", "anonymous letter", "in progress, unread"},
    ),
    ({"status": StatusFilter.CLOSED}, {"closed"}),
    ({"status": StatusFilter.IN_PROGRESS}, {"in progress, unread"}),
    ({"status": StatusFilter.ALL}, set(CASES)),
    ({"element": Element.WORKER_SAFETY}, {"safety by email"}),
    ({"route": Route.PHONE}, {"bullying by phone"}),
    ({"worker_group": WorkerGroup.MEDICAL_DENTAL}, {"safety by email"}),
    ({"confidentiality": ConfidentialityLevel.ANONYMOUS}, {"anonymous letter"}),
    ({"directorate": "Surgery"}, {"bullying by phone"}),
    (
        {"received_from": date(2026, 10, 1), "received_to": date(2026, 11, 1)},
        {"safety by email", "anonymous letter"},
    ),
    ({"unread_only": True}, {"in progress, unread"}),
    (
        {"overdue_only": True},
        {"bullying by phone", "safety by email", "anonymous letter"},
    ),
]


@pytest.fixture
def cases(make_case: Callable[..., Case]) -> dict[str, Case]:
    with db.write_transaction() as session:
        surgery = Directorate(name="Surgery")
        session.add(surgery)
        session.flush()
        surgery_id = surgery.id
    made = {name: make_case(**fields) for name, fields in CASES.items()}
    with db.write_transaction() as session:
        session.get(Case, made["bullying by phone"].id).directorate_id = surgery_id
    return made


def listed(user: User, filters: CaseFilters, page: int = 1) -> list[str]:
    return [
        row.reference
        for row in list_cases(db.session(), user, filters, page=page, today=TODAY).rows
    ]


@pytest.mark.parametrize(("chosen", "expected"), FILTER_RULES)
def test_filters_narrow_the_list(
    cases: dict[str, Case], lead: User, chosen: dict[str, object], expected: set[str]
) -> None:
    if "directorate" in chosen:
        surgery = db.session().scalar(select(Directorate.id).where(Directorate.name == "Surgery"))
        chosen = {"directorate_id": surgery}
    by_reference = {case.reference: name for name, case in cases.items()}
    shown = listed(lead, CaseFilters(**chosen))  # type: ignore[arg-type]
    assert {by_reference[reference] for reference in shown} == expected


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("exact", {"safety by email"}),
        ("lower case", {"safety by email"}),
        ("number only", {"safety by email"}),
        ("no such", set()),
        ("wildcard", set()),
    ],
)
def test_search_by_reference(
    cases: dict[str, Case], lead: User, typed: str, finds: set[str]
) -> None:
    reference = cases["safety by email"].reference
    search = {
        "exact": reference,
        "lower case": reference.lower(),
        "number only": reference.rsplit("-", 1)[1],
        "no such": "FTSU-2026-9999",
        "wildcard": "%",
    }[typed]
    by_reference = {case.reference: name for name, case in cases.items()}
    shown = listed(lead, CaseFilters(reference=search))
    assert {by_reference[found] for found in shown} == finds


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            SortOrder.NEWEST,
            [
                "in progress, unread",
                "anonymous letter",
                "safety by email",
                "bullying by phone",
                "closed",
            ],
        ),
        (
            SortOrder.OLDEST,
            [
                "closed",
                "bullying by phone",
                "safety by email",
                "anonymous letter",
                "in progress, unread",
            ],
        ),
    ],
)
def test_sort_orders(
    cases: dict[str, Case], lead: User, order: SortOrder, expected: list[str]
) -> None:
    by_reference = {case.reference: name for name, case in cases.items()}
    assert [by_reference[found] for found in listed(lead, CaseFilters(sort=order))] == expected


#: sort order -> cases by name with (due on, done on, found not possible on), in order of listing
DUE_SORT_RULES = [
    (
        SortOrder.ACKNOWLEDGE_DUE,
        "acknowledge_due_on",
        "acknowledged_on",
        [
            ("waiting, due sooner", date(2026, 12, 2), None, None),
            ("waiting, due later", date(2026, 12, 10), None, None),
            ("done long ago", date(2026, 11, 1), date(2026, 10, 30), None),
            ("done, due later", date(2026, 12, 5), date(2026, 11, 20), None),
        ],
    ),
    (
        SortOrder.FEEDBACK_DUE,
        "first_feedback_due_on",
        "first_feedback_on",
        [
            ("waiting, due sooner", date(2026, 12, 2), None, None),
            ("waiting, due later", date(2026, 12, 10), None, None),
            ("given long ago", date(2026, 11, 1), date(2026, 10, 30), None),
            ("found not possible", date(2026, 11, 3), None, date(2026, 10, 31)),
        ],
    ),
]


@pytest.mark.parametrize(("order", "due_column", "done_column", "expected"), DUE_SORT_RULES)
def test_sort_by_due_date_lists_cases_still_waiting_first_then_the_soonest(
    make_case: Callable[..., Case],
    lead: User,
    order: SortOrder,
    due_column: str,
    done_column: str,
    expected: list[tuple[str, date, date | None, date | None]],
) -> None:
    names = {}
    for name, due_on, done_on, not_possible_on in expected:
        case = make_case(
            status="in-progress",
            **{due_column: due_on, done_column: done_on},
            feedback_not_possible_on=not_possible_on,
        )
        names[case.reference] = name
    shown = listed(lead, CaseFilters(sort=order))
    assert [names[reference] for reference in shown] == [name for name, *_ in expected]


def test_a_closed_case_never_counts_as_waiting_in_a_due_date_sort(
    make_case: Callable[..., Case], lead: User
) -> None:
    closed = make_case(status="closed", acknowledge_due_on=date(2026, 9, 16))
    waiting = make_case(acknowledge_due_on=date(2026, 12, 2))
    shown = listed(lead, CaseFilters(sort=SortOrder.ACKNOWLEDGE_DUE))
    assert shown == [waiting.reference, closed.reference]


def test_pages_hold_twenty_five_cases_and_the_last_page_the_rest(
    make_case: Callable[..., Case], lead: User
) -> None:
    for _ in range(PAGE_SIZE + 3):
        make_case()
    first = list_cases(db.session(), lead, CaseFilters(), page=1, today=TODAY)
    second = list_cases(db.session(), lead, CaseFilters(), page=2, today=TODAY)
    beyond = list_cases(db.session(), lead, CaseFilters(), page=99, today=TODAY)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (28, 2, 25, 3)
    assert beyond.page == 2
    assert not {row.reference for row in first.rows} & {row.reference for row in second.rows}


def test_the_list_decrypts_nothing(
    cases: dict[str, Case], lead: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the list decrypted case content")

    monkeypatch.setattr("fts_app.crypto.fields.decrypt_text", refuse)
    db.session().expire_all()
    page = list_cases(db.session(), lead, CaseFilters(), page=1, today=TODAY)
    summarise(db.session(), lead, TODAY)
    assert page.total == len(CASES)


def test_a_row_carries_its_elements_and_clocks(cases: dict[str, Case], lead: User) -> None:
    rows = list_cases(
        db.session(),
        lead,
        CaseFilters(worker_group=WorkerGroup.MEDICAL_DENTAL),
        page=1,
        today=TODAY,
    ).rows
    assert rows[0].elements == [Element.PATIENT_SAFETY, Element.WORKER_SAFETY]
    assert rows[0].clocks.overdue is True


def test_the_summary_counts_queue_overdue_and_unread(cases: dict[str, Case], lead: User) -> None:
    summary = summarise(db.session(), lead, TODAY)
    assert (summary.in_queue, summary.overdue, summary.unread) == (3, 3, 1)
