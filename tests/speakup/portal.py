"""Portal test helpers: send a concern and open a case through the pages, as a person would."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.cases.models import Case
from fts_app.speakup.models import EqualityCount, PendingEquality
from tests.conftest import csrf_token_from

NEW_CONCERN = "/speak-up/new"
FOLLOW_UP = "/speak-up/follow-up"
FORM_ID = re.compile(r'name="form_id" value="([^"]+)"')
REFERENCE_SHOWN = re.compile(r'id="case-reference">([^<]+)<')
CODE_SHOWN = re.compile(r'id="access-code">([^<]+)<')
SPEAK_UP_AGAIN = "/speak-up/follow-up/speak-up-again"
CHECK_IN = "/speak-up/follow-up/check-in"
#: the case page's two questions can show together, so each names its fields apart
CASE_PAGE_FIELD_PREFIXES = {SPEAK_UP_AGAIN: "speak-up-again-", CHECK_IN: "check-in-"}


def answers(**overrides: Any) -> dict[str, Any]:
    """Return a valid anonymous concern's answers, with `overrides` applied."""
    base: dict[str, Any] = {
        "narrative": "The night shift on ward 7 is regularly left with one nurse.",
        "confidentiality": "anonymous",
    }
    base.update(overrides)
    return base


def send_concern(client: FlaskClient, data: dict[str, Any]) -> Any:
    """Open the form, then send `data` with the form's token and id, as a browser would."""
    page = client.get(NEW_CONCERN).get_data(as_text=True)
    form_id = FORM_ID.search(page)
    assert form_id, "the form has no id"
    fields = {"csrf_token": csrf_token_from(page), "form_id": form_id.group(1), **data}
    return client.post(NEW_CONCERN, data=fields)


@dataclass(frozen=True)
class Shown:
    """The reference and access code the confirmation page showed."""

    reference: str
    code: str


def receipt_from(response: Any) -> Shown:
    """Read the reference and code off the confirmation page."""
    html = response.get_data(as_text=True)
    reference, code = REFERENCE_SHOWN.search(html), CODE_SHOWN.search(html)
    assert reference and code, "the page shows no reference and code"
    return Shown(reference.group(1).strip(), code.group(1).strip())


def speak_up(client: FlaskClient, **overrides: Any) -> Shown:
    """Send a valid concern through the form and return what the person was shown."""
    response = send_concern(client, answers(**overrides))
    assert response.status_code == 200, response.get_data(as_text=True)
    return receipt_from(response)


def enter_code(client: FlaskClient, reference: str, code: str, **extra: Any) -> Any:
    """Post a reference and code to the follow-up page, as the person would."""
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "reference": reference, "access_code": code}
    return client.post(FOLLOW_UP, data={**data, **extra})


def case_page_fields(url: str, data: dict[str, Any]) -> dict[str, Any]:
    """Name a case page form's answers as its fields are named on the page, token included."""
    prefix = CASE_PAGE_FIELD_PREFIXES.get(url, "")
    return {f"{prefix}{name}": value for name, value in data.items()}


def post_on_case_page(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    """Post one of the case page's forms with the page's token."""
    page = client.get(FOLLOW_UP).get_data(as_text=True)
    fields = case_page_fields(url, {"csrf_token": csrf_token_from(page), **data})
    return client.post(url, data=fields)


def count(model: type) -> int:
    """Count the rows of a table."""
    return db.session().scalar(select(func.count()).select_from(model)) or 0


def stored_rows() -> dict[str, int]:
    """Count what a submission writes: cases, equality entries (pending or counted), audit."""
    db.session().expire_all()
    return {
        "cases": count(Case),
        "equality": count(PendingEquality) + count(EqualityCount),
        "audit": count(AuditEvent),
    }


def audit_actions() -> list[str]:
    """List the audit trail's actions in order."""
    db.session().expire_all()
    return list(db.session().scalars(select(AuditEvent.action).order_by(AuditEvent.sequence)))


def only_case() -> Case:
    """Return the one case in the database."""
    db.session().expire_all()
    cases = db.session().scalars(select(Case)).all()
    assert len(cases) == 1
    return cases[0]
