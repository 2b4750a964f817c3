"""Deny by default: every staff view names the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from fts_app.auth.enums import Role

View = TypeVar("View", bound=Callable[..., Any])

#: every staff role, for pages any signed-in person may use (their own password)
STAFF_ROLES = tuple(Role)

#: where each role lands after signing in
HOME_PATHS = {
    Role.ADMIN: "/admin/",
    Role.LEAD_GUARDIAN: "/cases",
    Role.GUARDIAN: "/cases",
    Role.BOARD: "/reports/board",
}


def home_path(role: Role) -> str:
    """Return the page a role starts from."""
    return HOME_PATHS[role]


def local_path_or_none(target: str | None) -> str | None:
    """Return `target` only if it is a path on this site, so no link can send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # browsers read a backslash as a slash and drop tabs and newlines, so "/\evil" is "//evil"
    if "\\" in target or any(character.isspace() or ord(character) < 32 for character in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Let only signed-in staff with one of `roles` in; anyone else signed in gets a 404."""
    allowed = {role.value for role in roles}

    def decorate(view: View) -> View:
        # the access matrix reads this mark (tests/test_access_matrix.py); a function's own
        # attributes cannot be declared to mypy
        view.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                # A 404, not a 403: a page someone may not use should not be known to exist.
                abort(404)
            return view(*args, **kwargs)

        # wraps() copies the view's name, not its type; guarded takes the view's arguments
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Mark a view as open to anyone, so the access matrix knows it was meant to be."""
    view.allowed_roles = None  # type: ignore[attr-defined]  # as in roles_required
    return view
