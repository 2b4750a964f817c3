"""HTTP hardening: a per-request CSP nonce and security headers on every response."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, render_template, request
from flask.typing import ResponseReturnValue

STATIC_PREFIX = "/static/"


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


def init_app(app: Flask) -> None:
    """Register the nonce helper, the headers and the input guard."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.before_request(refuse_null_characters)
    app.after_request(add_security_headers)
