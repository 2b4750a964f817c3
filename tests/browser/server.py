"""A real instance of the service for browser journeys: fresh folder, fresh database, gunicorn."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_PASSWORD = "a long password for browser journeys"
STARTUP_SECONDS = 30
#: the service accepts a code from the step after the current one (clock drift)
ACCEPTED_STEPS_AHEAD = 1
OTPAUTH_URI = re.compile(r"otpauth://\S+")


@dataclass
class Account:
    """A staff account made on the command line, with the authenticator it was given."""

    email: str
    password: str
    totp_secret: str | None = None
    #: the last time step whose code was handed out: the service accepts each step once only
    last_step: int = field(default=-1, repr=False)

    def next_code(self) -> str:
        """Return a code from a time step this account has not used yet, waiting if it must."""
        assert self.totp_secret, f"{self.email} has no authenticator"
        totp = pyotp.TOTP(self.totp_secret)
        step = max(int(time.time()) // totp.interval, self.last_step + 1)
        # a clock wait, not a guess: the service takes codes from at most one step ahead
        wait = (step - ACCEPTED_STEPS_AHEAD) * totp.interval - time.time()
        if wait > 0:
            time.sleep(wait + 0.05)
        self.last_step = step
        return totp.at(step * totp.interval)


def totp_secret_from(output: str) -> str | None:
    """Pull the TOTP secret out of the otpauth:// URI a command printed, if it printed one."""
    match = OTPAUTH_URI.search(output)
    if match is None:
        return None
    return parse_qs(urlsplit(match.group(0)).query)["secret"][0]


def free_port() -> int:
    """Ask the operating system for a local port nobody is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """gunicorn serving the app from its own instance folder and database (SQLite by default)."""

    def __init__(
        self, instance_path: Path, database_url: str | None = None, workers: int = 1
    ) -> None:
        self.instance_path = instance_path
        self.database_url = database_url or f"sqlite:///{instance_path / 'fts.sqlite3'}"
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = instance_path / "server.log"
        self.environment = self._environment()
        self._process: subprocess.Popen[bytes] | None = None

    def _environment(self) -> dict[str, str]:
        # Settings from the caller's shell must not leak in: this instance stands alone.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("FTS_")}
        environment["FTS_INSTANCE_PATH"] = str(self.instance_path)
        environment["FTS_DATABASE_URL"] = self.database_url
        return environment

    def flask(self, *arguments: str) -> str:
        """Run a `flask --app wsgi` command against this instance and return what it printed."""
        finished = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
            cwd=REPOSITORY_ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert finished.returncode == 0, (
            f"flask {' '.join(arguments[:2])} failed:\n{finished.stdout}\n{finished.stderr}"
        )
        return finished.stdout

    def create_account(self, email: str, role: str, password: str = ACCOUNT_PASSWORD) -> Account:
        """Create a staff account with `users create`, keeping the authenticator it prints."""
        output = self.flask(
            "users", "create", "--email", email, "--role", role, "--password", password
        )
        return Account(email=email, password=password, totp_secret=totp_secret_from(output))

    def start(self) -> None:
        """Start gunicorn and return once the health check answers."""
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "wsgi:app",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    "4",
                    # each instance stands alone: no shared control socket in the home folder
                    "--no-control-socket",
                ],
                cwd=REPOSITORY_ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log()}")
            if self._answers_health_check():
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {STARTUP_SECONDS}s:\n{self.log()}")

    def _answers_health_check(self) -> bool:
        try:
            health = f"{self.base_url}/healthz"
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310 - our own http URL
                return response.status == 200
        except OSError:  # refused, reset or timed out while the worker boots
            return False

    def log(self) -> str:
        """Return what gunicorn has written so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """Stop gunicorn and wait for it to go."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
