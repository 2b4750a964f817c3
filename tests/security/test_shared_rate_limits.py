"""With Redis as rate-limit storage, limits hold across several app servers."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from fts_app import create_app
from tests.conftest import submit_form

REDIS_URL = "redis://127.0.0.1:6379"


def redis_is_running() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(
    not redis_is_running(), reason="no Redis at 127.0.0.1:6379 (CI machines provide one)"
)


def app_server(app_config: dict[str, Any], name: str, tmp_path: Path) -> Flask:
    """Build one of several app servers sharing one database and one Redis."""
    return create_app(
        {
            **app_config,
            "INSTANCE_PATH": str(tmp_path / name),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "SIGN_IN_LIMIT_PER_ACCOUNT": "4 per minute",
            "SIGN_IN_LIMIT_OVERALL": "100 per minute",
        }
    )


def wrong_password(server: Flask, email: str) -> int:
    with server.app_context(), server.test_client() as client:
        return submit_form(client, "/login", {"email": email, "password": "wrong"}).status_code


def test_attempts_spread_over_two_servers_share_one_limit(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    store = redis.Redis.from_url(REDIS_URL)
    keys_before = set(store.scan_iter("*sign-in*"))
    first = app_server(app_config, "first", tmp_path)
    second = app_server(app_config, "second", tmp_path)
    email = f"target-{secrets.token_hex(6)}@trust.nhs.example"

    statuses = [wrong_password(server, email) for server in (first, second, first, second)]

    assert statuses == [200, 200, 200, 200]
    assert wrong_password(first, email) == 429
    assert wrong_password(second, email) == 429
    new_keys = set(store.scan_iter("*sign-in*")) - keys_before
    assert new_keys, "the counters must live in Redis"
    store.delete(*new_keys)
