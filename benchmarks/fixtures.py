"""What the measured pages need: staff accounts signed in, and a case with a long timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from flask import Flask
from sqlalchemy import func, select

from benchmarks.environment import BenchEnvironment
from benchmarks.load import Client, LoadError, csrf_token
from fts_app import create_app, db
from fts_app.cases.enums import CaseStatus, EventKind
from fts_app.cases.models import Case, CaseEvent

OTPAUTH_URI = re.compile(r"otpauth://\S+")
TIMELINE_EVENTS = 50
TWO_FACTOR_PAGES = ("/login/two-factor", "/login/set-up-two-factor")
BENCH_PASSWORD = "bench-password-not-for-production"  # noqa: S105 - a throwaway bench account


@dataclass(frozen=True)
class StaffAccount:
    """A staff account made for the run, and its two-factor secret if the role has one."""

    email: str
    role: str
    totp_secret: str | None


def create_account(environment: BenchEnvironment, email: str, role: str) -> StaffAccount:
    """Create an account with `users create` and keep the secret of the URI it prints."""
    printed = environment.flask(
        "users", "create", "--email", email, "--role", role, "--password", BENCH_PASSWORD
    )
    return StaffAccount(email, role, totp_secret_from(printed))


def totp_secret_from(printed: str) -> str | None:
    """Return the TOTP secret of the otpauth:// URI in a command's output, if there is one."""
    match = OTPAUTH_URI.search(printed)
    if match is None:
        return None
    return pyotp.parse_uri(match.group(0)).secret


def sign_in(port: int, account: StaffAccount) -> dict[str, str]:
    """Sign in through the real pages and return the session's cookies."""
    client = Client(port, {})
    try:
        location = post_form(
            client, "/login", {"email": account.email, "password": BENCH_PASSWORD, "next": ""}
        )
        step = location.split("?")[0]
        if step.endswith(TWO_FACTOR_PAGES):
            if account.totp_secret is None:
                raise LoadError(f"{account.email} was asked for a code but has no secret")
            code = pyotp.TOTP(account.totp_secret).now()
            post_form(client, step, {"code": code})
    finally:
        client.close()
    return client.cookies


def post_form(client: Client, path: str, fields: dict[str, str]) -> str:
    """GET a form, POST it back with its CSRF token, and return where the redirect points."""
    page = client.request("GET", path)
    if page.status != 200:
        raise LoadError(f"GET {path} answered {page.status}")
    reply = client.request("POST", path, {**fields, "csrf_token": csrf_token(page.body)})
    if reply.status not in (302, 303):
        raise LoadError(f"POST {path} answered {reply.status} instead of a redirect")
    return reply.location


def app_for(environment: BenchEnvironment) -> Flask:
    """Build the app inside the benchmark's process, for direct service calls."""
    return create_app(environment.app_config())


def give_a_case_a_long_timeline(app: Flask, events: int = TIMELINE_EVENTS) -> str:
    """Bring the most recent case in progress to `events` timeline events; return its reference."""
    with app.app_context(), db.write_transaction() as session:
        case = session.scalars(
            select(Case)
            .where(Case.status == CaseStatus.IN_PROGRESS.value, Case.restricted.is_(False))
            .order_by(Case.received_on.desc())
            .limit(1)
        ).one()
        existing = session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)
        )
        start = datetime.combine(case.received_on, datetime.min.time(), tzinfo=UTC)
        for number in range(existing or 0, events):
            event = CaseEvent(
                case_id=case.id,
                kind=EventKind.NOTE.value,
                occurred_at=start + timedelta(hours=number),
            )
            session.add(event)
            event.body = f"Spoke with the person again (note {number + 1}); agreed the next step."
        return case.reference
