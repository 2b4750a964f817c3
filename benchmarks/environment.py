"""A fresh instance folder and database for one run, and the app's commands run against them."""

from __future__ import annotations

import os
import platform
import secrets
import sqlite3
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fts_app.config import REPOSITORY_ROOT, SQLITE_FILE
from fts_app.crypto.keyring import generate_master_key

#: packages whose versions go into the results, so runs on different software can be told apart
REPORTED_PACKAGES = (
    "flask",
    "werkzeug",
    "jinja2",
    "sqlalchemy",
    "gunicorn",
    "cryptography",
    "psycopg",
)
COMMAND_TIMEOUT_SECONDS = 3600
#: a submission budget no benchmark run spends, so every posted submission is measured
BENCH_SUBMISSION_BURST = 1_000_000_000


class CommandFailed(Exception):
    """A `flask --app wsgi` command exited with an error."""


@dataclass(frozen=True)
class BenchEnvironment:
    """One instance folder, one database and the keys that open it."""

    instance_path: Path
    database_url: str
    master_keys: str
    secret_key: str
    audit_key: str

    @classmethod
    def fresh(cls, folder: Path, database_url: str | None) -> BenchEnvironment:
        """Make a new instance folder under `folder` and an empty database for it."""
        instance_path = folder / "instance"
        instance_path.mkdir(mode=0o700, parents=True)
        url = database_url or f"sqlite:///{instance_path / SQLITE_FILE}"
        if not url.startswith("sqlite"):
            recreate_postgres_database(url)
        return cls(
            instance_path=instance_path,
            database_url=url,
            master_keys=generate_master_key(),
            secret_key=secrets.token_urlsafe(48),
            audit_key=secrets.token_urlsafe(48),
        )

    def elsewhere(self, folder: Path, suffix: str) -> BenchEnvironment:
        """Return the same keys over another new, empty database (to restore a backup into)."""
        instance_path = folder / f"instance-{suffix}"
        instance_path.mkdir(mode=0o700, parents=True)
        if self.is_sqlite:
            url = f"sqlite:///{instance_path / SQLITE_FILE}"
        else:
            parsed = make_url(self.database_url)
            url = parsed.set(database=f"{parsed.database}_{suffix}").render_as_string(
                hide_password=False
            )
            recreate_postgres_database(url)
        return replace(self, instance_path=instance_path, database_url=url)

    def with_new_master_key(self) -> BenchEnvironment:
        """Return the environment with a new first master key, the old one still listed."""
        return replace(self, master_keys=f"{generate_master_key()},{self.master_keys}")

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the run uses the embedded database."""
        return self.database_url.startswith("sqlite")

    def variables(self) -> dict[str, str]:
        """Return the process environment the app's servers and commands run with."""
        return {
            **os.environ,
            "FTS_INSTANCE_PATH": str(self.instance_path),
            "FTS_DATABASE_URL": self.database_url,
            "FTS_MASTER_KEYS": self.master_keys,
            "FTS_SECRET_KEY": self.secret_key,
            "FTS_AUDIT_KEY": self.audit_key,
            # the load posts far more submissions than the portal's budget lets through in a
            # minute (README "Benchmark"); the budget's own row update still runs on each
            "FTS_SUBMISSION_BURST": str(BENCH_SUBMISSION_BURST),
        }

    def app_config(self) -> dict[str, Any]:
        """Return the configuration for building the app inside the benchmark's own process."""
        return {
            "INSTANCE_PATH": str(self.instance_path),
            "DATABASE_URL": self.database_url,
            "MASTER_KEYS": self.master_keys,
            "SECRET_KEY": self.secret_key,
            "AUDIT_KEY": self.audit_key,
        }

    def flask(self, *arguments: str, output: Path | None = None) -> str:
        """Run `flask --app wsgi ARGUMENTS` and return what it printed (or write it to `output`)."""
        with ExitStack() as stack:
            sink = stack.enter_context(output.open("wb")) if output else subprocess.PIPE
            completed = subprocess.run(
                ["flask", "--app", "wsgi", *arguments],
                env=self.variables(),
                cwd=REPOSITORY_ROOT,
                stdout=sink,
                stderr=subprocess.PIPE,
                timeout=COMMAND_TIMEOUT_SECONDS,
                check=False,
            )
        if completed.returncode != 0:
            raise CommandFailed(f"flask {' '.join(arguments)}: {last_line(completed.stderr)}")
        return completed.stdout.decode() if completed.stdout else ""

    def timed_flask(self, *arguments: str, output: Path | None = None) -> float:
        """Run a command as `flask` does and return its wall-clock seconds."""
        started = time.perf_counter()
        self.flask(*arguments, output=output)
        return time.perf_counter() - started


def last_line(output: bytes) -> str:
    """Return the last line a command printed, which says why it failed."""
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database the URL names, through the server's `postgres` database."""
    parsed = make_url(url)
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"the benchmark needs a plain database name it may recreate, not {name!r}")
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        maintenance.dispose()


def describe_machine(environment: BenchEnvironment) -> dict[str, str]:
    """Name the machine, its core count and the versions the figures depend on."""
    packages = ", ".join(f"{name} {_version(name)}" for name in REPORTED_PACKAGES)
    return {
        "cores": str(os.cpu_count()),
        "processor": _processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "database": _database_version(environment),
        "packages": packages,
        "commit": _commit(),
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _database_version(environment: BenchEnvironment) -> str:
    if environment.is_sqlite:
        return f"SQLite {sqlite3.sqlite_version}"
    engine = create_engine(environment.database_url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    return f"PostgreSQL {version}"


def _commit() -> str:
    completed = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() or "unknown"
