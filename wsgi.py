"""The WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi ...`."""

import sys

from fts_app import create_app
from fts_app.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line an operator can act on, not a traceback.
    print(f"fts_app cannot start: {error}", file=sys.stderr)
    raise SystemExit(2) from None
