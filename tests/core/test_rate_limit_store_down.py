"""When the rate-limit store (Redis) stops answering, staff still sign in and /healthz says so."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from fts_app import create_app
from fts_app.auth.enums import Role
from fts_app.auth.models import User
from fts_app.extensions import limiter
from tests.conftest import sign_in, submit_form

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """A real redis-server of the test's own, on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        if not Path(REDIS_SERVER).exists():
            pytest.fail("redis-server is needed (apt-get install redis-server)", pytrace=False)
        self.process = subprocess.Popen(
            [
                *(REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(folder)),
            ],
            stdout=subprocess.DEVNULL,
        )
        self._wait_until_it_answers()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as link:
                    link.sendall(b"PING\r\n")
                    if link.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        pytest.fail("the test's redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.kill()


@pytest.fixture
def app(app_config: dict[str, Any], redis_server: RedisServer) -> Iterator[Flask]:
    """The application with its rate limits kept in the test's own Redis."""
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_server.url}
    application = create_app({**app_config, **settings})
    with application.app_context():
        yield application
    application.extensions["fts_engine"].dispose()


def test_staff_sign_in_carries_on_with_limits_in_the_process_when_redis_dies(
    app: Flask,
    make_user: Callable[..., User],
    redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    guardian = make_user(Role.GUARDIAN)
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    redis_server.kill()
    with caplog.at_level(logging.WARNING):
        signed_in = sign_in(app.test_client(), guardian)
    assert signed_in.get("/cases").status_code == 200
    assert any("falling back to in-memory" in record.getMessage() for record in caplog.records)


def test_the_limits_still_hold_while_redis_is_down(
    app: Flask, make_user: Callable[..., User], redis_server: RedisServer
) -> None:
    app.config["SIGN_IN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    guardian = make_user(Role.GUARDIAN)
    redis_server.kill()
    client = app.test_client()
    answers = [
        submit_form(client, "/login", {"email": guardian.email, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert 500 not in answers
    assert answers[-1] == 429


def test_health_check_says_degraded_and_why_while_redis_is_down(
    app: Flask, redis_server: RedisServer
) -> None:
    redis_server.kill()
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert any("rate-limit store" in reason for reason in body["reasons"])


@pytest.fixture(autouse=True)
def _later_apps_start_with_a_live_store() -> Iterator[None]:
    # the limiter is one object per process: the next test's app must not inherit a dead store
    yield
    limiter._storage_dead = False
