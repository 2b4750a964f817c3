"""The PDF export: identity redacted unless asked for, every export audited, any text drawable."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from fts_app import db
from fts_app.audit.models import AuditEvent
from fts_app.auth.models import User
from fts_app.cases import progress
from fts_app.cases.access import CaseNotVisible
from fts_app.cases.enums import ConfidentialityLevel, EscalationTarget, SpeakUpAgain
from fts_app.cases.export import export_case, pdf_safe
from fts_app.cases.models import Case

from .conftest import audit_actions

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_text(pdf: bytes) -> str:
    """Return the text drawn on the PDF's pages, from its compressed content streams."""
    drawn = []
    for stream in STREAM.findall(pdf):
        try:
            drawn.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    # strings in a content stream escape their brackets and backslashes
    return re.sub(r"\\([()\\])", r"\1", "".join(drawn))


@pytest.fixture
def case(make_case: Callable[..., Case], guardian: User) -> Case:
    return make_case(
        actor_id=guardian.id,
        contact_name="Jo Bloggs",
        contact_details="jo.bloggs@nhs.example",
        narrative="Night staffing on ward 7",
    )


def test_the_export_leaves_the_identity_out_by_default(case: Case, guardian: User) -> None:
    pdf = export_case(case.reference, guardian, include_identity=False)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert case.reference in text
    assert "Night staffing on ward 7" in text
    assert "[Redacted]" in text
    assert "Jo Bloggs" not in text and "jo.bloggs" not in text
    assert audit_actions(case)[-1] == "case.exported"


def test_including_the_identity_is_audited_as_a_reveal(case: Case, guardian: User) -> None:
    text = pdf_text(export_case(case.reference, guardian, include_identity=True))
    assert "Jo Bloggs" in text and "jo.bloggs@nhs.example" in text
    assert audit_actions(case)[-2:] == ["case.exported", "identity.revealed"]
    exported = (
        db.session()
        .scalars(select(AuditEvent.detail).where(AuditEvent.action == "case.exported"))
        .one()
    )
    assert json.loads(exported) == {"identity_included": True}


def test_an_anonymous_case_says_no_identity_is_recorded(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id, confidentiality=ConfidentialityLevel.ANONYMOUS)
    text = pdf_text(export_case(case.reference, guardian, include_identity=True))
    assert "Raised anonymously" in text


def test_someone_who_may_not_see_the_case_cannot_export_it(
    case: Case, other_guardian: User
) -> None:
    with pytest.raises(CaseNotVisible):
        export_case(case.reference, other_guardian, include_identity=False)
    assert "case.exported" not in audit_actions(case)


def test_text_outside_latin_1_still_exports(make_case: Callable[..., Case], guardian: User) -> None:
    case = make_case(actor_id=guardian.id, narrative="Łukasz said “it’s unsafe” — 危险 😟")
    text = pdf_text(export_case(case.reference, guardian, include_identity=False))
    assert 'ukasz said "it\'s unsafe" -' in text


@pytest.mark.parametrize(
    ("given", "drawn"),
    [
        ("plain text", "plain text"),
        ("café", "café"),
        ("‘quoted’ – “twice”…", "'quoted' - \"twice\"..."),
        ("emoji 😟", "emoji ?"),
        ("Łódź", "?ód?"),
    ],
)
def test_pdf_safe_keeps_latin_1_and_replaces_the_rest(given: str, drawn: str) -> None:
    assert pdf_safe(given) == drawn


def test_each_entry_gives_the_day_it_happened_as_well_as_when_it_was_recorded(
    case: Case, guardian: User, fixed_today: date
) -> None:
    progress.record_escalation(
        case.reference, guardian, EscalationTarget.HR, "Pattern across the team", date(2026, 10, 1)
    )
    text = pdf_text(export_case(case.reference, guardian, include_identity=False))
    assert "Escalation - HR - Gita Guardian" in text
    assert "On 1 October 2026 (recorded " in text
    assert "Pattern across the team" in text


@pytest.mark.parametrize("status", ["closed", "in-progress"])
def test_the_answer_to_the_feedback_question_and_its_comment_are_exported(
    make_case: Callable[..., Case], guardian: User, status: str
) -> None:
    # an in-progress case with an answer was reopened after it was given
    case = make_case(
        actor_id=guardian.id,
        contact_name="Jo Bloggs",
        status=status,
        closed_on=date(2026, 10, 20),
        speak_up_again=SpeakUpAgain.MAYBE.value,
        speak_up_again_on=date(2026, 10, 22),
        speak_up_again_comment="Only if nobody on the ward finds out",
    )
    text = pdf_text(export_case(case.reference, guardian, include_identity=False))
    assert "Would they speak up again?" in text and "Maybe" in text
    assert "Only if nobody on the ward finds out" in text
    assert "Feedback question answered" in text and "22 October 2026" in text
    assert "Jo Bloggs" not in text and "[Redacted]" in text


def test_a_closed_case_without_an_answer_says_so(
    make_case: Callable[..., Case], guardian: User
) -> None:
    case = make_case(actor_id=guardian.id, status="closed", closed_on=date(2026, 10, 20))
    text = pdf_text(export_case(case.reference, guardian, include_identity=False))
    assert "No answer yet" in text
