"""Who may restrict a case, and why a restricted case can never be buried out of reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from fts_app import db
from fts_app.admin.services import AdminError, set_account_active
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases import assignment, reading
from fts_app.cases.access import CaseNotVisible
from fts_app.cases.assignment import RestrictedHolding, restricted_holdings
from fts_app.cases.models import Case
from fts_app.cases.writes import CaseActionRefused
from tests.conftest import sign_in

from .conftest import reload


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN)


def test_a_guardian_who_sees_a_case_only_in_the_queue_cannot_restrict_it(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    queued = make_case()
    with pytest.raises(CaseActionRefused, match="Only the lead guardian or a guardian assigned"):
        assignment.set_restricted(queued.reference, guardian, True)
    assert reload(queued).restricted is False
    assert reading.view_case(queued.reference, lead).id == queued.id


def test_a_guardian_it_is_only_shared_with_cannot_restrict_it(
    make_case: Callable[..., Case], guardian: User, other_guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.share_case(case.reference, guardian, other_guardian.id)
    with pytest.raises(CaseActionRefused, match="assigned to this case"):
        assignment.set_restricted(case.reference, other_guardian, True)


def test_the_assigned_guardian_or_the_lead_may_restrict_it(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    mine, queued = make_case(actor_id=guardian.id), make_case()
    assignment.set_restricted(mine.reference, guardian, True)
    assignment.set_restricted(queued.reference, lead, True)
    assert reload(mine).restricted and reload(queued).restricted


def test_the_lead_sees_that_a_restricted_case_exists_and_who_holds_it_but_cannot_open_it(
    make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.set_restricted(case.reference, guardian, True)
    with pytest.raises(CaseNotVisible):
        reading.view_case(case.reference, lead)
    assert restricted_holdings(db.session()) == [
        RestrictedHolding(case.reference, ("Gita Guardian",))
    ]


def test_the_lead_dashboard_lists_restricted_references_and_holders_only(
    client: FlaskClient, make_case: Callable[..., Case], guardian: User, lead: User
) -> None:
    case = make_case(actor_id=guardian.id, narrative="Marker-4410: theft from the drug cupboard.")
    assignment.set_restricted(case.reference, guardian, True)
    page = sign_in(client, lead).get("/cases").get_data(as_text=True)
    assert 'id="restricted-cases"' in page
    assert f"{case.reference}: Gita Guardian" in page
    assert "Marker-4410" not in page


def test_a_guardian_dashboard_has_no_list_of_restricted_cases(
    client: FlaskClient, make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.set_restricted(case.reference, guardian, True)
    page = sign_in(client, guardian).get("/cases").get_data(as_text=True)
    assert 'id="restricted-cases"' not in page


def test_the_last_active_guardian_of_a_restricted_case_cannot_be_deactivated(
    make_case: Callable[..., Case], guardian: User, other_guardian: User, admin: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.set_restricted(case.reference, guardian, True)
    with pytest.raises(AdminError, match="only active guardian on 1 restricted case"):
        set_account_active(admin.id, guardian.id, active=False)
    assert db.session().scalar(select(User.is_active).where(User.id == guardian.id)) is True


def test_once_another_active_guardian_holds_it_the_first_can_be_deactivated(
    make_case: Callable[..., Case], guardian: User, other_guardian: User, admin: User
) -> None:
    case = make_case(actor_id=guardian.id)
    assignment.set_restricted(case.reference, guardian, True)
    assignment.share_case(case.reference, guardian, other_guardian.id)
    set_account_active(admin.id, guardian.id, active=False)
    assert db.session().scalar(select(User.is_active).where(User.id == guardian.id)) is False
    assert restricted_holdings(db.session()) == [
        RestrictedHolding(case.reference, ("Sam Guardian",))
    ]
