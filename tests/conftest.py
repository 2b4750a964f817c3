"""Shared fixtures: an app on each database backend, a client, and factories.

Every test that asks for `app` runs once on SQLite and, when FTS_TEST_POSTGRES_URL is set,
once more on PostgreSQL (the test id ends in [sqlite] or [postgresql]).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from fts_app import create_app, db
from fts_app.auth import passwords
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.auth.services import create_user, totp_secret
from fts_app.cases.enums import ConfidentialityLevel, Element, Route, WorkerGroup
from fts_app.cases.intake import NewConcern, open_case
from fts_app.cases.models import Case
from fts_app.core.cli import upgrade_database
from fts_app.crypto.keyring import generate_master_key

#: axe's per-page report, gathered from every pytest-xdist worker
pytest_plugins = ["tests.browser.axe_report"]

POSTGRES_URL = os.environ.get("FTS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TEST_PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


@pytest.fixture(autouse=True, scope="session")
def quick_argon2() -> Iterator[None]:
    """Hash with real argon2id at its lowest cost: the suite hashes hundreds of secrets."""
    production_hashers = passwords._hasher, passwords._access_code_hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._access_code_hasher = passwords._hasher
    yield
    passwords._hasher, passwords._access_code_hasher = production_hashers


@pytest.fixture(scope="session")
def master_key() -> str:
    """One master key for the whole run (tests that rotate keys make their own)."""
    return generate_master_key()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test so migrations run once."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


def worker_postgres_url(base_url: str) -> str:
    """Give each pytest-xdist worker a database of its own beside FTS_TEST_POSTGRES_URL's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base_url
    base = make_url(base_url)
    name = f"{base.database}_{worker}"
    server = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        for attempt in range(20):
            if exists:
                break
            try:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                break
            except OperationalError:
                # two workers copying template1 at once: the second waits its turn
                time.sleep(0.25 * (attempt + 1))
    server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_schema() -> str | None:
    """Recreate the PostgreSQL schema from the migrations once per run (per worker)."""
    if not POSTGRES_URL:
        return None
    url = worker_postgres_url(POSTGRES_URL)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade_database(url)
    return url


def empty_postgres(url: str) -> None:
    """Remove every row, the append-only audit trail included, between tests."""
    engine = create_engine(url)
    with engine.begin() as connection:
        # Replica mode switches off the trigger that guards the audit trail in production.
        connection.execute(text("SET session_replication_role = replica"))
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(
            text("INSERT INTO audit_head (id, last_sequence, last_hmac) VALUES (1, 0, :h)"),
            {"h": "0" * 64},
        )
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_schema: str | None,
) -> str:
    """A freshly migrated, empty database on the backend of this test's parameter."""
    if request.param == "postgresql":
        assert postgres_schema is not None
        empty_postgres(postgres_schema)
        return postgres_schema
    path = tmp_path / "fts.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(tmp_path: Path, database_url: str, master_key: str) -> dict[str, Any]:
    """The configuration the test app is built from; tests may change it before `app`."""
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "MASTER_KEYS": master_key,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "AUDIT_KEY": "test-audit-key-not-for-production",
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """The application, with an app context pushed for direct service calls."""
    application = create_app(app_config)
    with application.app_context():
        yield application
    application.extensions["fts_engine"].dispose()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a staff account: make_user(Role.GUARDIAN, email=...)."""
    counter = iter(range(1, 10_000))

    def _make(role: Role = Role.GUARDIAN, email: str | None = None, **fields: Any) -> User:
        address = email or f"{role.value}{next(counter)}@trust.nhs.example"
        with db.write_transaction() as session:
            user = create_user(session, email=address, role=role, password=TEST_PASSWORD)
            for name, value in fields.items():
                setattr(user, name, value)
        return user

    return _make


@pytest.fixture
def make_case(app: Flask) -> Callable[..., Case]:
    """Open a case: make_case(elements=[Element.BULLYING], confidentiality=...)."""

    def _make(**fields: Any) -> Case:
        actor_id = fields.pop("actor_id", None)
        concern = NewConcern(
            route=fields.pop("route", Route.EMAIL),
            confidentiality=fields.pop("confidentiality", ConfidentialityLevel.CONFIDENTIAL),
            received_on=fields.pop("received_on", date(2026, 9, 14)),
            narrative=fields.pop("narrative", "Staffing on ward 7 is unsafe at night."),
            elements=fields.pop("elements", [Element.PATIENT_SAFETY]),
            worker_group=fields.pop("worker_group", WorkerGroup.NURSES_MIDWIVES),
        )
        for name in list(fields):
            if hasattr(concern, name):
                setattr(concern, name, fields.pop(name))
        with db.write_transaction() as session:
            case = open_case(session, concern, actor_id=actor_id)
            for name, value in fields.items():
                setattr(case, name, value)
        return case

    return _make


def current_totp(user: User) -> str:
    """Return the TOTP code the user's authenticator would show now."""
    secret = totp_secret(user)
    assert secret is not None
    return pyotp.TOTP(secret).now()


def csrf_token_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def submit_form(
    client: FlaskClient, form_url: str, data: dict[str, Any], post_url: str | None = None
) -> Any:
    """GET a form, then POST `data` to it with the page's CSRF token, as a browser would."""
    page = client.get(form_url)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(post_url or form_url, data={"csrf_token": token, **data})


def sign_in(client: FlaskClient, user: User, password: str = TEST_PASSWORD) -> FlaskClient:
    """Sign `user` in through the real pages: password, then the two-factor code or its set-up."""
    response = submit_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, "the email address and password were not accepted"
    next_step = response.headers["Location"].split("?")[0]
    if next_step in ("/login/two-factor", "/login/set-up-two-factor"):
        response = submit_form(client, next_step, {"code": unused_totp(user)})
        assert response.status_code == 302, "the two-factor code was not accepted"
    return client


def unused_totp(user: User) -> str:
    """Return `current_totp(user)`, or the next step's code if this step's was already used."""
    stored = db.session().get(User, user.id)
    assert stored is not None
    totp = pyotp.TOTP(totp_secret(stored))
    if stored.last_totp_step is None or stored.last_totp_step < int(time.time()) // totp.interval:
        return current_totp(stored)
    # the same person signed in twice within one step: the server accepts one step ahead
    return totp.generate_otp(stored.last_totp_step + 1)


@pytest.fixture(params=BACKENDS)
def blank_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own with no tables, so the migrations can be run from the start."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrating.sqlite3'}"
        return
    assert POSTGRES_URL is not None
    name = f"migrating_{secrets.token_hex(4)}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        server.dispose()
