"""Who sees which case: the queue, assignment, sharing, the lead guardian and restriction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from fts_app import db
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.access import CaseNotVisible, find_visible_case, visible_cases
from fts_app.cases.dashboard import CaseFilters, Scope, StatusFilter, list_cases, summarise
from fts_app.cases.models import Case, CaseAccess

from .conftest import TODAY

ME, LEAD, ADMIN, BOARD = "guardian", "lead guardian", "administrator", "board member"


def setting_up(status: str = "new", restricted: bool = False, **named: str) -> dict:
    """Describe a case: its status, restriction, and who is named on it (user key -> kind)."""
    return {"status": status, "restricted": restricted, "named": named}


SITUATIONS = {
    "new and unassigned, in the queue": setting_up(),
    "assigned to me": setting_up("in-progress", me="assigned"),
    "shared with me": setting_up("in-progress", other="assigned", me="shared"),
    "assigned to another guardian": setting_up("in-progress", other="assigned"),
    "new but already taken by another guardian": setting_up("new", other="assigned"),
    "in progress with no one assigned": setting_up("in-progress"),
    "closed and assigned to another guardian": setting_up("closed", other="assigned"),
    "restricted, assigned to another guardian": setting_up(
        "in-progress", restricted=True, other="assigned"
    ),
    "restricted, shared with me": setting_up(
        "in-progress", restricted=True, other="assigned", me="shared"
    ),
    "restricted, shared with the lead guardian": setting_up(
        "in-progress", restricted=True, other="assigned", lead="shared"
    ),
    "restricted and new, no one named": setting_up("new", restricted=True),
}

#: who can see each situation: guardian, lead guardian, administrator, board member
ACCESS_MATRIX = [
    ("new and unassigned, in the queue", {ME, LEAD}),
    ("assigned to me", {ME, LEAD}),
    ("shared with me", {ME, LEAD}),
    ("assigned to another guardian", {LEAD}),
    ("new but already taken by another guardian", {LEAD}),
    ("in progress with no one assigned", {LEAD}),
    ("closed and assigned to another guardian", {LEAD}),
    ("restricted, assigned to another guardian", set()),
    ("restricted, shared with me", {ME}),
    ("restricted, shared with the lead guardian", {LEAD}),
    ("restricted and new, no one named", set()),
]


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        ME: make_user(Role.GUARDIAN),
        "other": make_user(Role.GUARDIAN),
        LEAD: make_user(Role.LEAD_GUARDIAN),
        ADMIN: make_user(Role.ADMIN),
        BOARD: make_user(Role.BOARD),
    }


def arrange(make_case: Callable[..., Case], people: dict[str, User], situation: str) -> Case:
    plan = SITUATIONS[situation]
    case = make_case(status=plan["status"], restricted=plan["restricted"])
    user_keys = {"me": ME, "other": "other", "lead": LEAD}
    with db.write_transaction() as session:
        for key, kind in plan["named"].items():
            session.add(CaseAccess(case_id=case.id, user_id=people[user_keys[key]].id, kind=kind))
    return case


@pytest.mark.parametrize("viewer", [ME, LEAD, ADMIN, BOARD])
def test_access_matrix(
    make_case: Callable[..., Case], people: dict[str, User], viewer: str
) -> None:
    cases = {situation: arrange(make_case, people, situation) for situation, _ in ACCESS_MATRIX}
    expected = {situation for situation, who_sees_it in ACCESS_MATRIX if viewer in who_sees_it}
    user = people[viewer]
    by_reference = {case.reference: situation for situation, case in cases.items()}
    listed = list_cases(
        db.session(), user, CaseFilters(status=StatusFilter.ALL), page=1, today=TODAY
    )
    assert {by_reference[row.reference] for row in listed.rows} == expected
    assert listed.total == len(expected)
    opened = set()
    for situation, case in cases.items():
        try:
            find_visible_case(db.session(), case.reference, user)
            opened.add(situation)
        except CaseNotVisible:
            pass
    assert opened == expected


def test_a_purged_case_is_seen_by_no_one(
    make_case: Callable[..., Case], people: dict[str, User]
) -> None:
    case = arrange(make_case, people, "assigned to me")
    with db.write_transaction() as session:
        session.get(Case, case.id).purged_at = session.get(Case, case.id).created_at
    for viewer in (ME, LEAD):
        count = db.session().scalar(
            select(func.count()).select_from(visible_cases(people[viewer]).subquery())
        )
        assert count == 0


def test_the_queue_filter_shows_only_new_unassigned_cases(
    make_case: Callable[..., Case], people: dict[str, User]
) -> None:
    queued = arrange(make_case, people, "new and unassigned, in the queue")
    arrange(make_case, people, "assigned to me")
    page = list_cases(db.session(), people[ME], CaseFilters(scope=Scope.QUEUE), page=1, today=TODAY)
    assert [row.reference for row in page.rows] == [queued.reference]


def test_mine_shows_cases_assigned_to_or_shared_with_me(
    make_case: Callable[..., Case], people: dict[str, User]
) -> None:
    arrange(make_case, people, "new and unassigned, in the queue")
    mine = arrange(make_case, people, "assigned to me")
    shared = arrange(make_case, people, "shared with me")
    page = list_cases(db.session(), people[ME], CaseFilters(scope=Scope.MINE), page=1, today=TODAY)
    assert {row.reference for row in page.rows} == {mine.reference, shared.reference}


class TestRestrictedCasesAreInvisibleToOthers:
    """A restricted case leaves no trace for the lead guardian unless it is shared with them."""

    @pytest.fixture
    def restricted(self, make_case: Callable[..., Case], people: dict[str, User]) -> Case:
        case = arrange(make_case, people, "restricted, assigned to another guardian")
        with db.write_transaction() as session:
            stored = session.get(Case, case.id)
            # overdue and with an unread message, so every count would include it if it could
            stored.acknowledge_due_on = date(2026, 9, 15)
            stored.unread_for_guardian = True
        return case

    @pytest.fixture
    def visible(self, make_case: Callable[..., Case], people: dict[str, User]) -> Case:
        case = arrange(make_case, people, "assigned to another guardian")
        with db.write_transaction() as session:
            stored = session.get(Case, case.id)
            stored.acknowledge_due_on = date(2026, 9, 15)
            stored.unread_for_guardian = True
        return case

    def test_absent_from_the_list(
        self, restricted: Case, visible: Case, people: dict[str, User]
    ) -> None:
        page = list_cases(
            db.session(), people[LEAD], CaseFilters(status=StatusFilter.ALL), page=1, today=TODAY
        )
        assert [row.reference for row in page.rows] == [visible.reference]
        assert page.total == 1

    @pytest.mark.parametrize("typed", ["exact", "partial"])
    def test_absent_from_search(
        self, restricted: Case, visible: Case, people: dict[str, User], typed: str
    ) -> None:
        search = restricted.reference if typed == "exact" else restricted.reference[-4:]
        page = list_cases(
            db.session(),
            people[LEAD],
            CaseFilters(status=StatusFilter.ALL, reference=search),
            page=1,
            today=TODAY,
        )
        assert restricted.reference not in [row.reference for row in page.rows]

    def test_absent_from_counts(
        self, restricted: Case, visible: Case, people: dict[str, User]
    ) -> None:
        summary = summarise(db.session(), people[LEAD], TODAY)
        assert (summary.overdue, summary.unread) == (1, 1)

    def test_still_counted_for_the_guardian_named_on_it(
        self, restricted: Case, people: dict[str, User]
    ) -> None:
        summary = summarise(db.session(), people["other"], TODAY)
        assert (summary.overdue, summary.unread) == (1, 1)


def test_a_restricted_case_never_sits_in_the_queue(
    make_case: Callable[..., Case], people: dict[str, User]
) -> None:
    make_case(restricted=True)
    assert summarise(db.session(), people[ME], TODAY).in_queue == 0
    assert summarise(db.session(), people[LEAD], TODAY).in_queue == 0
