"""The two baselines every page is compared with, served by gunicorn like the app itself.

gunicorn 'benchmarks.baselines:fixed_page_app()'
FTS_BENCH_DATABASE_URL=sqlite:///... gunicorn 'benchmarks.baselines:indexed_select_app()'
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from sqlalchemy import text

from fts_app.db import make_engine

DATABASE_URL_VARIABLE = "FTS_BENCH_DATABASE_URL"
FIXED_PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Baseline</title></head>"
    "<body><main><h1>Baseline</h1>"
    + "<p>The same words every time.</p>" * 100
    + "</main></body></html>"
)
CASE_BY_REFERENCE = text(
    "SELECT reference, status, received_on FROM cases WHERE reference = :reference"
)


def fixed_page_app() -> Flask:
    """Return a minimal Flask app that answers every request with one fixed page."""
    app = Flask("fixed_page_baseline")

    @app.get("/")
    def page() -> str:
        return FIXED_PAGE

    return app


def indexed_select_app() -> Flask:
    """Return a minimal Flask app that looks one case up by its unique reference per request."""
    app = Flask("indexed_select_baseline")
    engine = make_engine(os.environ[DATABASE_URL_VARIABLE])

    @app.get("/")
    def case() -> str:
        with engine.connect() as connection:
            row = connection.execute(
                CASE_BY_REFERENCE, {"reference": request.args.get("reference", "")}
            ).first()
        if row is None:
            abort(404)
        return f"<p>{row.reference} {row.status} {row.received_on}</p>"

    return app
