"""Flask extensions created once and bound to each app in create_app."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect


def _everyone() -> str:
    # Limits are keyed explicitly per view (an account, a case reference, or all traffic):
    # the portal must never key anything on a client address.
    return "all"


csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=_everyone, default_limits=[], headers_enabled=False)


def rate_limit_store_answers() -> bool:
    """Say whether the rate-limit store answers now (the in-process store always does)."""
    return not limiter.enabled or bool(limiter.storage.check())
