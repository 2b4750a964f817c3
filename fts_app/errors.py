"""Generic error pages: a plain message, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)
PAGES = {400, 403, 404, 405, 413, 429, 500}


def _render(code: int) -> tuple[str, int]:
    page = code if code in PAGES else (500 if code >= 500 else 400)
    return render_template(f"errors/{page}.html"), code


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Show the generic page for an HTTP error."""
    return _render(error.code or 500)


def handle_csrf_error(_error: CSRFError) -> tuple[str, int]:
    """A missing or stale form token: ask the person to go back and try again."""
    return render_template("errors/400.html", csrf_failed=True), 400


def handle_unexpected_error(error: Exception) -> tuple[str, int]:
    """Log the type only (messages may hold case text) and show the generic page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.error("unhandled %s", type(error).__name__)
    return _render(InternalServerError.code)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
