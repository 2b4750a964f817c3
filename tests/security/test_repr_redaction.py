"""A value that may end up in a log or a traceback shows no case text, code, token or contact."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from fts_app.auth.enums import SignInStep
from fts_app.auth.models import User, UserSession
from fts_app.auth.services import SignInStarted
from fts_app.auth.sessions import LiveSession, token_hash
from fts_app.cases.enums import ConfidentialityLevel, Route
from fts_app.cases.intake import LoggedConcern, NewConcern
from fts_app.cases.reading import Identity
from fts_app.speakup.services import PortalMessage, Receipt

TOKEN = "session-token-d7Qx9"
CONCERN_TEXT = {
    "narrative": "Staffing on ward 7 is unsafe at night",
    "location": "Ward 7, Riverside wing",
    "when_happened": "Every night shift since March",
    "harm": "A patient fell unobserved",
    "raised_before": "Told the ward manager in April",
    "outcome_hoped": "A second nurse on nights",
    "contact_name": "Jo Whistler",
    "contact_details": "07700 900123",
}

SENSITIVE: list[Any] = [
    pytest.param(
        NewConcern(
            route=Route.ONLINE_PORTAL,
            confidentiality=ConfidentialityLevel.CONFIDENTIAL,
            received_on=date(2026, 9, 14),
            **CONCERN_TEXT,
        ),
        list(CONCERN_TEXT.values()),
        id="NewConcern",
    ),
    pytest.param(
        Identity(name="Jo Whistler", contact_details="07700 900123"),
        ["Jo Whistler", "07700 900123"],
        id="Identity",
    ),
    pytest.param(
        LoggedConcern(reference="FTSU-2026-0001", access_code="HMKT-3R9W-QZ7P"),
        ["HMKT-3R9W-QZ7P"],
        id="LoggedConcern",
    ),
    pytest.param(
        Receipt(reference="FTSU-2026-0001", access_code="HMKT-3R9W-QZ7P", reply_by=None),
        ["HMKT-3R9W-QZ7P"],
        id="Receipt",
    ),
    pytest.param(
        PortalMessage(
            from_guardian=True,
            sent_at=datetime(2026, 9, 15, 10, 0, tzinfo=UTC),
            body="We have spoken to the matron about nights",
        ),
        ["We have spoken to the matron about nights"],
        id="PortalMessage",
    ),
    pytest.param(
        SignInStarted(token=TOKEN, next_step=SignInStep.TWO_FACTOR),
        [TOKEN],
        id="SignInStarted",
    ),
    pytest.param(
        LiveSession(row=UserSession(id=token_hash(TOKEN)), user=User(), token=TOKEN),
        [TOKEN, token_hash(TOKEN)],
        id="LiveSession",
    ),
]


@pytest.mark.parametrize(("value", "secrets"), SENSITIVE)
def test_repr_holds_none_of_the_sensitive_values(value: object, secrets: list[str]) -> None:
    shown = repr(value)

    assert [secret for secret in secrets if secret in shown] == []
    assert type(value).__name__ in shown
