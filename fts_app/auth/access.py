"""Deny by default: every staff view names the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from fts_app.auth.enums import Role

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Let only signed-in staff with one of `roles` in; anyone else signed in gets a 404."""
    allowed = {role.value for role in roles}

    def decorate(view: View) -> View:
        view.allowed_roles = frozenset(allowed)  # type: ignore[attr-defined]

        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                # A 404, not a 403: a page someone may not use should not be known to exist.
                abort(404)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Mark a view as open to anyone, so the access matrix knows it was meant to be."""
    view.allowed_roles = None  # type: ignore[attr-defined]
    return view
