"""Random and malicious input at every form and query parameter: never a server error, nothing
rendered as markup, nothing stored half-way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fts_app import db
from fts_app.admin.services import create_account
from fts_app.audit.services import verify
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.set_up import reset_sign_in
from fts_app.cases.models import Case
from tests.auth.support import set_up_link
from tests.conftest import csrf_token_from, sign_in

MARKUP = [
    "<script>alert('fts-xss')</script>",
    "\"><img src=x onerror=alert('fts-xss')>",
    "<svg onload=alert('fts-xss')>",
    "javascript:alert('fts-xss')",
]
#: what must never appear in a page: our payloads' tags, unescaped
FORBIDDEN_IN_PAGES = ["<script>alert('fts-xss')", "<img src=x onerror", "<svg onload"]
HOSTILE = [
    *MARKUP,
    "'; DROP TABLE cases; --",
    "1' OR '1'='1",
    "\x00",
    "before\x00after",
    "\ud800",
    "lone \udfff surrogate",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "${7*7}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "😀🩺 emoji",
    "\u202eright-to-left",
    "\r\n\r\nSet-Cookie: injected=1",
    " ",
    "",
    "9" * 400,
    "-1",
    "2026-02-30",
]
#: stands for a 1 MB text, swapped in when sending so a failure report stays readable
ONE_MEGABYTE = "<one megabyte of text>"
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200), st.just(ONE_MEGABYTE))


def expanded(value: str) -> str:
    return "A" * 1_000_000 if value == ONE_MEGABYTE else value


EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Target:
    """A form or page, who uses it, and the fields it reads."""

    role: Role | None
    method: str
    url: str
    fields: tuple[str, ...]
    #: sent from a browser that has just opened a set-up link for an account made in the admin
    through_set_up_link: bool = False


def date_fields(*names: str) -> tuple[str, ...]:
    return tuple(f"{name}-{part}" for name in names for part in ("day", "month", "year"))


CASE = "/cases/{reference}"
TARGETS = {
    "portal-new-concern": Target(
        None,
        "POST",
        "/speak-up/new",
        (
            "narrative",
            "location",
            "directorate",
            "when_day",
            "when_month",
            "when_year",
            "when_description",
            "harm",
            "harm_details",
            "raised_before",
            "raised_before_details",
            "raised_with",
            "outcome_hoped",
            "elements",
            "worker_group",
            "confidentiality",
            "contact_name",
            "contact_details",
            "ethnicity",
            "disability",
            "sex",
            "sexual_orientation",
            "religion",
            "age_band",
            "form_id",
        ),
    ),
    "portal-follow-up": Target(None, "POST", "/speak-up/follow-up", ("reference", "access_code")),
    "sign-in": Target(None, "POST", "/login", ("email", "password", "next")),
    "sign-in-next": Target(None, "GET", "/login", ("next",)),
    "set-up-password": Target(
        None, "POST", "/account/set-up", ("password", "confirm_password"), through_set_up_link=True
    ),
    "new-case": Target(
        Role.GUARDIAN,
        "POST",
        "/cases/new",
        (
            "route",
            "confidentiality",
            "elements",
            "worker_group",
            "directorate_id",
            "narrative",
            "contact_name",
            "contact_details",
            "give_access_code",
            "restricted",
            *date_fields("received_on"),
        ),
    ),
    "case-note": Target(Role.GUARDIAN, "POST", CASE + "/note", ("body",)),
    "case-escalation": Target(
        Role.GUARDIAN,
        "POST",
        CASE + "/escalation",
        ("target", "reason", *date_fields("happened_on")),
    ),
    "case-close": Target(
        Role.GUARDIAN, "POST", CASE + "/close", ("outcome", "learning", "open_actions")
    ),
    "case-unknown-entry": Target(Role.GUARDIAN, "GET", CASE + "/{value}", ()),
    "case-audit-history": Target(Role.GUARDIAN, "GET", CASE + "/audit-history", ("page",)),
    "sign-in-record": Target(Role.ADMIN, "GET", "/admin/sign-in-events", ("page",)),
    "dashboard": Target(
        Role.GUARDIAN,
        "GET",
        "/cases",
        (
            "status",
            "scope",
            "element",
            "route",
            "worker_group",
            "directorate",
            "confidentiality",
            "received_from",
            "received_to",
            "reference",
            "overdue",
            "unread",
            "sort",
            "page",
        ),
    ),
    "admin-settings": Target(
        Role.ADMIN,
        "POST",
        "/admin/settings",
        (
            "organisation_name",
            "acknowledge_working_days",
            "first_feedback_days",
            "substantive_feedback_months",
            "detriment_check_in_months",
            "retention_years",
            "suppression_threshold",
            "national_return_due_days",
        ),
    ),
    "board-report": Target(Role.BOARD, "GET", "/reports/board", ("quarter",)),
    "board-report-csv": Target(Role.BOARD, "GET", "/reports/board.csv", ("quarter",)),
    "national-return": Target(Role.GUARDIAN, "GET", "/reports/national-return.csv", ("quarter",)),
    "report-narrative": Target(
        Role.LEAD_GUARDIAN,
        "POST",
        "/reports/board/narrative?quarter=2026-27-Q2",
        ("themes_and_barriers", "learning_and_actions"),
    ),
}


def encoded(fields: dict[str, str]) -> bytes:
    """Form-encode as a browser would, keeping lone surrogates as the raw bytes a client sends."""
    return b"&".join(
        quote_from_bytes(name.encode()).encode()
        + b"="
        + quote_from_bytes(expanded(value).encode("utf-8", errors="surrogatepass")).encode()
        for name, value in fields.items()
    )


def send(client: FlaskClient, target: Target, url: str, fields: dict[str, str]):  # type: ignore[no-untyped-def]
    if target.method == "GET":
        query = encoded(fields).decode()
        return client.get(f"{url}{'&' if '?' in url else '?'}{query}" if query else url)
    token = csrf_token_from(client.get(url if "{" not in url else "/").get_data(as_text=True))
    body = encoded({"csrf_token": token, **fields})
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def set_up_link_opener(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> Callable[[], None]:
    """Return a function that resets an admin-made account and opens its new link in `client`."""
    admin = make_user(Role.ADMIN)
    person = create_account(
        admin.id, role=Role.BOARD, email="set.up@trust.nhs.example", display_name="Jo"
    ).user

    def open_link() -> None:
        with db.write_transaction() as session:
            account = session.get(User, person.id)
            assert account is not None
            if not account.must_set_password:
                reset_sign_in(session, account, actor_id=admin.id)
        assert client.get(set_up_link(app, person.email)).status_code == 302

    return open_link


def case_count() -> int:
    db.session().expire_all()
    return db.session().scalar(select(func.count()).select_from(Case)) or 0


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hostile_input_never_breaks_or_injects(
    app: Flask,
    client: FlaskClient,
    name: str,
    make_user: Callable[..., User],
    make_case: Callable[..., Case],
) -> None:
    target = TARGETS[name]
    if target.role is not None:
        person = make_user(target.role)
        sign_in(client, person)
        holder = person if target.role == Role.GUARDIAN else make_user(Role.GUARDIAN)
    else:
        holder = make_user(Role.GUARDIAN)
    case = make_case(actor_id=holder.id)
    open_a_set_up_link = (
        set_up_link_opener(app, client, make_user) if target.through_set_up_link else None
    )

    @EXAMPLES
    @given(values=st.fixed_dictionaries({field: VALUES for field in target.fields}), path=VALUES)
    def attack(values: dict[str, str], path: str) -> None:
        url = target.url.format(
            reference=case.reference,
            value=quote_from_bytes(path.encode("utf-8", errors="surrogatepass")[:200], safe="")
            or "x",
        )
        before = case_count()
        if open_a_set_up_link is not None:
            open_a_set_up_link()
        response = send(client, target, url, values)
        assert response.status_code < 500, f"{name}: {response.status_code}"
        page = response.get_data(as_text=True)
        for forbidden in FORBIDDEN_IN_PAGES:
            assert forbidden not in page, f"{name}: unescaped markup in the page"
        created = case_count() - before
        assert created in (0, 1)
        if created and name == "portal-new-concern":
            newest = db.session().scalars(select(Case).order_by(Case.created_at.desc())).first()
            assert newest is not None and newest.narrative == expanded(values["narrative"])

    attack()
    assert verify(db.session()).intact
