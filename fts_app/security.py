"""HTTP hardening: a CSP nonce, security headers, and numbers in URLs kept within bounds."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Flask, Response, g, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.routing import IntegerConverter, Map

STATIC_PREFIX = "/static/"
#: the highest page number any list is asked for; past a list's end its last page is shown
MAX_PAGE = 999_999
PAGE_NUMBER = re.compile(r"[0-9]+")
#: the largest row id: PostgreSQL's INTEGER, so a longer number in a URL is a 404, not a 500
MAX_ROW_ID = 2**31 - 1


def csp_nonce() -> str:
    """Return this request's nonce for the few script tags we serve."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def add_security_headers(response: Response) -> Response:
    """Set the headers every page needs; nothing but static assets may be cached."""
    headers = response.headers
    headers["Content-Security-Policy"] = _content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if not request.path.startswith(STATIC_PREFIX):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


#: blueprints whose forms explain a null character at the field themselves
EXPLAINS_NULL_CHARACTERS = {"speakup"}


def refuse_null_characters() -> ResponseReturnValue | None:
    """Stop any text holding a NUL byte: no database column can store one."""
    if request.blueprint in EXPLAINS_NULL_CHARACTERS:
        return None
    values = [*request.args.values(), *request.form.values(), request.path]
    if any("\x00" in value for value in values):
        return render_template("errors/400.html", null_character=True), 400
    return None


def page_number(typed: str | None) -> int:
    """Return the page asked for in a query string, from 1 to MAX_PAGE; 1 if it is no number."""
    text = (typed or "").strip()
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses
    if not PAGE_NUMBER.fullmatch(text):
        return 1
    digits = text.lstrip("0")
    # a longer number is past the end of any list; int() of thousands of digits is refused too
    if len(digits) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(digits or "0"), 1), MAX_PAGE)


class RowIdConverter(IntegerConverter):
    """The `<int:...>` of every route: a number past any row id matches no page (a 404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Register the nonce helper, the headers, the input guard and the bounded id converter."""
    app.url_map.converters["int"] = RowIdConverter
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(refuse_null_characters)
    app.after_request(add_security_headers)
