"""The database: declarative base, one engine per app, a session per app context."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import MetaData, String, create_engine, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from fts_app.choices import Choice
from fts_app.config import make_sqlite_file_private

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000
IMMEDIATE = "fts_immediate"
#: PostgreSQL advisory lock every write transaction takes ("FTSU" in ASCII)
WRITE_LOCK_KEY = 0x46545355


class Base(DeclarativeBase):
    """Base of every model; constraint names follow one convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UnknownStoredValue(ValueError):
    """A column of an enumeration holds, or was handed, a value the enumeration does not name."""


class StrEnumType(TypeDecorator[Choice]):
    """A column holding a member of one enumeration, stored as its value in a plain VARCHAR.

    The schema is the same as a String column's, so reports still group and filter in SQL;
    rows hand back members, and a value the enumeration does not name fails instead of passing
    through as a string.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[Choice], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self._members = {member.value: member for member in enum}

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Store a member (or its value) as its value."""
        return None if value is None else self._member(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Choice | None:
        """Hand back the member a stored value names."""
        return None if value is None else self._member(value)

    def _member(self, value: Any) -> Choice:
        try:
            return self._members[value]
        except (KeyError, TypeError):
            raise UnknownStoredValue(f"{value!r} is not a {self.enum.__name__}") from None

    @property
    def python_type(self) -> type[Choice]:
        """Name the enumeration as the column's Python type."""
        return self.enum


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    if url.startswith("sqlite"):
        make_sqlite_file_private(url)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself, so a write transaction can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # deleted rows are overwritten with zeros, so a shredded case leaves nothing in free space
        cursor.execute("PRAGMA secure_delete=ON")
        # ~20 MB of page cache per connection: list counts over 100,000 cases stay in memory.
        cursor.execute("PRAGMA cache_size=-20000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write that starts as a read can fail under concurrency; writers take the lock first.
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask, url: str) -> None:
    """Attach an engine and session factory to the app."""
    engine = make_engine(url)
    app.extensions["fts_engine"] = engine
    app.extensions["fts_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["fts_engine"]


def session() -> Session:
    """Return the session of the current app context, opening it on first use."""
    if "fts_session" not in g:
        g.fts_session = current_app.extensions["fts_sessionmaker"]()
    return g.fts_session


def _close_session(_error: BaseException | None) -> None:
    opened = g.pop("fts_session", None)
    if opened is not None:
        opened.close()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a service's writes in one transaction: all of it commits, or none of it."""
    current = session()
    if current.in_transaction():
        # End the read snapshot the view used, so the write starts from the latest state.
        current.commit()
    # Rows the page loaded earlier keep the values read then; reload them in this transaction,
    # so rules such as a code's single use see every write committed before it.
    current.expire_all()
    connection = current.connection(execution_options={IMMEDIATE: True})
    if connection.dialect.name == "postgresql":
        # Queue writers as BEGIN IMMEDIATE does on SQLite, so rules checked before writing hold.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    try:
        yield current
        current.commit()
    except BaseException:
        current.rollback()
        raise


def is_sqlite() -> bool:
    """Tell whether the current app runs on the embedded SQLite database."""
    return engine().dialect.name == "sqlite"


def scrub_deleted_data(table_names: Sequence[str]) -> None:
    """Leave nothing of deleted rows in the database's own files, as far as the database can.

    SQLite zeroes deleted content as it goes (secure_delete); its write-ahead log still holds
    the pages as they were, so it is checkpointed into the database and truncated to nothing.
    PostgreSQL keeps deleted row versions until VACUUM reclaims them, so the tables are vacuumed.
    What backups and WAL archives already hold is beyond reach (README, "Keys and backups").
    """
    current = engine()
    if current.dialect.name == "sqlite":
        with current.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            logger.warning("The write-ahead log could not be truncated: a reader held it open.")
        return
    with current.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in table_names:
            connection.exec_driver_sql(f'VACUUM "{name}"')


def refresh_statistics() -> None:
    """Refresh the query planner's statistics after a migration or a bulk load."""
    with engine().begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA optimize=0x10002")
        else:
            connection.exec_driver_sql("ANALYZE")
