"""Portal sessions that can be ended on the server, so a copied cookie stops working at sign-out.

The portal cookie carries a random token beside the case it opened (fts_app/speakup/views.py).
Signing out records the token's hash as ended; a cookie whose token is recorded is refused. The
record keeps no case and only a day, and is deleted once no cookie holding the token could be
accepted any more.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete

from fts_app import db
from fts_app.speakup.models import EndedPortalSession
from fts_app.timeutil import today_in_london

#: longer than a portal session can last (15 minutes), counted in whole days
KEPT_FOR = timedelta(days=1)


def new_portal_token() -> str:
    """Return a fresh random token for a portal session's cookie."""
    return secrets.token_urlsafe(24)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_session_ended(token: str) -> bool:
    """Say whether the person signed out of the session holding `token`."""
    ended = db.session().get(EndedPortalSession, _token_hash(token))
    return ended is not None


def end_portal_session(token: str) -> None:
    """Record the session as ended, and forget records no cookie could still use."""
    today = today_in_london()
    with db.write_transaction() as session:
        session.execute(delete(EndedPortalSession).where(EndedPortalSession.keep_until < today))
        row_id = _token_hash(token)
        if session.get(EndedPortalSession, row_id) is None:
            session.add(EndedPortalSession(token_hash=row_id, keep_until=today + KEPT_FOR))
