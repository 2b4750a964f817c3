"""Two session cookies: one for staff, one for the speak-up portal, never read by the other's pages.

A portal request must not load, touch or end a staff member's session: the sessions table, the
audit trail and the sign-in record would then tie the signed-in member of staff to an anonymous
concern (docs/architecture.md, "Sessions"). Browsers send a cookie for `/` to every path, so the
server decides: under the portal's path it reads and writes only the portal cookie, which is
signed with a salt of its own and scoped to that path, so neither cookie can stand in for the other.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

#: every page of the portal lives under this path
PORTAL_PATH = "/speak-up"
PORTAL_SALT = "fts-portal-session"


def is_portal_path(path: str) -> bool:
    """Say whether `path` (without the application's root) is one of the portal's pages."""
    return path == PORTAL_PATH or path.startswith(PORTAL_PATH + "/")


def in_portal_request() -> bool:
    """Say whether the request being handled is one of the portal's."""
    return has_request_context() and is_portal_path(request.path)


class SeparateSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the portal's pages given their own cookie."""

    @property  # type: ignore[override]
    def salt(self) -> str:
        """Sign each cookie for its own side, so a staff value is refused as a portal one."""
        return PORTAL_SALT if in_portal_request() else SecureCookieSessionInterface.salt

    def get_cookie_name(self, app: Flask) -> str:
        if in_portal_request():
            return str(app.config["PORTAL_COOKIE_NAME"])
        return super().get_cookie_name(app)

    def get_cookie_path(self, app: Flask) -> str:
        if in_portal_request():
            return request.script_root + PORTAL_PATH
        return super().get_cookie_path(app)


def init_app(app: Flask, *, https: bool) -> None:
    """Name both cookies and use the interface that keeps them apart."""
    # The __Host- prefix needs the path `/`; the portal's path-scoped cookie takes __Secure-.
    app.config["SESSION_COOKIE_NAME"] = "__Host-fts_session" if https else "fts_session"
    app.config["PORTAL_COOKIE_NAME"] = "__Secure-fts_portal" if https else "fts_portal"
    app.session_interface = SeparateSessions()
