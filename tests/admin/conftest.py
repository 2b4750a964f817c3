"""An administrator, signed in, for the admin page tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from fts_app.auth.enums import Role
from fts_app.auth.models import User
from tests.conftest import sign_in


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    """An administrator account."""
    return make_user(Role.ADMIN, email="admin@trust.nhs.example")


@pytest.fixture
def admin_client(client: FlaskClient, admin: User) -> FlaskClient:
    """A browser signed in as the administrator."""
    return sign_in(client, admin)
