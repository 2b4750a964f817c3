"""Every route against every role and signed-out: deny by default, and a hidden case is a 404.

A new route fails `test_every_route_has_an_entry` until it is given a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fts_app import db
from fts_app.admin.models import Directorate
from fts_app.admin.services import create_account
from fts_app.auth.approvals import pending_approvals
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.cases.models import Case
from fts_app.quarters import parse_quarter
from fts_app.reports.services import release_report
from tests.conftest import csrf_token_from, sign_in

SIGNED_OUT = "signed-out"
ROLES = (SIGNED_OUT, *(role.value for role in Role))
OK = "ok"  # GET: 200; POST: handled (not 404, not sent to sign in, no server error)
LOGIN = "login"  # sent to the sign-in page
NOT_FOUND = 404
ANY = "any"  # open to all; the page may redirect on its own terms, never a 404 or 500
QUARTER = "2026-27-Q2"
#: the board sees released reports only (tests/reports/test_board_release.py has the rest)
RELEASED = "2026-27-Q1"


@dataclass(frozen=True)
class Route:
    """One row: how to call a route and what each role should get."""

    method: str
    url: str
    allowed: frozenset[str] | None  # None: open to everyone


def staff(method: str, url: str, *roles: Role) -> Route:
    return Route(method, url, frozenset(role.value for role in roles))


def public(method: str, url: str) -> Route:
    return Route(method, url, None)


GUARDIANS = (Role.GUARDIAN, Role.LEAD_GUARDIAN)
READERS = (Role.BOARD, Role.GUARDIAN, Role.LEAD_GUARDIAN)
STAFF = tuple(Role)
CASE = "/cases/{reference}"

MATRIX: dict[str, Route] = {
    "static": public("GET", "/static/app.css"),
    "core.start": public("GET", "/"),
    "core.health": public("GET", "/healthz"),
    "core.accessibility": public("GET", "/accessibility"),
    "speakup.start": public("GET", "/speak-up"),
    "speakup.new_concern": public("GET", "/speak-up/new"),
    "speakup.follow_up": public("GET", "/speak-up/follow-up"),
    "speakup.reply": public("POST", "/speak-up/follow-up/reply"),
    "speakup.speak_up_again": public("POST", "/speak-up/follow-up/speak-up-again"),
    "speakup.check_in": public("POST", "/speak-up/follow-up/check-in"),
    "speakup.sign_out": public("POST", "/speak-up/follow-up/sign-out"),
    "auth.login": public("GET", "/login"),
    "auth.two_factor": public("GET", "/login/two-factor"),
    "auth.set_up_two_factor": public("GET", "/login/set-up-two-factor"),
    "auth.first_admin_link": public("GET", "/setup/first-admin/not-a-real-token"),
    "auth.first_admin": public("GET", "/setup/first-admin"),
    "auth.set_up_link": public("GET", "/account/set-up/not-a-real-token"),
    "auth.set_up_account": public("GET", "/account/set-up"),
    "auth.approvals": staff("GET", "/account-approvals", Role.LEAD_GUARDIAN),
    "auth.approve": staff("POST", "/account-approvals/{approval}/approve", Role.LEAD_GUARDIAN),
    "auth.refuse": staff("POST", "/account-approvals/{other_approval}/refuse", Role.LEAD_GUARDIAN),
    "auth.password": staff("GET", "/account/password", *STAFF),
    "admin.index": staff("GET", "/admin/", Role.ADMIN),
    "admin.accounts": staff("GET", "/admin/accounts", Role.ADMIN),
    "admin.account": staff("GET", "/admin/accounts/{other_user}", Role.ADMIN),
    "admin.new_account": staff("GET", "/admin/accounts/new", Role.ADMIN),
    "admin.deactivate_account": staff(
        "POST", "/admin/accounts/{other_user}/deactivate", Role.ADMIN
    ),
    "admin.reactivate_account": staff(
        "POST", "/admin/accounts/{other_user}/reactivate", Role.ADMIN
    ),
    "admin.reset_sign_in": staff("POST", "/admin/accounts/{other_user}/reset-sign-in", Role.ADMIN),
    "admin.settings": staff("GET", "/admin/settings", Role.ADMIN),
    "admin.directorates": staff("GET", "/admin/directorates", Role.ADMIN),
    "admin.rename_directorate_form": staff(
        "GET", "/admin/directorates/{directorate}/rename", Role.ADMIN
    ),
    "admin.deactivate_directorate": staff(
        "POST", "/admin/directorates/{directorate}/deactivate", Role.ADMIN
    ),
    "admin.reactivate_directorate": staff(
        "POST", "/admin/directorates/{directorate}/reactivate", Role.ADMIN
    ),
    "admin.sign_in_record": staff("GET", "/admin/sign-in-events", Role.ADMIN),
    "cases.case_list": staff("GET", "/cases", *GUARDIANS),
    "cases.new_case": staff("GET", "/cases/new", *GUARDIANS),
    "cases.case_page": staff("GET", CASE, *GUARDIANS),
    "cases.show_identity": staff("POST", CASE + "/identity", *GUARDIANS),
    "cases.take": staff("POST", CASE + "/take", *GUARDIANS),
    "cases.new_access_code": staff("POST", CASE + "/access-code", *GUARDIANS),
    "cases.export": staff("GET", CASE + "/export", *GUARDIANS),
    "cases.audit_history_page": staff("GET", CASE + "/audit-history", *GUARDIANS),
    "cases.record_entry": staff("GET", CASE + "/note", *GUARDIANS),
    "cases.retention_change": staff("GET", "/retention-change", Role.LEAD_GUARDIAN),
    "cases.confirm_retention_change": staff(
        "POST", "/retention-change/confirm", Role.LEAD_GUARDIAN
    ),
    "cases.refuse_retention_change": staff("POST", "/retention-change/refuse", Role.LEAD_GUARDIAN),
    "reports.board_report": staff("GET", f"/reports/board?quarter={RELEASED}", *READERS),
    "reports.board_report_csv": staff("GET", f"/reports/board.csv?quarter={RELEASED}", *READERS),
    "reports.board_report_pdf": staff("GET", f"/reports/board.pdf?quarter={RELEASED}", *READERS),
    "reports.edit_narrative": staff(
        "GET", f"/reports/board/narrative?quarter={QUARTER}", Role.LEAD_GUARDIAN
    ),
    "reports.release": staff("POST", "/reports/board/release", Role.LEAD_GUARDIAN),
    "reports.national_return_page": staff(
        "GET", f"/reports/national-return?quarter={QUARTER}", *GUARDIANS
    ),
    "reports.national_return_download": staff(
        "GET", f"/reports/national-return.csv?quarter={QUARTER}", *GUARDIANS
    ),
    # last: it ends the session every earlier row relied on
    "auth.confirm_logout": public("GET", "/logout"),
    "auth.logout": public("POST", "/logout"),
}
#: pages whose URL holds a secret, or that need one opened first: a 404 for everyone without
EXPECTED_OVERRIDES = {
    "auth.first_admin_link": NOT_FOUND,
    "auth.first_admin": NOT_FOUND,
    "auth.set_up_link": NOT_FOUND,
}


def expected(endpoint: str, route: Route, role: str) -> str | int:
    """Return what `role` should get from the route."""
    if endpoint in EXPECTED_OVERRIDES:
        return EXPECTED_OVERRIDES[endpoint]
    if route.allowed is None:
        return OK if route.method == "GET" and endpoint not in LOOSE_PUBLIC else ANY
    if role == SIGNED_OUT:
        return LOGIN
    return OK if role in route.allowed else NOT_FOUND


#: public pages that lead a signed-in person elsewhere, or need a step first
LOOSE_PUBLIC = {"auth.login", "auth.two_factor", "auth.set_up_two_factor", "auth.set_up_account"}


def outcome(response, method: str) -> str | int:  # type: ignore[no-untyped-def]
    """Classify a response the way the matrix speaks of it."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/login" in location:
        return LOGIN
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code >= 500:
        return response.status_code
    if method == "GET" and response.status_code != 200:
        return response.status_code
    return OK


def is_server_error(got: str | int) -> bool:
    return isinstance(got, int) and got >= 500


@pytest.fixture
def places(make_user: Callable[..., User], make_case: Callable[..., Case]) -> dict[str, str]:
    """The things a URL names: another account, a directorate, a released board report."""
    other = make_user(Role.GUARDIAN, email="other@trust.nhs.example")
    released = parse_quarter(RELEASED)
    make_case(received_on=released.first_day)
    lead = make_user(Role.LEAD_GUARDIAN, email="releasing-lead@trust.nhs.example")
    release_report(released, actor_id=lead.id, today=released.last_day + timedelta(days=1))
    with db.write_transaction() as session:
        directorate = Directorate(name="Surgery")
        session.add(directorate)
        session.flush()
        directorate_id = directorate.id
    admin = make_user(Role.ADMIN, email="approvals-admin@trust.nhs.example")
    approvals = [
        create_account(
            admin.id, role=Role.GUARDIAN, email=f"{name}@trust.nhs.example", display_name=name
        )
        for name in ("waiting", "also-waiting")
    ]
    approval_ids = [str(pending.id) for pending in pending_approvals(db.session())]
    assert len(approvals) == len(approval_ids)
    return {
        "other_user": str(other.id),
        "directorate": str(directorate_id),
        "approval": approval_ids[0],
        "other_approval": approval_ids[1],
    }


def person_for(role: str, make_user: Callable[..., User]) -> User | None:
    return None if role == SIGNED_OUT else make_user(Role(role))


def csrf_token(client: FlaskClient, role: str) -> str:
    page = "/login" if role == SIGNED_OUT else "/account/password"
    return csrf_token_from(client.get(page).get_data(as_text=True))


def test_every_route_has_an_entry(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - MATRIX.keys() == set(), "give each new route a row in MATRIX"
    assert MATRIX.keys() - endpoints == set(), "remove rows of routes that are gone"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_matrix_says(
    app: Flask,
    role: str,
    places: dict[str, str],
    make_user: Callable[..., User],
    make_case: Callable[..., Case],
) -> None:
    person = person_for(role, make_user)
    client = app.test_client()
    if person is not None:
        sign_in(client, person)
    # The case is held by the guardian under test, or by another guardian for everyone else.
    holder = person if role == Role.GUARDIAN.value else make_user(Role.GUARDIAN)
    case = make_case(actor_id=holder.id if holder else None)
    values = {**places, "reference": case.reference}
    mismatches = []
    for endpoint, route in MATRIX.items():
        url = route.url.format(**values)
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_token(client, role)})
        want = expected(endpoint, route, role)
        got = outcome(response, route.method)
        if got == want or (want == ANY and got != NOT_FOUND and not is_server_error(got)):
            continue
        mismatches.append(f"{route.method} {url}: expected {want}, got {got}")
    assert mismatches == []
